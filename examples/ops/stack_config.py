#!/usr/bin/env python3
"""The configurations stack.sh runs, derived from the ones in this folder so that those stay the only source.

    stack_config.py policy --alertmanager URL              # policies/default.yaml plus an `alertmanager` receiver
    stack_config.py prometheus ADDRESS=ADDRESS...          # prometheus.yml with its targets moved, scraping every 1s
    stack_config.py alertmanager --webhook URL             # alertmanager.yml with the webhook moved, timers of seconds

Each prints YAML on stdout. Only addresses and timers change: routes, grouping, inhibition and rules are the
shipped ones. Needs PyYAML (setup.sh installs it).
"""
import argparse
import os
import sys

import yaml

OPS = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(OPS))


def load(path):
    with open(path) as f:
        return yaml.safe_load(f)


def policy(args):
    """The default policy, whose alerts also all go to Alertmanager, flushed a second (event time) after they fire."""
    p = load(os.path.join(ROOT, "policies", "default.yaml"))
    p["receivers"].append({"name": "am", "type": "alertmanager", "url": args.alertmanager})
    p["route"]["routes"].insert(0, {"receiver": "am", "continue": True})
    p["route"].update(group_wait="1s", group_interval="1m")
    return p


def prometheus(args):
    """prometheus.yml with each target `OLD=NEW` moved, its rule files found from anywhere, scraping every second."""
    moves = dict(arg.split("=", 1) for arg in args.moves)
    p = load(os.path.join(OPS, "prometheus.yml"))
    p["global"].update(scrape_interval="1s", evaluation_interval="1s")
    p["rule_files"] = [os.path.join(OPS, f) for f in p["rule_files"]]
    jobs = p["scrape_configs"] + p["alerting"]["alertmanagers"]
    for static in (s for job in jobs for s in job["static_configs"]):
        unknown = [t for t in static["targets"] if t not in moves]
        if unknown:
            sys.exit(f"stack_config.py: prometheus.yml has targets {unknown} that stack.sh does not move")
        static["targets"] = [moves[t] for t in static["targets"]]
    return p


def alertmanager(args):
    """alertmanager.yml with its webhook at `--webhook` and every group waiting 1s and re-notifying after 5s."""
    p = load(os.path.join(OPS, "alertmanager.yml"))
    for receiver in p["receivers"]:
        for webhook in receiver.get("webhook_configs", []):
            webhook["url"] = args.webhook
    routes = [p["route"]]
    while routes:
        route = routes.pop()
        route.update({k: v for k, v in {"group_wait": "1s", "group_interval": "5s"}.items() if k in route})
        routes += route.get("routes", [])
    return p


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("policy").add_argument("--alertmanager", required=True, help="Alertmanager's base URL")
    commands.add_parser("prometheus").add_argument("moves", nargs="+", metavar="OLD=NEW", help="host:port pairs")
    commands.add_parser("alertmanager").add_argument("--webhook", required=True, help="where webhook receivers post")
    args = parser.parse_args()
    make = {"policy": policy, "prometheus": prometheus, "alertmanager": alertmanager}[args.command]
    yaml.safe_dump(make(args), sys.stdout, sort_keys=False, width=120)


if __name__ == "__main__":
    main()
