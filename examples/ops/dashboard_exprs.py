#!/usr/bin/env python3
"""The PromQL of grafana-dashboard.json, with Grafana's variables filled in, for the real Prometheus to check.

    dashboard_exprs.py grafana-dashboard.json > dashboard.rules.json && promtool check rules dashboard.rules.json

prints a rules file with one recording rule per panel and annotation query, named after its panel. stack.sh's
checks import `queries` and `fill` to run the same queries on a live Prometheus.

Before printing anything it checks the dashboard's structure (unique panel ids, a 24-column grid without overlaps,
every query on the ${DS_PROMETHEUS} variable, known variables only) and exits 1 with the problems otherwise.
"""
import argparse
import json
import os
import re
import sys

DATASOURCE = "${DS_PROMETHEUS}"
VARIABLE = re.compile(r"\$(?:\{(\w+)\}|(\w+))")


def queries(dashboard):
    """(name, where, expr, datasource) of every panel and annotation query, in dashboard order."""
    for panel in panels(dashboard):
        for target in panel.get("targets", []):
            where = f'panel {panel["id"]} "{panel["title"]}" {target["refId"]}'
            yield f'panel_{panel["id"]}_{target["refId"]}', where, target["expr"], target.get("datasource")
    for i, annotation in enumerate(dashboard["annotations"]["list"]):
        if "expr" in annotation:
            yield f"annotation_{i}", f'annotation "{annotation["name"]}"', annotation["expr"], annotation["datasource"]


def panels(dashboard):
    """Every panel, rows' collapsed panels included."""
    for panel in dashboard["panels"]:
        yield panel
        yield from panel.get("panels", [])


def problems(dashboard):
    """What would make Grafana refuse the dashboard or show empty panels."""
    found = []
    ids = [p["id"] for p in panels(dashboard)]
    found += [f"panel id {i} is used twice" for i in sorted({i for i in ids if ids.count(i) > 1})]
    variables = {v["name"] for v in dashboard["templating"]["list"]}
    if "DS_PROMETHEUS" not in variables:
        found.append("no DS_PROMETHEUS datasource variable")
    taken = {}
    for panel in panels(dashboard):
        g = panel["gridPos"]
        if g["x"] < 0 or g["x"] + g["w"] > 24:
            found.append(f'panel {panel["id"]} is outside the 24-column grid')
        cells = {(x, y) for x in range(g["x"], g["x"] + g["w"]) for y in range(g["y"], g["y"] + g["h"])}
        clashes = sorted({taken[c] for c in cells if c in taken})
        if clashes:
            found.append(f'panel {panel["id"]} overlaps panel {", ".join(map(str, clashes))}')
        taken.update(dict.fromkeys(cells, panel["id"]))
        if panel["type"] != "row" and panel.get("datasource", {}).get("uid") != DATASOURCE:
            found.append(f'panel {panel["id"]} does not use {DATASOURCE}')
        refs = [t["refId"] for t in panel.get("targets", [])]
        if len(refs) != len(set(refs)):
            found.append(f'panel {panel["id"]} repeats a refId')
    for _, where, expr, datasource in queries(dashboard):
        if (datasource or {}).get("uid") != DATASOURCE:
            found.append(f"{where} does not use {DATASOURCE}")
        for name in unknown_variables(expr, variables):
            found.append(f"{where} uses the unknown variable ${name}")
    return found


def unknown_variables(expr, variables):
    names = {a or b for a, b in VARIABLE.findall(expr)}
    return sorted(n for n in names if n not in variables and not n.startswith("__"))


def fill(expr, interval):
    """The query as Prometheus would get it: Grafana's interval variables as `interval`, `$model` as every model."""
    values = {"__rate_interval": interval, "__interval": interval, "__range": interval, "model": ".*"}
    return VARIABLE.sub(lambda m: values[m.group(1) or m.group(2)], expr)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dashboard")
    parser.add_argument("--interval", default="5m", help="what $__rate_interval and friends become (5m)")
    args = parser.parse_args()

    with open(args.dashboard) as f:
        dashboard = json.load(f)
    found = problems(dashboard)
    if found:
        print("\n".join(f"{args.dashboard}: {p}" for p in found), file=sys.stderr)
        sys.exit(1)
    # JSON is YAML: each query becomes a recording rule named after its panel, which `promtool check rules` parses
    # with Prometheus's own parser and names in its errors.
    rules = [{"record": f"dashboard:{name}", "expr": fill(expr, args.interval)}
             for name, _, expr, _ in queries(dashboard)]
    print(json.dumps({"groups": [{"name": os.path.basename(args.dashboard), "rules": rules}]}, indent=2))


if __name__ == "__main__":
    main()
