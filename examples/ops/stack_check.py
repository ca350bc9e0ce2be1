#!/usr/bin/env python3
"""stack.sh's checks of the running stack: polls until each holds (60 s at most), printing one line per system.

    stack_check.py PROMETHEUS_URL ALERTMANAGER_URL SENTINEL_URL WEBHOOK_LOG EVENTS_POSTED

Exits 1 naming what it waited for when a check does not hold in time.
"""
import json
import os
import sys
import time
import urllib.parse
import urllib.request

import dashboard_exprs

OPS = os.path.dirname(os.path.abspath(__file__))


def get(url):
    with urllib.request.urlopen(url, timeout=5) as r:
        return json.load(r)


def until(what, check, seconds=60):
    """check()'s first result that is not None; after `seconds`, exits saying `what` (or what(), if a function)."""
    deadline = time.time() + seconds
    while True:
        try:
            result = check()
        except OSError:  # not listening yet, or an error answer
            result = None
        if result is not None:
            return result
        if time.time() > deadline:
            sys.exit(f"stack.sh: timed out waiting until {what() if callable(what) else what}")
        time.sleep(0.5)


def labels(alert):
    return " ".join(f"{n}={alert['labels'][n]}" for n in ("model", "user", "severity") if n in alert["labels"])


class Stack:
    def __init__(self, prometheus, alertmanager, sentinel, webhook_log, posted):
        self.prometheus, self.alertmanager, self.sentinel = prometheus, alertmanager, sentinel
        self.webhook_log, self.posted = webhook_log, int(posted)

    def query(self, expr):
        return get(f"{self.prometheus}/api/v1/query?" + urllib.parse.urlencode({"query": expr}))["data"]["result"]

    def prometheus_scrapes(self):
        """Every target up, every posted event evaluated in Sentinel's counter, Alertmanager found."""
        def scraped():
            up = {f"{s['metric']['job']}/{s['metric'].get('role', s['metric']['instance'])}": s["value"][1]
                  for s in self.query("up")}
            evaluated = self.query('sum(sentinel_events_evaluated_total{source="http"})')
            done = evaluated and float(evaluated[0]["value"][1]) >= self.posted
            return (up, evaluated[0]["value"][1]) if len(up) == 3 and set(up.values()) == {"1"} and done else None

        up, evaluated = until(
            f"Prometheus scrapes Sentinel and both vLLM servers and sees the {self.posted} events evaluated", scraped)
        found = until("Prometheus finds Alertmanager",
                      lambda: get(f"{self.prometheus}/api/v1/alertmanagers")["data"]["activeAlertmanagers"] or None)
        print(f"prometheus    up: {', '.join(f'{k}={v}' for k, v in sorted(up.items()))}; "
              f"sentinel_events_evaluated_total={evaluated}; alerts to {found[0]['url']}")

    def sentinel_fires(self):
        """Sentinel's firing alerts (at least one) and the names of its rules."""
        firing = until("Sentinel has firing alerts",
                       lambda: get(f"{self.sentinel}/api/v1/alerts?state=firing")["alerts"] or None)
        rules = {r["name"] for r in get(f"{self.sentinel}/api/v1/rules")["rules"]}
        print(f"sentinel      {self.posted} events posted; firing: "
              + "; ".join(f"{a['rule']} {labels(a)}" for a in firing))
        return firing, rules

    def alertmanager_holds(self, firing, rules):
        """Alertmanager has an active alert with the same labels as each of Sentinel's firing ones."""
        missing = firing

        def received():
            nonlocal missing
            theirs = [a for a in get(f"{self.alertmanager}/api/v2/alerts") if a["labels"].get("alertname") in rules]
            have = {frozenset(a["labels"].items()) for a in theirs}
            missing = [a for a in firing if frozenset({**a["labels"], "alertname": a["rule"]}.items()) not in have]
            return None if missing else theirs

        held = until(lambda: "Alertmanager holds every alert Sentinel has firing; missing: "
                     + "; ".join(f"{a['rule']} {labels(a)}" for a in missing)
                     + " (see sentinel_delivery_failures_total)", received)
        print(f"alertmanager  {len(held)} of Sentinel's alerts active: " + "; ".join(
            f"{a['labels']['alertname']} {labels(a)} -> {','.join(r['name'] for r in a['receivers'])}" for a in held))

    def webhook_notified(self, rules):
        """Alertmanager routed firing Sentinel alerts to the safety webhook."""
        def notified():
            if not os.path.exists(self.webhook_log):
                return None
            with open(self.webhook_log) as f:
                notes = [json.loads(line) for line in f]
            return [n for n in notes if n["status"] == "firing" and n["groupLabels"].get("alertname") in rules] or None

        notes = until("Alertmanager notifies the safety webhook", notified)
        print(f"safety hook   {len(notes)} notification(s): " + "; ".join(
            f"{n['groupLabels']['alertname']} {n['groupLabels'].get('model', '')} ({len(n['alerts'])} alert(s))"
            for n in notes))

    def dashboard_runs(self):
        """Every dashboard query runs on this Prometheus ($__rate_interval as 1m); lists those without data."""
        until("Prometheus has scraped Sentinel five times (for the rates)",
              lambda: self.query('count_over_time(up{job="sentinel"}[1m]) >= 5') or None)
        with open(os.path.join(OPS, "grafana-dashboard.json")) as f:
            dashboard = json.load(f)
        errors, empty, total = [], [], 0
        for _, where, expr, _ in dashboard_exprs.queries(dashboard):
            total += 1
            try:
                if not self.query(dashboard_exprs.fill(expr, "1m")):
                    empty.append(where)
            except OSError as e:
                errors.append(f"{where}: {e}")
        if errors:
            sys.exit("stack.sh: dashboard queries failed:\n  " + "\n  ".join(errors))
        print(f"dashboard     {total - len(empty)} of {total} queries return data"
              + (f"; empty now: {', '.join(empty)}" if empty else ""))


def main():
    stack = Stack(*sys.argv[1:])
    stack.prometheus_scrapes()
    firing, rules = stack.sentinel_fires()
    stack.alertmanager_holds(firing, rules)
    stack.webhook_notified(rules)
    stack.dashboard_runs()


if __name__ == "__main__":
    main()
