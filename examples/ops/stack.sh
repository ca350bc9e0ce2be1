#!/usr/bin/env bash
# Runs the operator's kit for real, on free loopback ports in a temporary folder: Alertmanager and Prometheus (the
# Debian packages) with this folder's configurations, `sentinel run` with the shipped rules and a policy that also
# sends to Alertmanager, and two vllm-double servers as the vLLM frontier and guard. Posts the first hour of
# examples/traffic.jsonl, then checks that Prometheus scrapes Sentinel and the vLLM servers, that Alertmanager holds
# every alert Sentinel has firing and routes the safety ones to the safety webhook, and that every dashboard query
# runs. Prints what it saw, stops everything it started, exits non-zero with a message when a check fails.
#
#   examples/ops/stack.sh        # SENTINEL=… / VLLM_DOUBLE=… to use other binaries; KEEP=1 keeps the folder
set -euo pipefail
ops=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$ops/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/sentinel-stack.XXXXXX")
pids=()

stop() {
    local rc=$?
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    if [ "$rc" -ne 0 ] || [ "${KEEP:-}" = 1 ]; then
        echo "stack.sh: logs and configurations in $work" >&2
    else
        rm -rf "$work"
    fi
}
trap stop EXIT
fail() { echo "stack.sh: $*" >&2; exit 1; }

binary() {  # binary VAR PRODUCT: $VAR, else the debug build of PRODUCT (built when missing)
    local path=${!1:-$root/.build/debug/$2}
    if [ ! -x "$path" ]; then
        [ -z "${!1:-}" ] || fail "$1=$path is not an executable"
        (cd "$root" && swift build --product "$2" >&2) || fail "swift build --product $2 failed"
    fi
    echo "$path"
}

start() {  # start NAME COMMAND...: in the background, output in $work/NAME.log
    local name=$1; shift
    "$@" > "$work/$name.log" 2>&1 &
    pids+=($!)
}

await_url() {  # await_url NAME: the http://127.0.0.1:PORT that NAME prints once it listens
    local pattern='http://127\.0\.0\.1:[0-9]*'
    wait_for "$1 listens (see $work/$1.log)" grep -q "$pattern" "$work/$1.log"
    grep -om1 "$pattern" "$work/$1.log"
}

await_ready() {  # await_ready NAME URL: until URL answers 2xx
    wait_for "$1 gets ready (see $work/$1.log)" curl -sf -o /dev/null "$2"
}

wait_for() {  # wait_for WHAT COMMAND...: until COMMAND succeeds, 10 s at most
    local what=$1; shift
    for _ in $(seq 100); do
        if "$@"; then return; fi
        sleep 0.1
    done
    fail "timed out waiting until $what"
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

for tool in prometheus prometheus-alertmanager curl python3; do
    command -v "$tool" >/dev/null || fail "needs $tool (./setup.sh installs it)"
done
sentinel=$(binary SENTINEL sentinel)
double=$(binary VLLM_DOUBLE vllm-double)

start frontier "$double" --role frontier --model olmo-2-1b --port 0
start guard "$double" --role guard --port 0
frontier=$(await_url frontier)
guard=$(await_url guard)

# Alertmanager's safety webhook: a listener that keeps every notification it gets, one JSON per line.
cat > "$work/webhook.py" <<'EOF'
import http.server, sys
class Hook(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        with open(sys.argv[1], "ab") as f:
            f.write(self.rfile.read(int(self.headers["Content-Length"])).replace(b"\n", b" ") + b"\n")
        self.send_response(200)
        self.end_headers()
    def log_message(self, *args):
        pass
server = http.server.HTTPServer(("127.0.0.1", 0), Hook)
print(f"http://127.0.0.1:{server.server_port}", flush=True)
server.serve_forever()
EOF
start webhook python3 "$work/webhook.py" "$work/webhook.jsonl"
webhook=$(await_url webhook)

am="127.0.0.1:$(free_port)"
python3 "$ops/stack_config.py" alertmanager --webhook "$webhook/hook" > "$work/alertmanager.yml"
start alertmanager prometheus-alertmanager --config.file="$work/alertmanager.yml" --storage.path="$work/alertmanager" \
    --web.listen-address="$am" --cluster.listen-address=
await_ready alertmanager "http://$am/-/ready"

mkdir "$work/policies"
python3 "$ops/stack_config.py" policy --alertmanager "http://$am" > "$work/policies/default.yaml"
start sentinel "$sentinel" run --rules "$root/rules" --policies "$work/policies" --listen 127.0.0.1:0 \
    --store "$work/sentinel.db"
sentinel_url=$(await_url sentinel)

prom="127.0.0.1:$(free_port)"
python3 "$ops/stack_config.py" prometheus "127.0.0.1:9595=${sentinel_url#http://}" \
    "127.0.0.1:8000=${frontier#http://}" "127.0.0.1:8001=${guard#http://}" "127.0.0.1:9093=$am" > "$work/prometheus.yml"
start prometheus prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/prometheus" \
    --web.listen-address="$prom"
await_ready prometheus "http://$prom/-/ready"

# A few requests, so that vLLM's latency histograms have samples.
for i in 1 2 3 4 5; do
    curl -sf -o /dev/null "$frontier/v1/chat/completions" -H 'Content-Type: application/json' \
        -d "{\"model\":\"olmo-2-1b\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello $i\"}]}" \
        || fail "the frontier double refused a chat completion"
done

# Posting after Prometheus's first scrape of Sentinel lets the dashboard's rates see the events arrive.
scraped() { curl -sf "http://$prom/api/v1/query" --data-urlencode 'query=up{job="sentinel"} == 1' | grep -q '"value"'; }
wait_for "Prometheus scrapes Sentinel" scraped

# Up to 12:58: UnsafeAnswerRate has fired and resolved, JailbreakSuccess fires for three models until 13:05. After
# the last event, event time follows the wall clock, so they keep firing for minutes: longer than the checks take.
awk '$0 >= "{\"ts\":\"2026-05-01T12:58" { exit } { print }' "$root/examples/traffic.jsonl" > "$work/traffic.jsonl"
split -l 1000 -d -a 3 "$work/traffic.jsonl" "$work/batch-"
for batch in "$work"/batch-*; do
    for _ in 1 2 3 4 5; do
        status=$(curl -s -o "$work/post.json" -w '%{http_code}' -X POST --data-binary @"$batch" \
            -H 'Content-Type: application/x-ndjson' "$sentinel_url/api/v1/events")
        [ "$status" = 429 ] || break
        sleep 1
    done
    [ "$status" = 202 ] || fail "POST /api/v1/events answered $status: $(cat "$work/post.json")"
done
posted=$(wc -l < "$work/traffic.jsonl")

python3 -B "$ops/stack_check.py" "http://$prom" "http://$am" "$sentinel_url" "$work/webhook.jsonl" "$posted"
echo "stack.sh: ok"
