#!/usr/bin/env bash
# Builds the three libFuzzer targets, so a harness that no longer compiles fails the tests, runs each over seeds
# made from the shipped files (rule and policy files, every `when:` and macro, the recorded traffic in blocks of
# consecutive lines), then fuzzes each for FUZZ_SECONDS (default 20). A crash, a hang or a broken invariant stops
# it with the input libFuzzer saved. Longer runs: see the README.
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=${FUZZ_SCRATCH:-.build-fuzz}
seconds=${FUZZ_SECONDS:-20}
work=$(mktemp -d -t sentinel-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT

for product in YAMLFuzz ExpressionFuzz EventFuzz; do
    SENTINEL_FUZZ=1 swift build -c debug --sanitize fuzzer -Xswiftc -parse-as-library --product "$product" \
        --scratch-path "$scratch" >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
done

mkdir -p "$work/seeds/YAMLFuzz" "$work/seeds/ExpressionFuzz" "$work/seeds/EventFuzz"
cp rules/*.yaml policies/*.yaml "$work/seeds/YAMLFuzz/"
python3 - "$work/seeds/ExpressionFuzz" rules/*.yaml <<'PY'
import pathlib, sys, yaml
out = pathlib.Path(sys.argv[1])
n = 0
for path in sys.argv[2:]:
    document = yaml.safe_load(open(path)) or {}
    texts = [rule.get("when", "") for rule in document.get("rules") or []] + list((document.get("macros") or {}).values())
    for text in texts:
        (out / f"{n:03d}").write_text(str(text))
        n += 1
PY
split -l 40 examples/traffic.jsonl "$work/seeds/EventFuzz/block-"

for product in YAMLFuzz ExpressionFuzz EventFuzz; do
    mkdir -p "$work/corpus-$product" "$work/artifacts-$product"
    echo "fuzz: $product, ${seconds}s"
    "$scratch/debug/$product" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
        -artifact_prefix="$work/artifacts-$product/" "$work/corpus-$product" "$work/seeds/$product" \
        >"$work/$product.log" 2>&1 || {
        tail -n 60 "$work/$product.log"
        for artifact in "$work/artifacts-$product"/*; do
            [ -e "$artifact" ] && { echo "input ($artifact):"; head -c 2000 "$artifact" | cat -v; echo; }
        done
        exit 1
    }
    grep -E "^stat::number_of_executed_units|^#[0-9]+.*DONE" "$work/$product.log" | tail -n 2
done
