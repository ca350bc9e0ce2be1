#!/usr/bin/env bash
# Open-loop load of `sentinel simulate`: Poisson arrivals at RATE/s (default 2 000) for SECONDS (default 20) against
# a `vllm-double` frontier (and, with GUARD=1, a Qwen3Guard double judging prompts and answers), release builds in
# .build-release. Prints the simulator's summary: achieved rate, latency, TTFT, schedule lag. The simulator keeps
# up when the achieved rate is the target and the schedule lag stays in the milliseconds.
set -euo pipefail
cd "$(dirname "$0")/../.."
rate=${RATE:-2000}
seconds=${SECONDS_TO_RUN:-20}
scratch=.build-release
build_log=$(mktemp)
for product in sentinel vllm-double; do
    swift build -c release --scratch-path "$scratch" --product "$product" >"$build_log" 2>&1 || { cat "$build_log"; exit 1; }
done
bin=$scratch/release

pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT
# Starts a double on a free port and sets `url` once it listens.
start_double() {
    local url_file
    url_file=$(mktemp)
    "$bin/vllm-double" --port 0 "$@" >"$url_file" 2>/dev/null &
    pids+=($!)
    for _ in $(seq 100); do
        [ -s "$url_file" ] && break
        sleep 0.1
    done
    url=$(head -1 "$url_file")
}

start_double --role frontier
frontier=$url
guard_flags=()
if [ "${GUARD:-0}" = 1 ]; then
    start_double --role guard --guard-format qwen3guard
    guard_flags=(--guard "$url" --guard-model Qwen/Qwen3Guard-Gen-0.6B)
fi
echo "simulate: ${rate}/s for ${seconds}s against $frontier${GUARD:+ (with guard)}"
"$bin/sentinel" simulate --frontier "$frontier" --model allenai/OLMo-2-0425-1B-Instruct "${guard_flags[@]}" \
    --prompts examples/prompts.jsonl --rate "$rate" --duration "${seconds}s" --concurrency 1024 --max-tokens 16 \
    --output /dev/null
