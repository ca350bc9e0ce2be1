#!/usr/bin/env bash
# Sets up a fresh machine (Debian packages, Python schema validator) and runs every test.
set -euo pipefail
cd "$(dirname "$0")"
./setup.sh
swift build --build-tests
swift test --skip-build
python3 Tests/schema/validate_shipped_files.py
