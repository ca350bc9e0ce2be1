#!/usr/bin/env bash
# Record what a running llama-server sends, as small files other engineers can
# turn into test fixtures, and measure single-thread generation speed.
#
#   examples/llama/serve.sh                 # start the server first
#   examples/llama/capture.sh [OUT_DIR]     # default OUT_DIR: examples/llama/captures
#
# Environment: BASE_URL (default http://127.0.0.1:${PORT:-8091}), MODEL_ALIAS (default smollm2),
#              BENCH_RUNS (default 5; 0 skips the throughput runs).
# Only loopback is ever contacted. Requests use temperature 0 and a fixed seed,
# but outputs may still change with the llama.cpp build.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="${1:-$HERE/captures}"
BASE_URL="${BASE_URL:-http://127.0.0.1:${PORT:-8091}}"
MODEL="${MODEL_ALIAS:-smollm2}"
BENCH_RUNS="${BENCH_RUNS:-5}"
CHAT="$BASE_URL/v1/chat/completions"
JSON='Content-Type: application/json'
MAX_LINE=1500

case "$BASE_URL" in
    http://127.*|http://localhost*|http://\[::1\]*) ;;
    *) echo "BASE_URL must be a loopback address" >&2; exit 2 ;;
esac
curl -fsS --max-time 2 "$BASE_URL/health" >/dev/null || { echo "no server at $BASE_URL (run serve.sh)" >&2; exit 3; }
mkdir -p "$OUT"

# Cut overly long lines so fixtures stay small (none of the requests below should need it).
cut_long() { awk -v max="$MAX_LINE" '{ if (length($0) > max) print substr($0, 1, max) "...[cut]"; else print }'; }
# Response headers without the volatile ones.
clean_headers() { tr -d '\r' | grep -v -i -E '^(date|process-start-time-unix):' | sed '/^$/d'; }

# name, curl arguments...: body to $OUT/name, headers to $OUT/name.headers
grab() {
    local name="$1"; shift
    local hdr
    hdr="$(mktemp)"
    curl -sS -N -D "$hdr" --max-time 120 "$@" | cut_long >"$OUT/$name"
    clean_headers <"$hdr" >"$OUT/$name.headers"
    rm -f "$hdr"
}

msg='[{"role":"user","content":"Name three colors."}]'

# /metrics before this script's requests (all zero right after serve.sh started the server)
grab metrics-start.txt "$BASE_URL/metrics"

# 1. streaming with the usage chunk (what Sentinel's simulator sends)
grab stream-usage.sse "$CHAT" -H "$JSON" -H 'X-Request-Id: sentinel-capture-1' \
    -d '{"model":"'"$MODEL"'","messages":'"$msg"',"max_tokens":24,"temperature":0,"seed":42,"stream":true,"stream_options":{"include_usage":true}}'
# 2. streaming cut by max_tokens -> finish_reason "length"
grab stream-length.sse "$CHAT" -H "$JSON" \
    -d '{"model":"'"$MODEL"'","messages":[{"role":"user","content":"Write a story about a cat."}],"max_tokens":4,"temperature":0,"seed":42,"stream":true,"stream_options":{"include_usage":true}}'
# 3. streaming without stream_options: no usage chunk, timings ride on the finish chunk
grab stream-no-usage.sse "$CHAT" -H "$JSON" \
    -d '{"model":"'"$MODEL"'","messages":'"$msg"',"max_tokens":4,"temperature":0,"seed":42,"stream":true}'
# 4. n=2 streamed: choices interleave, one finish chunk per index
grab stream-n2.sse "$CHAT" -H "$JSON" \
    -d '{"model":"'"$MODEL"'","messages":'"$msg"',"max_tokens":3,"temperature":0,"seed":42,"n":2,"stream":true,"stream_options":{"include_usage":true}}'
# 5. non-streaming
grab nonstream.json "$CHAT" -H "$JSON" \
    -d '{"model":"'"$MODEL"'","messages":'"$msg"',"max_tokens":24,"temperature":0,"seed":42}'
# 6. non-streaming with stream_options (vLLM answers 400; llama.cpp ignores it)
grab nonstream-with-stream-options.json "$CHAT" -H "$JSON" \
    -d '{"model":"'"$MODEL"'","messages":'"$msg"',"max_tokens":2,"temperature":0,"seed":42,"stream_options":{"include_usage":true}}'
# 7. an unknown model name (vLLM answers 404; llama.cpp serves its one model)
grab unknown-model.json "$CHAT" -H "$JSON" \
    -d '{"model":"no-such-model","messages":'"$msg"',"max_tokens":2,"temperature":0,"seed":42}'

# errors
grab error-bad-json.json "$CHAT" -H "$JSON" -d '{"messages":[{"role":"user","content":"Hi"'
grab error-missing-messages.json "$CHAT" -H "$JSON" -d '{"max_tokens":3}'
grab error-bad-type.json "$CHAT" -H "$JSON" -d '{"messages":'"$msg"',"temperature":"hot"}'
grab error-bad-max-tokens.json "$CHAT" -H "$JSON" -d '{"messages":'"$msg"',"max_tokens":-5}'
python3 -c 'import json; print(json.dumps({"messages":[{"role":"user","content":"word " * 9000}],"max_tokens":2,"stream":True,"stream_options":{"include_usage":True}}))' \
    >"$OUT/.big.json"
grab error-context-stream.json "$CHAT" -H "$JSON" -d @"$OUT/.big.json"
rm -f "$OUT/.big.json"
grab error-not-found.json "$BASE_URL/v1/no-such-endpoint"

# other endpoints
grab health.json "$BASE_URL/health"
grab models.json "$BASE_URL/v1/models"

# /metrics: after the requests above, and while a long streamed request is running
grab metrics.txt "$BASE_URL/metrics"
curl -sS -N --max-time 60 "$CHAT" -H "$JSON" \
    -d '{"messages":'"$msg"',"max_tokens":150,"ignore_eos":true,"stream":true}' >/dev/null &
bg=$!
sleep 1
grab metrics-busy.txt "$BASE_URL/metrics"
wait "$bg" || true

# throughput: BENCH_RUNS generations of 200 tokens (ignore_eos), server-side timings
if ((BENCH_RUNS > 0)); then
    {
        echo "# $(date -u +%FT%TZ) load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
        echo "# run completion_tokens predicted_per_second prompt_per_second wall_seconds"
        for i in $(seq 1 "$BENCH_RUNS"); do
            start=$(date +%s.%N)
            body="$(curl -sS --max-time 120 "$CHAT" -H "$JSON" \
                -d '{"messages":[{"role":"user","content":"Write a long story about a lighthouse keeper."}],"max_tokens":200,"ignore_eos":true,"temperature":0.7}')"
            end=$(date +%s.%N)
            python3 -c 'import json,sys
d = json.loads(sys.argv[1]); t = d["timings"]
print(sys.argv[2], d["usage"]["completion_tokens"], "%.1f" % t["predicted_per_second"], "%.1f" % t["prompt_per_second"], "%.2f" % (float(sys.argv[4]) - float(sys.argv[3])))' \
                "$body" "$i" "$start" "$end"
        done
        echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
    } >"$OUT/throughput.txt"
    cat "$OUT/throughput.txt"
fi

echo "captures written to $OUT" >&2
