#!/usr/bin/env python3
# Traffic for checking FrontierErrors and GuardErrors on data the shipped generator did not make: five models at
# 0.01-20 requests/s, each with a random background of frontier and guard errors (0.2-1%), guard timeouts in bursts,
# guard errors written beside the completion (as `sentinel simulate` does) or instead of it (as
# examples/generate_traffic.py does), and optional outages.
# Usage: error_traffic.py SEED HOURS OUT.jsonl ['[{"model": "m-2", "source": "frontier", "start_h": 3, "end_h": 4, "share": 1.0}]']
import json, random, sys
seed, hours, out = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
outages = json.loads(sys.argv[4]) if len(sys.argv) > 4 else []   # [{model, source, start_h, end_h, share}]
r = random.Random(seed)
models = [("m-0.01", 0.01), ("m-0.05", 0.05), ("m-0.3", 0.3), ("m-2", 2.0), ("m-20", 20.0)]
ev = []
T0 = 1777636800.0
for name, rate in models:
    t = 0.0
    ferr = r.choice([0.002, 0.005, 0.01])
    gerr = r.choice([0.002, 0.005, 0.01])
    beside = r.random() < 0.5
    burst_until = -1
    while t < hours * 3600:
        t += r.expovariate(rate)
        ts = T0 + t
        h = t / 3600
        fshare, gshare = ferr, gerr
        for o in outages:
            if o["model"] == name and o["start_h"] <= h < o["end_h"]:
                if o["source"] == "frontier": fshare = o["share"]
                else: gshare = o["share"]
        # guard timeouts come in bunches: 1 in 2000 requests starts a 60 s burst at 10x the rate
        if r.random() < 0.0005: burst_until = t + 60
        g = gshare * (10 if t < burst_until else 1)
        if r.random() < fshare:
            ev.append((ts, {"kind": "error", "source": "frontier", "model": name, "status": 503}))
            continue
        if r.random() < min(g, 1):
            ev.append((ts, {"kind": "error", "source": "guard", "model": name, "status": 504}))
            if not beside: continue
        ev.append((ts, {"kind": "completion", "model": name, "id": f"{name}-{len(ev)}", "latency_ms": 800, "ttft_ms": 90}))
ev.sort(key=lambda e: e[0])
with open(out, "w") as f:
    for ts, d in ev:
        d = {"ts": round(ts, 3), **d}
        f.write(json.dumps(d) + "\n")
