#!/usr/bin/env bash
# The main job on the embedded default: set up a fresh machine, build Sentinel, check the shipped rules, and run
# the live engine (`sentinel run`) with the shipped rules and policies and a SQLite store, replaying the shipped
# recorded traffic (examples/traffic.jsonl, 4.4 hours of a three-model deployment) at 300x speed. Alerts fire,
# findings and DPO pairs land in the store, and the review page is live at the printed URL until Ctrl-C.
#
#   DEMO_LISTEN=127.0.0.1:9595   where to listen (port 0: any free port)
#   DEMO_SPEED=300               replay speed (event time / wall time)
#   DEMO_SECONDS=                stop by itself this many seconds after the start (default: run until Ctrl-C)
#   DEMO_BUILD=release           swift build configuration
set -euo pipefail
cd "$(dirname "$0")"
./setup.sh
configuration=${DEMO_BUILD:-release}
swift build -c "$configuration" --product sentinel
sentinel=.build/$configuration/sentinel
$sentinel lint rules policies

store=sentinel-demo.db   # the demo's own store, fresh at every run
rm -f "$store" "$store-wal" "$store-shm"
token=${SENTINEL_WRITE_TOKEN:-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')}
traffic=examples/traffic.jsonl
out=$(mktemp)
SENTINEL_WRITE_TOKEN=$token $sentinel run --rules rules --policies policies --store "$store" \
    --listen "${DEMO_LISTEN:-127.0.0.1:9595}" --replay "$traffic" --replay-speed "${DEMO_SPEED:-300}" \
    --log-level notice >"$out" &
pid=$!
trap 'kill -TERM $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -f "$out"' EXIT
trap 'exit 130' INT TERM

for _ in $(seq 300); do
    grep -q '^listening on ' "$out" && break
    kill -0 $pid 2>/dev/null || { echo "sentinel run stopped before it listened (see above)" >&2; exit 1; }
    sleep 0.1
done
url=$(sed -n 's/^listening on //p' "$out")
[ -n "$url" ] || { echo "sentinel run did not start in 30 s" >&2; exit 1; }
cat <<EOF

Sentinel is running the shipped rules over $traffic, replayed at ${DEMO_SPEED:-300}x speed.
  Review page   $url/review   (log in with any name and the token $token)
  Alerts        $url/api/v1/alerts
  Findings      $url/api/v1/findings
  Metrics       $url/metrics
Alert notifications are logged below as they fire and resolve. Ctrl-C stops Sentinel; the store stays in
$store (\`$sentinel export dpo --store $store --output dpo-dataset\` writes its DPO pairs in TRL's format).

EOF

metric() { curl -sf "$url/metrics" | awk -v name="$1" '$1 == name { print $2 }'; }
started=$SECONDS
summarized=""
while kill -0 $pid 2>/dev/null; do
    if [ -z "$summarized" ] && [ "$(metric sentinel_replay_finished)" = 1 ] &&
        [ "$(metric 'sentinel_events_evaluated_total{source="replay"}')" = "$(metric sentinel_replay_events_total)" ]; then
        summarized=1
        metrics=$(curl -sf "$url/metrics")
        firing=$(awk '/^sentinel_alert_transitions_total\{.*state="firing"/ { n += $2 } END { print n + 0 }' <<<"$metrics")
        findings=$(awk '/^sentinel_findings_total\{/ { n += $2 } END { print n + 0 }' <<<"$metrics")
        pairs=$(awk '/^sentinel_dpo_pairs_total\{/ { n += $2 } END { print n + 0 }' <<<"$metrics")
        echo
        echo "Replay done: $(metric sentinel_replay_events_total) events, $firing alerts fired, $findings findings, $pairs DPO pairs."
        echo "The review page stays at $url/review (token $token) until Ctrl-C."
    fi
    if [ -n "${DEMO_SECONDS:-}" ] && [ $((SECONDS - started)) -ge "$DEMO_SECONDS" ]; then break; fi
    sleep 1
done
# Sentinel stopped by itself: pass on its exit status.
kill -0 $pid 2>/dev/null || wait $pid
