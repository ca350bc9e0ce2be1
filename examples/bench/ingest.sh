#!/usr/bin/env bash
# Ingestion benchmark of `sentinel run`: acknowledged events/s over HTTP with NDJSON batches (flood), and the
# acceptance-to-evaluation latency at 50 k events/s (paced). Uses examples/bench/traffic-1m.jsonl (made by
# examples/bench/run.sh) and a release build. The paced run uses a copy of the shipped policy with
# allowed_lateness: 0s, since re-ordering holds every event back by the allowed lateness by design.
set -euo pipefail
cd "$(dirname "$0")/../.."
bench=examples/bench
[ -s "$bench/traffic-1m.jsonl" ] || { echo "run examples/bench/run.sh first (it generates the traffic)"; exit 1; }
swift build -c release --product sentinel >/dev/null
mkdir -p "$bench/policies-no-lateness"
sed 's/allowed_lateness: 5s/allowed_lateness: 0s/' policies/default.yaml > "$bench/policies-no-lateness/default.yaml"

run() {  # label, policies folder, load-generator arguments...
    local label=$1 policies=$2; shift 2
    local out; out=$(mktemp)
    .build/release/sentinel run --rules rules --policies "$policies" --listen 127.0.0.1:0 --log-level warning >"$out" 2>/dev/null &
    local pid=$!
    for _ in $(seq 100); do grep -q listening "$out" && break; sleep 0.1; done
    local url; url=$(sed -n 's/^listening on //p' "$out")
    echo "== $label"
    python3 "$bench/ingest.py" "$url" "$bench/traffic-1m.jsonl" "$@"
    echo "  peak RSS: $(grep VmHWM /proc/$pid/status | awk '{print $2, $3}')"
    kill -TERM $pid; wait $pid || true
}
run "flood, 1 M events, batches of 1000, shipped policy" policies --batch 1000 --connections 4
run "paced 50 k events/s for 20 s, batches of 100, allowed_lateness 0s" "$bench/policies-no-lateness" \
    --rate 50000 --batch 100 --connections 4 --limit 1000000
