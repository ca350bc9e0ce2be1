#!/usr/bin/env python3
"""Validates the shipped files against Sentinel's JSON Schemas (schemas/*.schema.json).

- rules/**/*.yaml (except *.test.yaml)  against rules.schema.json
- rules/**/*.test.yaml                 against rule-test.schema.json
- policies/**/*.yaml                   against policy.schema.json
- examples/**/*.jsonl, every line      against traffic.schema.json (examples/bench/ is skipped: local,
                                         git-ignored benchmark files; --include-bench validates them too;
                                         prompt sets and wire captures are not traffic)
- examples/**/sentinel*.yaml           against sentinel.schema.json (the service configuration)
- Tests/schema/fixtures/webhook-*.json  against webhook.schema.json (webhook bodies; SentinelNotifyTests checks that
                                         Sentinel produces exactly these)
- the YAML examples in README.md, a set of inline documents that must pass, and deliberately bad inline documents
  that the schemas must reject
- the schemas themselves (draft-07 meta-schema; every property has a title and a description)

YAML is read the way yaml-language-server reads it (YAML 1.2 core schema: `on`/`yes`/`no` are strings, timestamps
stay strings); duplicate keys are errors. Prints one line per check and `N passed, M failed` last; exits 1 on any
failure. Needs jsonschema and PyYAML.
"""

import argparse
import json
import pathlib
import re
import sys
import time

try:
    import jsonschema
    import yaml
except ImportError as exc:  # pragma: no cover
    print("validate_shipped_files.py needs jsonschema and PyYAML (python3 -m pip install jsonschema PyYAML): %s"
          % exc, file=sys.stderr)
    sys.exit(2)

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCHEMAS = {"rules": "rules.schema.json", "policy": "policy.schema.json", "test": "rule-test.schema.json",
           "traffic": "traffic.schema.json", "service": "sentinel.schema.json",
           "webhook": "webhook.schema.json"}
# JSON Lines under examples/ that are not recorded traffic (prompt sets, captured wire formats).
NOT_TRAFFIC = ("examples/prompts", "examples/llama/")
MAX_ERRORS_PER_FILE = 20


# ---------------------------------------------------------------------------------------------------- YAML 1.2

class Yaml12Resolver(yaml.resolver.Resolver):
    """Core-schema implicit tags only: null, bool (true/false), int, float. No timestamps, no yes/no/on/off."""


Yaml12Resolver.yaml_implicit_resolvers = {}
for _tag, _regex, _first in [
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", list("-+0123456789")),
    ("tag:yaml.org,2002:float",
     r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
     list("-+.0123456789")),
]:
    Yaml12Resolver.add_implicit_resolver(_tag, re.compile(_regex), _first)


class Yaml12Loader(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser, yaml.composer.Composer,
                   Yaml12Resolver):
    def __init__(self, stream):
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        Yaml12Resolver.__init__(self)


class YamlProblem(Exception):
    def __init__(self, message, line):
        super().__init__(message)
        self.line = line


def _scalar(node):
    tag, value = node.tag, node.value
    if tag == "tag:yaml.org,2002:null":
        return None
    if tag == "tag:yaml.org,2002:bool":
        return value.lower() == "true"
    if tag == "tag:yaml.org,2002:int":
        text = value.lstrip("+")
        if text.startswith("0o"):
            return int(text[2:], 8)
        if text.startswith("0x"):
            return int(text[2:], 16)
        return int(text, 10)
    if tag == "tag:yaml.org,2002:float":
        low = value.lower()
        if low.endswith(".inf"):
            return float("-inf") if low.startswith("-") else float("inf")
        if low == ".nan":
            return float("nan")
        return float(value)
    return value


def _convert(node, path, lines):
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.ScalarNode):
        return _scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, path + (i,), lines) for i, item in enumerate(node.value)]
    out = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise YamlProblem("mapping keys must be scalars", key_node.start_mark.line + 1)
        key = key_node.value
        if key in out:
            raise YamlProblem("duplicate key '%s'" % key, key_node.start_mark.line + 1)
        out[key] = _convert(value_node, path + (key,), lines)
    return out


def load_yaml(text):
    """(document, {path: line}); raises YamlProblem. An empty document is None."""
    try:
        nodes = list(yaml.compose_all(text, Loader=Yaml12Loader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise YamlProblem(str(exc).replace("\n", " "), mark.line + 1 if mark else 1)
    if len(nodes) > 1:
        raise YamlProblem("a file holds one YAML document; found %d" % len(nodes), 1)
    if not nodes:
        return None, {}
    lines = {}
    return _convert(nodes[0], (), lines), lines


# ---------------------------------------------------------------------------------------------------- checks

class Report:
    def __init__(self, quiet):
        self.passed = 0
        self.failed = 0
        self.quiet = quiet

    def ok(self, what):
        self.passed += 1
        if not self.quiet:
            print("ok    %s" % what)

    def fail(self, what, details=()):
        self.failed += 1
        print("FAIL  %s" % what)
        for d in details:
            print("      %s" % d)


def path_text(path):
    out = ""
    for p in path:
        out += "[%d]" % p if isinstance(p, int) else ("." if out else "") + str(p)
    return out or "(document)"


def describe(error, lines=None, line_offset=0):
    """One line per (most relevant) error, with the source line when known."""
    leaf = best_leaf(error)
    path = tuple(leaf.absolute_path)
    where = ""
    if lines is not None:
        probe = path
        while probe not in lines and probe:
            probe = probe[:-1]
        if probe in lines:
            where = "line %d: " % (lines[probe] + line_offset)
    return "%s%s: %s" % (where, path_text(path), leaf.message)


def best_leaf(error):
    """The deepest error of a oneOf/anyOf/allOf tree, preferring the branch that matched the type."""
    while error.context:
        error = jsonschema.exceptions.best_match(error.context)
        if error is None:
            break
    return error


def validate_doc(validator, doc, lines=None, line_offset=0):
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(map(str, e.absolute_path)))
    return [describe(e, lines, line_offset) for e in errors[:MAX_ERRORS_PER_FILE]]


def check_yaml_file(report, validator, path, rel):
    try:
        doc, lines = load_yaml(path.read_text(encoding="utf-8"))
    except YamlProblem as exc:
        report.fail(rel, ["line %d: %s" % (exc.line, exc)])
        return
    except UnicodeDecodeError as exc:
        report.fail(rel, ["not UTF-8: %s" % exc])
        return
    if doc is None:
        report.ok("%s (empty file: the linter warns)" % rel)
        return
    problems = validate_doc(validator, doc, lines)
    if problems:
        report.fail(rel, problems)
    else:
        report.ok(rel)


def kind_validators(schema):
    """Validators for `definitions.<kind>` of the traffic schema. An event with ts whose kind's definition holds is
    valid under the whole schema (the definition repeats ts and kind), so these give a fast path; anything they
    reject is judged by the full validator."""
    out = {}
    for kind, sub in schema.get("definitions", {}).items():
        root = dict(sub)
        root["definitions"] = schema["definitions"]
        out[kind] = jsonschema.Draft7Validator(root).is_valid
    return out


def check_json_file(report, validator, path, rel):
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        report.fail(rel, ["not JSON: %s" % exc])
        return
    problems = validate_doc(validator, doc)
    report.fail(rel, problems) if problems else report.ok(rel)


def check_jsonl_file(report, validator, path, rel, fast):
    full_is_valid = validator.is_valid

    def is_valid(event):
        check = fast.get(event.get("kind")) if isinstance(event, dict) and "ts" in event else None
        return (check is not None and check(event)) or full_is_valid(event)

    count = 0
    problems = []
    with open(path, "r", encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            count += 1
            try:
                event = json.loads(line)
            except ValueError as exc:
                problems.append("line %d: not JSON: %s" % (number, exc))
            else:
                if not is_valid(event):
                    problems.extend("line %d: %s" % (number, d) for d in validate_doc(validator, event)[:3])
            if len(problems) >= MAX_ERRORS_PER_FILE:
                problems.append("(stopped after %d problems)" % MAX_ERRORS_PER_FILE)
                break
    if problems:
        report.fail("%s (%d events)" % (rel, count), problems)
    else:
        report.ok("%s (%d events)" % (rel, count))


def check_schema_documentation(report, name, schema):
    """Every entry of every `properties` has a title and a description (editors show them)."""
    missing = []

    def walk(node, where):
        if isinstance(node, dict):
            for key, sub in (node.get("properties") or {}).items():
                if not isinstance(sub, dict) or "title" not in sub or "description" not in sub:
                    missing.append("%s.properties.%s" % (where, key))
            for key, sub in node.items():
                if key != "if":             # conditions are not shown to users
                    walk(sub, "%s.%s" % (where, key))
        elif isinstance(node, list):
            for i, sub in enumerate(node):
                walk(sub, "%s[%d]" % (where, i))

    walk(schema, "#")
    if missing:
        report.fail("schemas/%s: properties without title/description" % SCHEMAS[name], missing[:20])
    else:
        report.ok("schemas/%s: every property has a title and a description" % SCHEMAS[name])


# ---------------------------------------------------------------------------------------------------- inline docs

WEBHOOK = """{"version":"4","source":"sentinel","idempotencyKey":"n-1","receiver":"hook","status":"resolved","groupKey":"{}:{}",
 "groupLabels":{},"commonLabels":{"alertname":"R"},"commonAnnotations":{},"externalURL":"","truncatedAlerts":0,
 "alerts":[{"status":"resolved","labels":{"alertname":"R"},"annotations":{},"startsAt":"2026-05-01T12:00:00Z",
            "endsAt":"2026-05-01T12:05:00.250Z","generatorURL":"","fingerprint":"0123456789abcdef","value":1.5}]}"""


def webhook_with(change):
    """WEBHOOK changed by `change` (a function of the parsed document), as JSON text."""
    doc = json.loads(WEBHOOK)
    change(doc)
    return json.dumps(doc)


GOOD = [
    ("rules", "rule over two kinds", """
rules:
  - {name: ErrorRate, on: [completion, error], group_by: [model], when: 'ratio(kind == "error", 10m) > 0.05'}
"""),
    ("rules", "rule file using every key", """
lists:
  jailbreak_markers: ["ignore all previous instructions", "developer mode", DAN]
  slow_models: [olmo-2-1b, 3, 4.5]
macros:
  unsafe_answer: response_guard.safety == "unsafe" and not response_guard.refusal
rules:
  - name: UnsafeAnswerRate
    description: Guard flags over 20% of a model's answers as unsafe in 5 minutes
    on: completion
    where: reprompt_of == null
    group_by: [model, {field: attrs.user, as: user}]
    when: ratio(unsafe_answer, 5m) > 0.2 and count(5m) >= 20
    value: ratio(unsafe_answer, 5m)
    for: 1m
    keep_firing_for: 5m
    severity: critical
    labels: {team: safety, tier: 1}
    annotations: {summary: "{{ model }}: {{ value }} of answers unsafe over 5m"}
    actions: [notify, capture_dpo]
    enabled: true
  - name: GuardSilence
    on: completion
    group_by: [model]
    every: 1m
    when: count(response_guard exists, 10m) == 0 and count(10m) > 0
  - name: Waiting
    on: metric
    where: name == "vllm:num_requests_waiting"
    group_by: [{field: labels.model_name, as: model}]
    when: value > 50
    for: 2m30s
"""),
    ("policy", "policy using every key", """
settings:
  evaluation_interval: 15s
  allowed_lateness: 5s
  max_groups_per_rule: 100000
  max_window_samples: 500000
actions:
  notify: {type: notify}
  capture_dpo: {safety_instruction: "Refuse harmful requests.", max_attempts: 2, sample: 0.25}
  trace: {type: trace, backend: infini_gram, url: "https://api.infini-gram.io/", index: v4_olmo-mix-1124_llama,
          min_span_length: 4, max_span_count: 10, max_documents_per_span: 3, max_frequency: 10,
          max_span_density: 0.05, timeout: 10s}
  page_oncall: {type: notify}
receivers:
  - {name: oncall-log, type: log, send_resolved: false}
  - {name: safety-webhook, type: webhook, url: "http://127.0.0.1:9000/hook", timeout: 5s, max_retries: 3,
     backoff: 1s, max_backoff: 1m, bearer_token_env: HOOK_TOKEN, send_resolved: true}
  - {name: am, type: alertmanager, url: "http://127.0.0.1:9093"}
  - {name: keep, type: store}
route:
  receiver: oncall-log
  group_by: [rule, model]
  group_wait: 30s
  group_interval: 5m
  repeat_interval: 4h
  routes:
    - matchers: ['severity="critical"', 'model=~"qwen.*"', "team = safety"]
      receiver: safety-webhook
      continue: true
      routes: [{receiver: am, matchers: ['rule!="Waiting"']}]
inhibit_rules:
  - source_matchers: ['rule="GuardSilence"']
    target_matchers: ['rule=~"Unsafe.*"']
    equal: [model]
"""),
    ("test", "rule test using every key", """
rule_files: [safety.yaml]
policy_files: [../policies/default.yaml]
tests:
  - name: fires after a minute of unsafe answers
    start: 2026-05-01T12:00:00Z
    events:
      - at: 0s
        repeat: 30
        every: 5s
        kind: completion
        model: m1
        response_guard: {safety: unsafe, refusal: false}
      - ts: 2026-05-01T12:03:00.250Z
        kind: metric
        name: vllm:num_requests_waiting
        labels: {model_name: m1, engine: "0"}
        value: 3
      - {at: 10s, kind: feedback, user: u-1, thumbs: down}
    events_file: traffic.jsonl
    expect:
      - at: 30s
        alerts:
          - rule: UnsafeAnswerRate
            state: pending
            labels: {model: m1, severity: critical, team: safety}
            annotations: {summary: "m1: 1 of answers unsafe over 5m"}
            value: 1
      - at: 3m
        alerts: []
    expect_matches: {UnsafeAnswerRate: 30}
"""),
    ("traffic", "completion, metric and other events", """
{"ts":"2026-05-01T12:00:00Z","kind":"completion","id":"c-1","model":"olmo-2-1b","prompt":"p","response":"r","latency_ms":840,"ttft_ms":95,"prompt_tokens":31,"completion_tokens":212,"finish_reason":"stop","prompt_guard":{"safety":"unsafe","categories":["Violent"]},"response_guard":{"safety":"safe","categories":[],"refusal":true},"reprompt_of":null,"attrs":{"user":"u-17","dataset":"wildjailbreak","adversarial":true}}
{"ts":1777636805.5,"kind":"metric","name":"vllm:num_requests_waiting","labels":{"model_name":"olmo-2-1b","engine":"0"},"value":3,"type":"gauge"}
{"ts":"2026-05-01T12:00:05.000Z","kind":"metric","name":"vllm:time_to_first_token_seconds_bucket","labels":{"model_name":"m","le":"+Inf"},"value":"NaN"}
{"ts":"2026-05-01T12:00:06Z","kind":"error","source":"guard","model":"m","message":"timeout","status":504}
{"ts":"2026-05-01T12:00:07Z","kind":"feedback","anything":{"goes":[1,2]}}
"""),
    ("webhook", "resolved group with one alert", WEBHOOK),
    # Sentinel accepts each of these; the schema must too (each pins one past mismatch).
    ("rules", "annotation keys are any text", """
rules:
  - {name: R, on: completion, when: 'latency_ms > 1', annotations: {run-book: "https://x", 1a: y}}
"""),
    ("rules", "plain scalars read as text: description, on, a list item", """
lists:
  flags: [true, 3, abc]
rules:
  - {name: R, description: 5, on: 5, when: 'x > 1'}
"""),
    ("test", "test without a name", """
rule_files: [a.yaml]
tests:
  - events: [{at: 0s, kind: x}]
    expect_matches: {R: 1}
"""),
    ("test", "RFC 3339 times with offsets, lowercase t/z and fractions", """
rule_files: [a.yaml]
policy_files: [p.yaml]
tests:
  - name: t
    start: 2026-05-01T12:00:00+02:00
    events:
      - {ts: 2026-05-01t10:00:00.123456789z, kind: x}
      - {ts: 2026-05-01T09:30:00.5-00:30, kind: x}
    expect_notifications: [{ts: 2026-05-01T23:59:60Z, receiver: r}]
  - name: u
    start: 2026-05-01t12:00:00.5z
    expect_matches: {R: 0}
"""),
    ("test", "'at' as a number of seconds; annotation keys any text", """
rule_files: [a.yaml]
tests:
  - name: t
    events: [{at: 5, kind: x}, {at: 1.5, kind: x}]
    expect: [{at: 10, alerts: [{rule: R, annotations: {run-book: x}}]}]
"""),
    ("traffic", "special floats and zone offsets", """
{"ts":"2026-05-01T14:00:00+02:00","kind":"completion","id":"c","model":"m","latency_ms":"NaN","ttft_ms":"+Inf","prompt_tokens":"-Inf","completion_tokens":"Inf"}
{"ts":"2026-05-01t12:00:01.123456789z","kind":"metric","name":"x","value":"Inf"}
{"ts":"2026-05-01T12:00:02-23:59","kind":"metric","name":"x","value":"+Inf"}
{"ts":-62167219200,"kind":"metric","name":"x","value":"-Inf"}
{"ts":253402300799.999,"kind":"metric","name":"x","value":"NaN"}
"""),
    ("policy", "an action's explicit type decides its keys, even under another type's name", """
actions:
  trace: {type: notify}
  notify: {type: capture_dpo, sample: 1}
  capture_dpo: {type: trace, index: idx, timeout: 1ms}
"""),
    ("service", "idle_advance of 100ms", "idle_advance: 0s100ms\n"),
]

BAD = [
    # (schema, name, document, expected jsonschema keyword of the leaf error)
    ("rules", "unknown rule key", "rules:\n  - {name: R, on: completion, when: 'x > 1', severty: critical}\n",
     "additionalProperties"),
    ("rules", "bad severity", "rules:\n  - {name: R, on: completion, when: 'x > 1', severity: high}\n", "enum"),
    ("rules", "bad duration", "rules:\n  - {name: R, on: completion, when: 'x > 1', for: 5 minutes}\n", "pattern"),
    ("rules", "duration units out of order", "rules:\n  - {name: R, on: completion, when: 'x > 1', for: 30s1m}\n",
     "pattern"),
    ("rules", "zero 'every'", "rules:\n  - {name: R, on: completion, when: 'x > 1', every: 0s}\n", "not"),
    ("rules", "missing 'when'", "rules:\n  - {name: R, on: completion}\n", "required"),
    ("rules", "rule name with a dash", "rules:\n  - {name: unsafe-rate, on: completion, when: 'x > 1'}\n",
     "pattern"),
    ("rules", "unknown top-level key", "rule:\n  - {name: R, on: completion, when: 'x > 1'}\n",
     "additionalProperties"),
    ("rules", "empty kind list", "rules:\n  - {name: R, on: [], when: 'x > 1'}\n", None),
    ("rules", "heartbeat in a kind list", "rules:\n  - {name: R, on: [completion, heartbeat], when: 'x > 1'}\n", None),
    ("rules", "a kind listed twice", "rules:\n  - {name: R, on: [error, error], when: 'x > 1'}\n", None),
    ("rules", "group_by entry with unknown key",
     "rules:\n  - {name: R, on: completion, when: 'x > 1', group_by: [{field: model, label: m}]}\n", None),
    ("policy", "unknown action type", "actions:\n  page: {type: pager}\n", "enum"),
    ("policy", "action without type", "actions:\n  page: {}\n", "required"),
    ("policy", "webhook without url", "receivers:\n  - {name: w, type: webhook}\n", "required"),
    ("policy", "log receiver with url", "receivers:\n  - {name: l, type: log, url: 'http://x'}\n", None),
    ("policy", "bad matcher", "route:\n  receiver: r\n  matchers: ['severity==\"critical']\n", "pattern"),
    ("policy", "route without receiver at the root", "route:\n  group_by: [rule]\n", "required"),
    ("policy", "settings value below 1", "settings: {max_groups_per_rule: 0}\n", "minimum"),
    ("policy", "unknown settings key", "settings: {evaluation_intervall: 15s}\n", "additionalProperties"),
    ("test", "event with both at and ts",
     "rule_files: [a.yaml]\ntests:\n  - name: t\n    events:\n      - {at: 0s, ts: 2026-05-01T12:00:00Z, kind: x}\n",
     "not"),
    ("test", "completion event with a misspelt field",
     "rule_files: [a.yaml]\ntests:\n  - name: t\n    events:\n      - {at: 0s, kind: completion, modle: m1}\n",
     "additionalProperties"),
    ("test", "alert state 'resolved'",
     "rule_files: [a.yaml]\ntests:\n  - name: t\n    expect:\n      - {at: 1m, alerts: [{rule: R, state: resolved}]}\n",
     "enum"),
    ("test", "empty tests", "rule_files: [a.yaml]\ntests: []\n", "minItems"),
    ("test", "null tests", "rule_files: [a.yaml]\ntests:\n", "type"),
    ("test", "repeat 0",
     "rule_files: [a.yaml]\ntests:\n  - name: t\n    events:\n      - {at: 0s, repeat: 0, kind: x}\n", "minimum"),
    ("traffic", "completion with unknown safety",
     '{"ts":"2026-05-01T12:00:00Z","kind":"completion","id":"c","model":"m","response_guard":{"safety":"bad"}}',
     "enum"),
    ("traffic", "completion with a misspelt field",
     '{"ts":"2026-05-01T12:00:00Z","kind":"completion","id":"c","model":"m","latency":3}', "additionalProperties"),
    ("traffic", "metric value 'inf'",
     '{"ts":"2026-05-01T12:00:00Z","kind":"metric","name":"x","value":"inf"}', None),
    ("traffic", "timestamp without zone", '{"ts":"2026-05-01T12:00:00","kind":"error"}', None),
    ("traffic", "missing kind", '{"ts":"2026-05-01T12:00:00Z"}', "required"),
    ("webhook", "payload without idempotencyKey", webhook_with(lambda d: d.pop("idempotencyKey")), "required"),
    ("webhook", "status 'pending'", webhook_with(lambda d: d.update(status="pending")), "enum"),
    ("webhook", "unknown top-level key", webhook_with(lambda d: d.update(orgId=1)), "additionalProperties"),
    ("webhook", "version 1", webhook_with(lambda d: d.update(version="1")), "const"),
    ("webhook", "endsAt with a zone offset",
     webhook_with(lambda d: d["alerts"][0].update(endsAt="2026-05-01T14:05:00+02:00")), "pattern"),
    ("webhook", "alert without alertname", webhook_with(lambda d: d["alerts"][0].update(labels={})), "required"),
    ("webhook", "value as text", webhook_with(lambda d: d["alerts"][0].update(value="1.5")), "type"),
    # Sentinel refuses each of these; the schema must too (each pins one past mismatch).
    ("policy", "zero group_interval", "receivers: [{name: r, type: log}]\nroute: {receiver: r, group_interval: 0s}\n", "not"),
    ("policy", "zero repeat_interval", "receivers: [{name: r, type: log}]\nroute: {receiver: r, repeat_interval: 0m0s}\n", "not"),
    ("rules", "'every' under 1s", "rules:\n  - {name: R, on: completion, when: 'latency_ms > 1', every: 0s500ms}\n", "not"),
    ("policy", "evaluation_interval under 1s", "settings: {evaluation_interval: 0m999ms}\n", "not"),
    ("policy", "zero receiver timeout", "receivers:\n  - {name: w, type: webhook, url: 'http://h', timeout: 0s}\n",
     "not"),
    ("policy", "blank trace index", "actions:\n  t: {type: trace, index: '  '}\n", "pattern"),
    ("policy", "zero trace timeout", "actions:\n  t: {type: trace, index: i, timeout: 0ms}\n", "not"),
    ("policy", "misspelt action key", "actions:\n  page: {type: notify, recievers: [a]}\n", "additionalProperties"),
    ("policy", "notify action with a trace key", "actions:\n  page: {type: notify, index: i}\n", "enum"),
    ("policy", "action named capture_dpo, no type, with a trace key", "actions:\n  capture_dpo: {backend: local}\n",
     "enum"),
    ("policy", "sample as text", "actions:\n  capture_dpo: {sample: abc}\n", "type"),
    ("policy", "sample over 1", "actions:\n  c: {type: capture_dpo, sample: 2}\n", "maximum"),
    ("policy", "receiver with max_retries and max_attempts",
     "receivers:\n  - {name: w, type: webhook, url: 'http://h', max_retries: 2, max_attempts: 3}\n", "not"),
    ("test", "event ts as a quoted number (epoch seconds are a number)",
     "rule_files: [a.yaml]\ntests:\n  - name: t\n    events:\n      - {ts: '1777636800', kind: x}\n", "anyOf"),
    ("test", "event ts in epoch seconds past year 9999",
     "rule_files: [a.yaml]\ntests:\n  - name: t\n    events:\n      - {ts: 253402300800, kind: x}\n", "anyOf"),
    ("test", "expected alert value a word",
     "rule_files: [a.yaml]\ntests:\n  - name: t\n    expect:\n      - {at: 1m, alerts: [{rule: R, value: infinity}]}\n",
     "anyOf"),
    ("test", "start with a zone offset without colon",
     "rule_files: [a.yaml]\ntests:\n  - name: t\n    start: 2026-05-01T12:00:00+0200\n    expect_matches: {R: 0}\n",
     "pattern"),
    ("policy", "trace action without index", "actions:\n  t: {type: trace, backend: local}\n", "required"),
    ("policy", "action named trace, no type, without index", "actions:\n  trace: {backend: local}\n", "required"),
    ("service", "idle_advance under 100ms", "idle_advance: 0s99ms\n", "not"),
    ("service", "zero scrape interval",
     "collectors:\n  scrape: {interval: 0s, targets: [{name: a, url: 'http://h/metrics'}]}\n", "not"),
    ("traffic", "completion latency_ms 'inf'",
     '{"ts":"2026-05-01T12:00:00Z","kind":"completion","id":"c","model":"m","latency_ms":"inf"}', None),
    ("traffic", "hour 24", '{"ts":"2026-05-01T24:00:00Z","kind":"error"}', "pattern"),
    ("traffic", "epoch seconds past year 9999", '{"ts":253402300800,"kind":"error"}', "exclusiveMaximum"),
]


def leaf_keywords(error):
    """All validator keywords in an error tree (the leaf one decides what the user sees)."""
    out = {error.validator}
    for sub in error.context or ():
        out |= leaf_keywords(sub)
    return out


def check_inline(report, validators):
    for kind, name, text in GOOD:
        what = "inline %s: %s" % (kind, name)
        if kind == "webhook":
            problems = validate_doc(validators[kind], json.loads(text))
        elif kind == "traffic":
            problems = []
            for i, line in enumerate(text.strip().splitlines(), 1):
                problems.extend("event %d: %s" % (i, d) for d in validate_doc(validators[kind], json.loads(line)))
        else:
            doc, lines = load_yaml(text)
            problems = validate_doc(validators[kind], doc, lines)
        report.fail(what + " should pass", problems) if problems else report.ok(what)
    for kind, name, text, keyword in BAD:
        what = "inline %s rejected: %s" % (kind, name)
        doc = json.loads(text) if kind in ("traffic", "webhook") else load_yaml(text)[0]
        errors = list(validators[kind].iter_errors(doc))
        if not errors:
            report.fail(what, ["the schema accepted it"])
        elif keyword and not any(keyword in leaf_keywords(e) for e in errors):
            report.fail(what, ["rejected, but not by '%s': %s" % (keyword, describe(errors[0]))])
        else:
            report.ok("%s (%s)" % (what, describe(errors[0])))


# ---------------------------------------------------------------------------------------------------- README

def check_readme(report, validators, root):
    readme = root / "README.md"
    if not readme.exists():
        return
    text = readme.read_text(encoding="utf-8")
    for match in re.finditer(r"^```yaml\n(.*?)^```", text, re.M | re.S):
        body = match.group(1)
        first_line = text.count("\n", 0, match.start(1)) + 1
        what = "README.md yaml example at line %d" % first_line
        try:
            doc, lines = load_yaml(body)
        except YamlProblem as exc:
            report.fail(what, ["line %d: %s" % (exc.line + first_line - 1, exc)])
            continue
        if not isinstance(doc, dict):
            continue
        modeline = re.search(r"\$schema=\S*?([\w-]+)\.schema\.json", body)
        if modeline:
            kind = {"rules": "rules", "policy": "policy", "rule-test": "test", "traffic": "traffic",
                    "sentinel": "service"}.get(
                modeline.group(1))
        elif "tests" in doc or "rule_files" in doc:
            kind = "test"
        elif {"settings", "receivers", "route", "inhibit_rules"} & set(doc) or "actions" in doc:
            kind = "policy"
        elif {"rules", "lists", "macros"} & set(doc):
            kind = "rules"
        else:
            continue
        if kind is None:
            continue
        problems = validate_doc(validators[kind], doc, lines, first_line - 1)
        what += " (%s)" % SCHEMAS[kind]
        report.fail(what, problems) if problems else report.ok(what)


# ---------------------------------------------------------------------------------------------------- main

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--root", type=pathlib.Path, default=ROOT, help="repository root (default: %(default)s)")
    ap.add_argument("--include-bench", action="store_true", help="also validate examples/bench/*.jsonl")
    ap.add_argument("-q", "--quiet", action="store_true", help="print failures and the summary only")
    args = ap.parse_args(argv)
    root = args.root.resolve()
    began = time.monotonic()
    report = Report(args.quiet)

    validators = {}
    for kind, filename in SCHEMAS.items():
        path = root / "schemas" / filename
        try:
            schema = json.loads(path.read_text(encoding="utf-8"))
            jsonschema.Draft7Validator.check_schema(schema)
        except (OSError, ValueError, jsonschema.exceptions.SchemaError) as exc:
            report.fail("schemas/%s is not a valid draft-07 schema" % filename, [str(exc).splitlines()[0]])
            continue
        report.ok("schemas/%s is a valid draft-07 schema" % filename)
        check_schema_documentation(report, kind, schema)
        validators[kind] = jsonschema.Draft7Validator(schema)
        if kind == "traffic":
            fast = kind_validators(schema)
    if len(validators) < len(SCHEMAS):
        print("%d passed, %d failed" % (report.passed, report.failed))
        return 1

    check_inline(report, validators)
    check_readme(report, validators, root)

    def files(folder, pattern):
        base = root / folder
        return sorted(p for p in base.rglob(pattern) if p.is_file()) if base.is_dir() else []

    for path in files("rules", "*.yaml"):
        rel = path.relative_to(root).as_posix()
        kind = "test" if path.name.endswith(".test.yaml") else "rules"
        check_yaml_file(report, validators[kind], path, rel)
    for path in files("examples", "sentinel*.yaml"):
        check_yaml_file(report, validators["service"], path, path.relative_to(root).as_posix())
    for path in files("policies", "*.yaml"):
        check_yaml_file(report, validators["policy"], path, path.relative_to(root).as_posix())
    for path in files("Tests/schema/fixtures", "webhook-*.json"):
        check_json_file(report, validators["webhook"], path, path.relative_to(root).as_posix())
    for path in files("examples", "*.jsonl"):
        rel = path.relative_to(root).as_posix()
        if rel.startswith("examples/bench/") and not args.include_bench or rel.startswith(NOT_TRAFFIC):
            continue
        check_jsonl_file(report, validators["traffic"], path, rel, fast)

    if not args.quiet:
        print("(%.1fs)" % (time.monotonic() - began))
    print("%d passed, %d failed" % (report.passed, report.failed))
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
