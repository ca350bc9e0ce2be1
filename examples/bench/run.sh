#!/usr/bin/env bash
# Sentinel's benchmark: throughput of `dry-run` with the shipped pack over 1 M events, peak RSS with 100 k
# distinct group keys, and `lint` of 1 000 rules. Generated inputs are cached in examples/bench/ (git-ignored).
set -euo pipefail
cd "$(dirname "$0")/../.."
bench=examples/bench
build_log=$(mktemp)
scratch=${SCRATCH:-.build}   # another build folder, e.g. SCRATCH=.build-release, keeps the debug build warm
swift build -c release --product sentinel --scratch-path "$scratch" >"$build_log" 2>&1 || { cat "$build_log"; exit 1; }
sentinel=$scratch/release/sentinel

if [ ! -s "$bench/traffic-1m.jsonl" ]; then
    echo "generating $bench/traffic-1m.jsonl (completion-heavy, ~700 bytes/event)"
    python3 examples/generate_traffic.py --scale 240 --quiet --out "$bench/traffic-1m.jsonl"
fi
if [ ! -s "$bench/traffic-mixed-1m.jsonl" ]; then
    echo "generating $bench/traffic-mixed-1m.jsonl (the shipped mix: 86% vLLM metric samples)"
    python3 examples/generate_traffic.py --rate 2 --scrape-interval 15 --hours 30 --quiet --out "$bench/traffic-mixed-1m.jsonl"
fi
if [ ! -s "$bench/users-100k.jsonl" ]; then
    echo "generating $bench/users-100k.jsonl (1 M completions from 100 000 distinct users)"
    python3 - "$bench/users-100k.jsonl" <<'PY'
import json, random, sys
random.seed(3)
with open(sys.argv[1], "w") as out:
    for i in range(1_000_000):
        out.write(json.dumps({
            "ts": 1777636800 + i * 0.01, "kind": "completion", "id": f"c-{i}",
            "model": ("olmo-2-1b", "qwen3-4b", "llama-3.1-8b")[i % 3], "prompt": "p", "response": "r",
            "latency_ms": random.lognormvariate(6.7, 0.4), "ttft_ms": random.lognormvariate(4.8, 0.2),
            "prompt_tokens": 30, "completion_tokens": random.randint(10, 400), "finish_reason": "stop",
            "prompt_guard": {"safety": "safe", "categories": []},
            "response_guard": {"safety": "safe", "categories": [], "refusal": False},
            "attrs": {"user": f"u-{i % 100_000:06d}"}}) + "\n")
PY
fi
if [ ! -s "$bench/models-20k.jsonl" ]; then
    echo "generating $bench/models-20k.jsonl (20 000 completions, each of another model: every model-keyed window a group)"
    python3 - "$bench/models-20k.jsonl" <<'PY'
import json, sys
with open(sys.argv[1], "w") as out:
    for i in range(20_000):
        out.write(json.dumps({
            "ts": 1777636800 + i * 0.05, "kind": "completion", "id": f"c-{i}", "model": f"m-{i:05d}", "prompt": "p",
            "response": "r", "latency_ms": 500, "ttft_ms": 50, "prompt_tokens": 30, "completion_tokens": 20,
            "finish_reason": "stop", "prompt_guard": {"safety": "safe", "categories": []},
            "response_guard": {"safety": "safe", "categories": [], "refusal": False}, "attrs": {"user": "u-1"}}) + "\n")
PY
fi
if [ ! -s "$bench/rules-1000.yaml" ]; then
    python3 - "$bench/rules-1000.yaml" <<'PY'
import sys
kinds = ["ratio(unsafe_answer, {w}m) > 0.{t} and count({w}m) >= 20", "zscore(latency_ms, {w}h) > 3",
         "quantile(0.99, ttft_ms, {w}m) > 3 * quantile(0.5, ttft_ms, {w}m)", "sum(completion_tokens, {w}m) > {t}000",
         "prompt icontains jailbreak_markers and unsafe_answer"]
with open(sys.argv[1], "w") as out:
    out.write('lists:\n  jailbreak_markers: ["ignore all previous instructions", "developer mode"]\n')
    out.write('macros:\n  unsafe_answer: response_guard.safety == "unsafe" and not response_guard.refusal\nrules:\n')
    for i in range(1000):
        w, t = i % 7 + 1, i % 9 + 1
        out.write(f"  - name: Rule{i}\n    description: generated rule {i}\n    on: completion\n")
        out.write(f"    group_by: [model]\n    when: {kinds[i % len(kinds)].format(w=w, t=t)}\n")
        out.write(f"    for: {w}m\n    severity: warning\n    labels: {{team: bench}}\n")
        out.write(f"    annotations: {{summary: \"{{{{ model }}}} {{{{ value }}}}\"}}\n")
PY
fi

if [ ! -s "$bench/floor-rules/floor.yaml" ]; then
    # One rule reading one field: what reading, re-ordering and decoding a line cost before any window or rule.
    mkdir -p "$bench/floor-rules"
    cat > "$bench/floor-rules/floor.yaml" <<'YAML'
rules:
  - name: Floor
    description: reads one field of every completion and never matches
    on: completion
    when: latency_ms > 1e300
    severity: info
YAML
fi

measure() {  # label, command...
    local label=$1; shift
    /usr/bin/time -f "%e s wall, %U s user, %M KiB peak RSS" -o /tmp/sentinel-bench-time "$@" >/dev/null 2>/tmp/sentinel-bench-err || true
    echo "$label: $( (grep -m1 'events in' /tmp/sentinel-bench-err || head -1 /tmp/sentinel-bench-err) | sed 's/;.*//')  [$(cat /tmp/sentinel-bench-time)]"
}
measure "dry-run, shipped pack, 1M completion-heavy events" \
    $sentinel dry-run --rules rules --policies policies "$bench/traffic-1m.jsonl"
measure "dry-run, shipped pack, 1M events of the shipped mix" \
    $sentinel dry-run --rules rules --policies policies "$bench/traffic-mixed-1m.jsonl"
measure "dry-run, shipped pack, 1M events, 100k distinct users" \
    $sentinel dry-run --rules rules --policies policies "$bench/users-100k.jsonl"
measure "dry-run, shipped pack, 20k events, 20k distinct models (memory per model group)" \
    $sentinel dry-run --rules rules --policies policies "$bench/models-20k.jsonl"
measure "dry-run floor (one rule, one field), 1M completion-heavy events" \
    $sentinel dry-run --rules "$bench/floor-rules" --policies policies "$bench/traffic-1m.jsonl"
measure "dry-run floor (one rule, one field), 1M events of the shipped mix" \
    $sentinel dry-run --rules "$bench/floor-rules" --policies policies "$bench/traffic-mixed-1m.jsonl"
/usr/bin/time -f "%e s wall, %M KiB peak RSS" -o /tmp/sentinel-bench-time $sentinel lint "$bench/rules-1000.yaml" >/tmp/sentinel-bench-lint || true
echo "lint, 1000 rules: $(tail -1 /tmp/sentinel-bench-lint)  [$(cat /tmp/sentinel-bench-time)]"
