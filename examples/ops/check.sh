#!/usr/bin/env bash
# Checks the operator's kit with the real tools (Debian's prometheus and prometheus-alertmanager, see setup.sh):
# the Prometheus and Alertmanager configurations, where Alertmanager routes Sentinel's alerts, the alerting rules
# about Sentinel and their tests, and every PromQL query of the Grafana dashboard, parsed by Prometheus's own
# parser. Exits non-zero on the first failure.
set -euo pipefail
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

promtool check config prometheus.yml          # and sentinel.rules.yml, which it loads
promtool test rules sentinel.rules.test.yml
amtool check-config alertmanager.yml
route() {  # route EXPECTED_RECEIVER LABEL=VALUE...: where Alertmanager sends an alert with these labels
    local want=$1; shift
    amtool config routes test --config.file=alertmanager.yml --verify.receivers="$want" "$@" 2>/dev/null \
        || { echo "check.sh: alertmanager.yml routes {$*} elsewhere than $want" >&2; exit 1; }
}
route safety-webhook alertname=JailbreakSuccess team=safety severity=critical model=qwen3-4b user=u-066
route default alertname=CategoryDrift team=safety severity=warning
route default alertname=QueueSaturation team=serving severity=critical model=qwen3-4b
python3 -B dashboard_exprs.py grafana-dashboard.json > "$tmp/dashboard.rules.json"
promtool check rules "$tmp/dashboard.rules.json"
echo "check.sh: ok"
