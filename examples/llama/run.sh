#!/usr/bin/env bash
# Sentinel against a real OpenAI-compatible server: the cached llama.cpp `llama-server` (SmolLM2-135M, see
# build.sh) as the frontier, scraped for its /metrics, with the simulator sending it prompts. There are no guard
# weights here, so the guard is `vllm-double --role guard` (Qwen3Guard's output format); everything else is real.
#
#   examples/llama/run.sh          # ~30 s: `sentinel simulate` alone, then `sentinel run` with both collectors
#
# Environment: PORT (llama-server, default 8091), SENTINEL_CACHE (see build.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
examples/llama/build.sh --print >/dev/null || { echo "llama-server is not built: run examples/llama/build.sh (~10 min once)"; exit 1; }
export PORT="${PORT:-8091}"
swift build --product sentinel >/dev/null
swift build --product vllm-double >/dev/null
bin=$(swift build --show-bin-path)
work=$(mktemp -d)

eval "$(examples/llama/serve.sh | grep -E '^(BASE_URL|PID)=')"
"$bin/vllm-double" --role guard --guard-format qwen3guard --model qwen3guard --port 0 >"$work/guard.url" &
guard_pid=$!
trap 'examples/llama/serve.sh stop >/dev/null 2>&1 || true; kill $guard_pid 2>/dev/null || true; [ -n "${sentinel_pid:-}" ] && kill $sentinel_pid 2>/dev/null || true' EXIT
for _ in $(seq 50); do [ -s "$work/guard.url" ] && break; sleep 0.1; done
guard_url=$(head -1 "$work/guard.url")
echo "frontier (llama-server): $BASE_URL   guard (double): $guard_url"

echo "== sentinel simulate: 6 requests at 1/s, max_tokens 32"
"$bin/sentinel" simulate --frontier "$BASE_URL" --model smollm2 --max-tokens 32 --guard "$guard_url" \
    --guard-model qwen3guard --guard-format qwen3guard --rate 1 --limit 6 --concurrency 4 \
    --prompts examples/prompts.jsonl --output "$work/simulated.jsonl"
head -c 600 "$work/simulated.jsonl"; echo

echo "== sentinel run: simulator + scraper of llama-server's /metrics for 15 s"
cat >"$work/sentinel.yaml" <<YAML
rules: [$PWD/rules]
policies: [$PWD/policies]
tap: {dir: tap}
collectors:
  scrape:
    interval: 2s
    timeout: 2s
    targets: [{name: llama, url: "$BASE_URL/metrics"}]
  simulator:
    frontier: {url: "$BASE_URL", model: smollm2, timeout: 60s}
    guard: {url: "$guard_url", model: qwen3guard, format: qwen3guard}
    rate: 1
    concurrency: 4
    max_tokens: 32
    limit: 10
    prompts: [$PWD/examples/prompts.jsonl]
YAML
"$bin/sentinel" run --config "$work/sentinel.yaml" --listen 127.0.0.1:0 >"$work/run.out" 2>"$work/run.err" &
sentinel_pid=$!
for _ in $(seq 100); do grep -q listening "$work/run.out" && break; sleep 0.1; done
url=$(sed -n 's/^listening on //p' "$work/run.out")
sleep 15
curl -s "$url/metrics" | grep -E '^sentinel_(simulator_(requests|completions)_total|scrape_up|events_accepted_total)'
kill -TERM $sentinel_pid; wait $sentinel_pid || true; sentinel_pid=""
echo "tap: $(cat "$work"/tap/*.jsonl | grep -c '"kind":"completion"') completions, $(cat "$work"/tap/*.jsonl | grep -c '"name":"llamacpp:') llamacpp:* samples"
echo "files in $work"
