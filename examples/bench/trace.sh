#!/usr/bin/env bash
# Trace benchmark (release build): `sentinel index build` over a seeded ~100 MB English-like corpus (build rate,
# index size on disk, peak memory), then `sentinel trace --batch` of 200 outputs of ~500 words, each with four
# passages copied from the corpus (latency p50/p99, peak memory, how much of the copied passages the spans cover),
# first with the index evicted from the page cache, then with it cached.
# Data go to $TRACE_BENCH_DIR (default /tmp/sentinel-trace-bench; the corpus is kept between runs, the index
# rebuilt). MEGABYTES=… changes the corpus size; SCRATCH=… the build folder (default .build-release).
set -euo pipefail
cd "$(dirname "$0")/../.."
work=${TRACE_BENCH_DIR:-/tmp/sentinel-trace-bench}
megabytes=${MEGABYTES:-100}
scratch=${SCRATCH:-.build-release}
helper=examples/bench/trace_bench.py
mkdir -p "$work"
build_log=$(mktemp)
swift build -c release --product sentinel --scratch-path "$scratch" >"$build_log" 2>&1 || { cat "$build_log"; exit 1; }
sentinel=$scratch/release/sentinel

if [ ! -s "$work/corpus-$megabytes.jsonl" ]; then
    python3 "$helper" generate --megabytes "$megabytes" --corpus "$work/corpus-$megabytes.jsonl" \
        --outputs "$work/outputs-$megabytes.jsonl"
fi
rm -rf "$work/index"
echo "== index build: $(du -h "$work/corpus-$megabytes.jsonl" | cut -f1) corpus"
python3 "$helper" measure --label "build" -- \
    "$sentinel" index build "$work/corpus-$megabytes.jsonl" --output "$work/index"
echo "index on disk: $(du -sb "$work/index" | cut -f1) bytes for $(du -b "$work/corpus-$megabytes.jsonl" | cut -f1) bytes of corpus"

for cache in cold warm; do
    echo "== trace, $cache page cache: $(wc -l <"$work/outputs-$megabytes.jsonl") outputs"
    if [ "$cache" = cold ]; then python3 "$helper" evict "$work/index"; fi
    python3 "$helper" measure --label "trace" --stdout "$work/results.jsonl" -- \
        "$sentinel" trace --index "$work/index" --batch --json "$work/outputs-$megabytes.jsonl"
done
python3 "$helper" score "$work/outputs-$megabytes.jsonl" "$work/results.jsonl"
