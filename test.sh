#!/usr/bin/env bash
# Sets up a fresh machine (Debian packages, Python schema validator) and runs every test: the Swift tests, the
# schema check of every shipped file, and the operator's kit checked and run with real Prometheus and Alertmanager.
set -euo pipefail
cd "$(dirname "$0")"
./setup.sh
swift build --build-tests
# The tests' temporary files (configurations, stores, traffic, corpora) go to one folder, removed at the end.
TMPDIR=$(mktemp -d -t sentinel-tests.XXXXXX)
export TMPDIR
trap 'rm -rf "$TMPDIR"' EXIT
# Suites named *TimingTests check wall-clock schedules; they run on their own, after the parallel run.
swift test --skip-build --skip TimingTests
swift test --skip-build --filter TimingTests --no-parallel
python3 Tests/schema/validate_shipped_files.py
# The libFuzzer targets build, take the shipped files as seeds and fuzz for 20 s each.
Fuzz/smoke.sh
examples/ops/check.sh
examples/ops/stack.sh
