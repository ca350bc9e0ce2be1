#!/usr/bin/env bash
# Memory under steady load: `sentinel run` (release build, shipped rules) takes 50 k events/s of the mixed traffic
# for SOAK_SECONDS (default 600) through examples/bench/ingest.py, looping over the file with event time moving
# on; RSS is sampled every 30 s. Bounded memory means the samples level off instead of growing with the events.
# Prints the samples, the peak, and the acceptance-to-evaluation latency over the whole run.
set -euo pipefail
cd "$(dirname "$0")/../.."
bench=examples/bench
traffic=${1:-$bench/traffic-mixed-1m.jsonl}
[ -s "$traffic" ] || { echo "run examples/bench/run.sh first (it generates the traffic)"; exit 1; }
seconds=${SOAK_SECONDS:-600}
scratch=${SCRATCH:-.build}
swift build -c release --product sentinel --scratch-path "$scratch" >/dev/null
mkdir -p "$bench/policies-no-lateness"
sed "s/allowed_lateness: 5s/allowed_lateness: 0s/" policies/default.yaml >"$bench/policies-no-lateness/default.yaml"
out=$(mktemp)
store=$(mktemp -d)
"$scratch/release/sentinel" run --rules rules --policies "$bench/policies-no-lateness" --listen 127.0.0.1:0 \
    --store "$store/soak.db" --log-level warning >"$out" 2>/dev/null &
pid=$!
trap 'kill -TERM $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$out" "$store"' EXIT
for _ in $(seq 100); do grep -q listening "$out" && break; sleep 0.1; done
url=$(sed -n 's/^listening on //p' "$out")
echo "== soak: 50 k events/s for $seconds s, bodies of 100 events, 1 connection"
python3 "$bench/ingest.py" "$url" "$traffic" --rate 50000 --batch 100 --connections 1 --duration "$seconds" &
load=$!
began=$SECONDS
while kill -0 $load 2>/dev/null; do
    sleep 30
    kill -0 $load 2>/dev/null || break
    evaluated=$(curl -s "$url/metrics" | awk '$1 == "sentinel_engine_events_total" { print $2 }')
    echo "  t=$((SECONDS - began))s  RSS $(awk '/VmRSS/ {print $2, $3}' /proc/$pid/status)  events evaluated $evaluated"
done
wait $load
echo "  peak RSS: $(awk '/VmHWM/ {print $2, $3}' /proc/$pid/status); store $(du -sh "$store" | cut -f1)"
