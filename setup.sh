#!/usr/bin/env bash
# Installs what Sentinel needs on Debian: the C libraries it links, the real tools its tests check against
# (promtool, Alertmanager, headless Chromium with chromedriver for the review page) and the Python packages its
# checks use.
set -euo pipefail
packages=(libyaml-dev libsqlite3-dev libcurl4-openssl-dev libdivsufsort-dev pkg-config curl prometheus prometheus-alertmanager
    chromium chromium-driver)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi
python3 -c "import jsonschema, yaml" 2>/dev/null || python3 -m pip install -q jsonschema PyYAML
# The real `datasets` package checks that `sentinel export dpo` loads as TRL expects (examples/dpo/check_export.py).
python3 -c "import datasets" 2>/dev/null || python3 -m pip install -q datasets
