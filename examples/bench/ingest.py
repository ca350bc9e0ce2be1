#!/usr/bin/env python3
"""Load generator for `sentinel run`: posts NDJSON batches of a traffic file to POST /api/v1/events.

Two modes:
- flood (default): every connection posts its next batch as soon as the previous one is acknowledged; reports
  the acknowledged events/s. 429 answers are counted and retried after a short pause (no event is lost).
- --rate N: open-loop pacing at N events/s (batches sent on a fixed schedule, not waiting for the previous
  answer beyond the connection), then reads the acceptance-to-evaluation latency histogram from /metrics.
  With --duration S it sends for S seconds, looping over the file; each pass moves every timestamp on by whole
  days past the previous pass (the file's lines must start with {"ts":"YYYY-MM-DD...), so event time keeps going
  forward and nothing is dropped as late.

Each connection is its own worker process (the GIL would otherwise be the bottleneck).
"""

import argparse
import datetime
import http.client
import multiprocessing
import sys
import time
import urllib.parse


def batches(path, size, limit):
    out, current, n = [], [], 0
    with open(path, "rb") as f:
        for line in f:
            if limit and n >= limit:
                break
            current.append(line.rstrip(b"\n"))
            n += 1
            if len(current) == size:
                out.append(b"\n".join(current))
                current = []
    if current:
        out.append(b"\n".join(current))
    return out


def day_span(bodies):
    """Whole days from the first line's date to the day after the last line's date."""
    first = datetime.date.fromisoformat(bodies[0][7:17].decode())
    last = datetime.date.fromisoformat(bodies[-1].rsplit(b"\n", 1)[-1][7:17].decode())
    return (last - first).days + 1


def shifted(body, days, dates):
    """The body with every line's date moved on by `days` (lines start with {"ts":"YYYY-MM-DD)."""
    out = []
    for line in body.split(b"\n"):
        date = line[7:17]
        if date not in dates:
            dates[date] = (datetime.date.fromisoformat(date.decode()) + datetime.timedelta(days=days)).isoformat().encode()
        out.append(line[:7] + dates[date] + line[17:])
    return b"\n".join(out)


def passes(bodies, duration):
    """The bodies once, or (with a duration) over and over, each pass moved on in time."""
    if not duration:
        yield from bodies
        return
    span, n = day_span(bodies), 0
    while True:
        dates = {}
        for body in bodies:
            yield body if n == 0 else shifted(body, n * span, dates)
        n += 1


def worker(url, bodies, interval, result, duration=0):
    parsed = urllib.parse.urlparse(url)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=60)
    accepted = refused = 0
    started = time.monotonic()
    for i, body in enumerate(passes(bodies, duration)):
        if duration and time.monotonic() - started >= duration:
            break
        if interval:
            due = started + i * interval
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
        while True:
            conn.request("POST", "/api/v1/events", body=body, headers={"Content-Type": "application/x-ndjson"})
            response = conn.getresponse()
            payload = response.read()
            if response.status == 202:
                accepted += body.count(b"\n") + 1
                break
            if response.status == 429:
                refused += 1
                time.sleep(0.005)
                continue
            print("unexpected %d: %s" % (response.status, payload[:300]), file=sys.stderr)
            break
    result.put((accepted, refused, time.monotonic() - started))


def metric(url, name):
    parsed = urllib.parse.urlparse(url)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=10)
    conn.request("GET", "/metrics")
    text = conn.getresponse().read().decode()
    return [line for line in text.splitlines() if line.startswith(name)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("url")
    ap.add_argument("traffic")
    ap.add_argument("--batch", type=int, default=1000, help="events per request (default 1000)")
    ap.add_argument("--limit", type=int, default=0, help="events to send (default: the whole file)")
    ap.add_argument("--connections", type=int, default=4)
    ap.add_argument("--rate", type=float, default=0, help="events/s, paced (default: as fast as acknowledged)")
    ap.add_argument("--duration", type=float, default=0, help="with --rate: send for this many seconds, looping")
    args = ap.parse_args()
    if args.duration and not args.rate:
        ap.error("--duration needs --rate")

    bodies = batches(args.traffic, args.batch, args.limit)
    events = sum(b.count(b"\n") + 1 for b in bodies)
    shares = [bodies[i::args.connections] for i in range(args.connections)]
    interval = (args.batch * args.connections / args.rate) if args.rate else 0
    result = multiprocessing.Queue()
    began = time.monotonic()
    procs = [multiprocessing.Process(target=worker, args=(args.url, share, interval, result, args.duration)) for share in shares]
    for p in procs:
        p.start()
    totals = [result.get() for _ in procs]
    for p in procs:
        p.join()
    wall = time.monotonic() - began
    accepted = sum(t[0] for t in totals)
    refused = sum(t[1] for t in totals)
    print("sent %d events in requests of %d over %d connections: %.0f events/s acknowledged, %d requests got 429"
          % (accepted if args.duration else events, args.batch, args.connections, accepted / wall, refused))
    # Wait until everything is evaluated, then read the latency histogram.
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        queued = metric(args.url, "sentinel_queue_events ")
        if queued and float(queued[0].split()[1]) == 0:
            break
        time.sleep(0.2)
    evaluated_at = time.monotonic() - began
    print("all evaluated after %.2f s: %.0f events/s end to end" % (evaluated_at, accepted / evaluated_at))
    buckets = metric(args.url, "sentinel_evaluation_latency_seconds_bucket")
    counts = [(float(l.split('le="')[1].split('"')[0]), float(l.split()[-1])) for l in buckets]
    total = counts[-1][1] if counts else 0
    for bound, count in counts:
        if total and count / total >= 0.99:
            print("acceptance-to-evaluation p99 <= %g s (%.2f%% of %d events within it)" % (bound, 100 * count / total, total))
            break
    for bound, count in counts:
        if bound in (0.001, 0.002, 0.005):
            print("  within %g s: %.2f%%" % (bound, 100 * count / total if total else 0))


if __name__ == "__main__":
    main()
