#!/usr/bin/env bash
# Ingestion benchmark of `sentinel run` (release build):
#  1. flood: wrk posts a 1 M-event traffic file once, as NDJSON bodies of 1 000 events over 4 connections;
#     the rates come from Sentinel's own counters (acknowledged, evaluated). One wrk thread keeps the bodies in
#     order over its 4 connections; they still overlap by a few bodies of event time, so this run allows 1 h
#     of lateness (no event is dropped as late).
#  2. paced: examples/bench/ingest.py at 50 k events/s open loop, bodies of 100 events; reports the
#     acceptance-to-evaluation latency histogram. allowed_lateness 0s, since re-ordering holds every event back
#     by the allowed lateness by design.
# Traffic files come from examples/bench/run.sh. Needs wrk (Debian package `wrk`) and python3.
set -euo pipefail
cd "$(dirname "$0")/../.."
bench=examples/bench
traffic=${1:-$bench/traffic-mixed-1m.jsonl}
[ -s "$traffic" ] || { echo "run examples/bench/run.sh first (it generates the traffic)"; exit 1; }
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)"; exit 1; }
scratch=${SCRATCH:-.build}
swift build -c release --product sentinel --scratch-path "$scratch" >/dev/null
sentinel=$scratch/release/sentinel
policies() {  # folder, allowed lateness
    mkdir -p "$1"
    sed "s/allowed_lateness: 5s/allowed_lateness: $2/" policies/default.yaml >"$1/default.yaml"
}
policies "$bench/policies-late-1h" 1h
policies "$bench/policies-no-lateness" 0s

start_sentinel() {  # policies folder
    out=$(mktemp)
    "$sentinel" run --rules rules --policies "$1" --listen 127.0.0.1:0 --store "$(mktemp -d)/bench.db" --log-level warning >"$out" 2>/dev/null &
    pid=$!
    for _ in $(seq 100); do grep -q listening "$out" && break; sleep 0.1; done
    url=$(sed -n 's/^listening on //p' "$out")
}
counter() { curl -s "$url/metrics" | sed -n "s/^$1 //p"; }
stop_sentinel() {
    echo "  peak RSS: $(awk '/VmHWM/ {print $2, $3}' /proc/$pid/status)"
    kill -TERM "$pid"; wait "$pid" || true
}

echo "== flood: $traffic, bodies of 1000 events, 4 connections"
start_sentinel "$bench/policies-late-1h"
bodies=$(( $(wc -l <"$traffic") / 1000 ))
wrk -t1 -c4 -d600s -s "$bench/ingest.lua" "$url" -- "$traffic" 1000 1 >/dev/null 2>&1 &
wrk_pid=$!
# The clock starts at the first acknowledged body, not at wrk's start: wrk first reads and splits the whole
# traffic file in Lua (about a second), which is not Sentinel's time. The rates count the events after that body.
began=""
first=0
acknowledged_at=""
evaluated_at=""
while true; do
    accepted=$(counter 'sentinel_events_accepted_total{source="http"}')
    evaluated=$(counter 'sentinel_events_evaluated_total{source="http"}')
    now=$(date +%s.%N)
    if [ -z "$began" ] && [ "${accepted:-0}" -gt 0 ]; then began=$now; first=$accepted; fi
    # wrk posts each body once (its first request() call, made before connecting, is never sent).
    if [ -z "$acknowledged_at" ] && [ "$accepted" -ge $(( (bodies - 1) * 1000 )) ]; then acknowledged_at=$now; fi
    if [ -n "$acknowledged_at" ] && [ "$evaluated" -ge "$accepted" ]; then evaluated_at=$now; break; fi
    sleep 0.02
done
kill "$wrk_pid" 2>/dev/null || true
python3 - "$accepted" "$first" "$began" "$acknowledged_at" "$evaluated_at" <<'PY'
import sys
n, first = int(sys.argv[1]), int(sys.argv[2])
began, acked, done = map(float, sys.argv[3:])
print("  %d events: %.0f events/s acknowledged, %.0f events/s evaluated (after the first %d; polled every 20 ms)"
      % (n, (n - first) / (acked - began), (n - first) / (done - began), first))
PY
echo "  late events: $(counter sentinel_engine_late_events_total)"
stop_sentinel

echo "== paced: 50 k events/s open loop, bodies of 100 events, 1 connection, allowed_lateness 0s"
start_sentinel "$bench/policies-no-lateness"
python3 "$bench/ingest.py" "$url" "$traffic" --rate 50000 --batch 100 --connections 1 --limit 1000000
stop_sentinel
