#!/usr/bin/env bash
# The main job on the embedded default: set up a fresh machine, build Sentinel, check the shipped rules, and
# replay the shipped recorded traffic (examples/traffic.jsonl) through them. Alerts go to stdout, the per-rule
# summary to stderr.
set -euo pipefail
cd "$(dirname "$0")"
./setup.sh
swift build -c release --product sentinel
.build/release/sentinel lint rules policies
.build/release/sentinel dry-run --format text --rules rules --policies policies examples/traffic.jsonl
