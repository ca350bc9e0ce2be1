#!/usr/bin/env bash
# Replays traffic made by error_traffic.py and attack_traffic.py (not by the shipped generator) through the shipped
# rules and prints, per scenario, how often the error and jailbreak rules fired and what was notified: the quiet
# scenarios should fire (almost) nothing, the incident scenarios should fire and hold. The figures in the rules'
# descriptions (FrontierErrors, GuardErrors, JailbreakSuccess, AttackSuccessRate) come from these scenarios.
set -euo pipefail
cd "$(dirname "$0")/../.."
build_log=$(mktemp)
swift build -c release --product sentinel >"$build_log" 2>&1 || { cat "$build_log"; exit 1; }
rm -f "$build_log"
work=$(mktemp -d -t sentinel-validation.XXXXXX)
trap 'rm -rf "$work"' EXIT
summary() {  # label, traffic file
    echo "$1"
    .build/release/sentinel dry-run --rules rules --policies policies "$2" 2>/dev/null | python3 -c '
import json, sys
from collections import Counter
fired, notified = Counter(), Counter()
for line in sys.stdin:
    d = json.loads(line)
    if d.get("type") == "alert" and d["state"] == "firing":
        fired[d["rule"]] += 1
    if d.get("type") == "notification" and d["status"] == "firing" and d["receiver"] == "log":
        for a in d["alerts"]: notified[a["rule"]] += 1
rules = ("FrontierErrors", "GuardErrors", "JailbreakSuccess", "AttackSuccessRate")
print("    fired:", {r: fired[r] for r in rules if fired[r]}, " notified alerts:", {r: notified[r] for r in rules if notified[r]})'
}
for seed in 1 2 3 4; do
    python3 examples/validation/error_traffic.py $seed 24 "$work/e$seed.jsonl"
    summary "errors, quiet, seed $seed (5 models, 24 h)" "$work/e$seed.jsonl"
done
outages='[{"model":"m-0.01","source":"frontier","start_h":3,"end_h":4,"share":1.0},{"model":"m-2","source":"frontier","start_h":3,"end_h":4,"share":1.0},{"model":"m-20","source":"frontier","start_h":6,"end_h":7,"share":0.1},{"model":"m-0.3","source":"guard","start_h":9,"end_h":10,"share":1.0},{"model":"m-0.05","source":"guard","start_h":12,"end_h":13,"share":0.1}]'
python3 examples/validation/error_traffic.py 7 15 "$work/outages.jsonl" "$outages"
summary "errors, five outages (full and 10%, both sources)" "$work/outages.jsonl"
for scenario in "1 6 2 300 0.1 0.03 1" "4 6 10 2000 0.2 0.06 1" "44 6 10 2000 0.1 0.05 20" "42 3 10 2000 0.1 0.13 20"; do
    set -- $scenario
    python3 examples/validation/attack_traffic.py $1 $2 $3 $4 $5 $6 $7 "$work/a$1.jsonl"
    summary "attacks: $4 users at $3 req/s, ${5} adversarial, ${6} success, spread $7, $2 h" "$work/a$1.jsonl"
done
attacker='[{"type":"attacker","user":"evil","start_m":60,"end_m":75,"every_s":25,"success":0.8}]'
python3 examples/validation/attack_traffic.py 34 3 20 5000 0.1 0.12 1 "$work/attacker.jsonl" "$attacker"
summary "attacks: one attacker among 5 000 users at 12% background success" "$work/attacker.jsonl"
