public import SentinelCore
public import SentinelParse
import SentinelCompile
import SentinelEvaluate
import Foundation

/// A `*.test.yaml` file as written: which rules to load and the test cases.
public struct RuleTestFile: Sendable {
    public var path: String
    /// The rule and policy files (or folders) it loads, resolved against its folder, each where it is named.
    public var ruleFiles: [Located<String>] = []
    public var policyFiles: [Located<String>] = []
    /// Whether the file's top-level keys and the files it names were read without an error: otherwise the rules
    /// it loads are not the ones meant, and checking its tests against them would only add false errors.
    public var namesReadCleanly = true
    public var cases: [RuleTestCase] = []

    /// Input events a test may write (`repeat` included): each is built in memory before the test runs.
    public static let maxEventsPerTest = 1_000_000

    public static let keys = ["rule_files", "policy_files", "tests"]
    static let caseKeys = [
        "name", "start", "events", "events_file", "silences", "expect", "expect_matches", "expect_notifications",
    ]
    static let eventControlKeys = ["at", "ts", "repeat", "every"]
    static let expectationKeys = ["at", "alerts"]
    static let alertKeys = ["rule", "state", "severity", "labels", "annotations", "value", "receivers"]
    static let silenceKeys = ["matchers", "from", "until"]
    static let notificationKeys = ["at", "ts", "receiver", "status", "alerts"]
    static let notifiedAlertKeys = ["rule", "labels", "status"]

    /// The rule file a test file without `rule_files` tests: `x.yaml` beside `x.test.yaml`, when there is one.
    static func ruleFileBeside(_ path: String) -> String? {
        guard path.hasSuffix(".test.yaml") else { return nil }
        let beside = String(path.dropLast(".test.yaml".count)) + ".yaml"
        return FileManager.default.fileExists(atPath: beside) ? beside : nil
    }

    /// Reads a test file; paths inside are resolved against the file's folder. Without `rule_files`, it tests the
    /// rule file beside it (`ruleFileBeside`). The file is nil only when it is no test file at all (unreadable,
    /// not YAML, not a mapping); with errors inside it is returned with them, for `lint` to check the rest, and no
    /// test of it runs.
    public static func read(path: String) -> (RuleTestFile?, [Diagnostic]) {
        let loaded = YAMLLoader.load(path: path)
        var diagnostics = loaded.diagnostics
        guard let document = loaded.documents.first,
            var top = MappingReader(document, context: "a rule test file", diagnostics: &diagnostics)
        else { return (nil, diagnostics) }
        top.foreign = { ForeignKeys.testFile[$0] }
        let errorsBefore = diagnostics.filter { $0.severity == .error }.count
        top.rejectUnknownKeys(keys, diagnostics: &diagnostics)
        let folder = (path as NSString).deletingLastPathComponent
        func resolve(_ p: String) -> String { p.hasPrefix("/") ? p : (folder as NSString).appendingPathComponent(p) }
        var file = RuleTestFile(path: path)
        if let n = top["rule_files"] {
            let named = NodeValue.stringList(n, "'rule_files'", &diagnostics) ?? []
            file.ruleFiles = named.map { Located(resolve($0.value), at: $0.range) }
        } else if let beside = ruleFileBeside(path) {
            file.ruleFiles = [Located(beside, at: top.node.range)]
        } else {
            diagnostics.append(
                Diagnostic(
                    .missingKey,
                    "a rule test file has no 'rule_files', and no rule file of its name is beside it (x.test.yaml tests x.yaml when it names none)",
                    at: top.node.range))
        }
        if let n = top["policy_files"] {
            let named = NodeValue.stringList(n, "'policy_files'", &diagnostics) ?? []
            file.policyFiles = named.map { Located(resolve($0.value), at: $0.range) }
        }
        file.namesReadCleanly = diagnostics.filter { $0.severity == .error }.count == errorsBefore
        if let n = top.required("tests", diagnostics: &diagnostics), let items = NodeValue.sequence(n, "'tests'", &diagnostics) {
            file.cases = items.enumerated().compactMap { i, item in
                RuleTestCase.read(item, index: i + 1, resolve: resolve, &diagnostics)
            }
            // A file of no tests passes whatever the rules do, as a test that checks nothing would.
            if items.isEmpty {
                diagnostics.append(Diagnostic(.badTestFile, "'tests' is empty: the file tests nothing", at: n.range))
            }
        }
        return (file, diagnostics)
    }
}

/// One test: input events and the alerts expected at given times.
public struct RuleTestCase: Sendable {
    public struct Event: Sendable {
        public var time: Int64
        /// The event's `kind` as written in the test (empty for a line of `events_file`).
        public var kind = ""
        public var json: String
        /// Where the event was written: `file:line:col` of its YAML entry, or `file:line` in `events_file`.
        public var origin: String
        /// Whether `json` is a line of `events_file` as written (so byte offsets in it mean something).
        public var fromEventsFile = false
        /// Of an event written in the test file: where it is, where each field's value is, by dotted path
        /// (`response_guard.safety`), and whether it is a `repeat` copy of the one before.
        public var range: SourceRange?
        public var valueRanges: [String: SourceRange] = [:]
        public var isCopy = false
    }

    /// An alert's expected `value`: a number (`+Inf`, `-Inf` and `NaN` as Prometheus writes them, or YAML's
    /// `.inf`), or `null` for an alert without one (a rule whose value expression had none).
    public enum ExpectedValue: Sendable, Equatable {
        case number(Double)
        case none
    }

    public struct ExpectedAlert: Sendable {
        public var rule: String
        public var state: String
        /// Expected labels; `severity` among them only when the test names it (in `labels` or as `severity:`).
        public var labels: [String: String]
        public var annotations: [String: String]?
        public var value: ExpectedValue?
        /// The receivers the route tree sends this alert to, when the test names them.
        public var receivers: [String]?
        public var range: SourceRange
    }

    /// A silence in force during a test, from `from` until `until` (offsets from `start`).
    public struct Silence: Sendable {
        public var matchers: [LabelMatcher]
        public var from: Int64
        public var until: Int64
    }

    /// A notification the test expects, compared with every notification the dispatcher sends.
    public struct ExpectedNotification: Sendable {
        public var time: Int64
        public var receiver: String
        public var status: String
        /// Alerts as `rule` plus the labels the test names (`severity` only when named).
        public var alerts: [(rule: String, status: String?, labels: [String: String])]
        public var range: SourceRange
    }

    public struct Expectation: Sendable {
        public var time: Int64
        public var alerts: [ExpectedAlert]
        public var range: SourceRange
    }

    public var name: String
    public var range: SourceRange
    public var start: Int64 = 0
    public var events: [Event] = []
    public var eventsFile: String?
    public var eventsFileRange: SourceRange?
    public var expectations: [Expectation] = []
    public var expectedMatches: [(rule: Located<String>, count: Int)] = []
    public var silences: [Silence] = []
    /// Nil when the test does not check notifications.
    public var expectedNotifications: [ExpectedNotification]?

    static func read(
        _ node: YAMLNode, index: Int, resolve: (String) -> String, _ diagnostics: inout [Diagnostic]
    ) -> RuleTestCase? {
        let diagnosticsBefore = diagnostics.count
        guard var map = MappingReader(node, context: "test #\(index)", diagnostics: &diagnostics) else { return nil }
        map.foreign = { ForeignKeys.testCase[$0] }
        map.rejectUnknownKeys(RuleTestFile.caseKeys, diagnostics: &diagnostics)
        let name = map["name"].flatMap { NodeValue.string($0, "'name'", &diagnostics)?.value } ?? "test #\(index)"
        var test = RuleTestCase(name: name, range: node.range)
        if let n = map["start"] {
            if let t = absoluteTime(n) {
                test.start = t
            } else {
                diagnostics.append(
                    Diagnostic(
                        .badTestFile,
                        "'start' must be an RFC 3339 time such as 2026-05-01T12:00:00Z or epoch seconds, in years 0000-9999",
                        at: n.range))
            }
        }
        if let n = map["events"], let items = NodeValue.sequence(n, "'events'", &diagnostics) {
            for item in items {
                let room = RuleTestFile.maxEventsPerTest - test.events.count
                test.events += readEvents(item, start: test.start, room: room, &diagnostics)
            }
        }
        if let n = map["events_file"], let path = NodeValue.string(n, "'events_file'", &diagnostics) {
            test.eventsFile = resolve(path.value)
            test.eventsFileRange = path.range
        }
        if let n = map["expect"], let items = NodeValue.sequence(n, "'expect'", &diagnostics) {
            test.expectations = items.compactMap { readExpectation($0, start: test.start, &diagnostics) }
        }
        if let n = map["silences"], let items = NodeValue.sequence(n, "'silences'", &diagnostics) {
            test.silences = items.compactMap { readSilence($0, start: test.start, &diagnostics) }
        }
        if let n = map["expect_notifications"], let items = NodeValue.sequence(n, "'expect_notifications'", &diagnostics) {
            test.expectedNotifications = items.compactMap { readNotification($0, start: test.start, &diagnostics) }
        }
        if let n = map["expect_matches"] {
            if case .mapping(let pairs) = n.content {
                for pair in pairs {
                    guard let rule = NodeValue.string(pair.key, "a rule name", &diagnostics),
                        let count = NodeValue.integer(pair.value, "the expected matches of '\(rule.value)'", min: 0, &diagnostics)
                    else { continue }
                    test.expectedMatches.append((rule, count.value))
                }
            } else {
                diagnostics.append(Diagnostic(.wrongType, "'expect_matches' must map rule names to counts", at: n.range))
            }
        }
        if test.expectations.isEmpty, test.expectedMatches.isEmpty, test.expectedNotifications == nil,
            !diagnostics[diagnosticsBefore...].contains(where: { $0.severity == .error })
        {
            // It would pass whatever the rules do (`expect_notifications: []` does check: that none is sent up to the test's last time).
            diagnostics.append(
                Diagnostic(
                    .badTestFile, "test '\(name)' checks nothing: give it 'expect', 'expect_matches' or 'expect_notifications'",
                    at: node.range))
        }
        return test
    }

    /// Whether events can carry time `t`: the event decoder reads it back from the `ts` a test writes, which is
    /// so for years 0000–9999 (as for `ts` as epoch seconds in traffic).
    static func isEventTime(_ t: Int64) -> Bool { Timestamp.parseRFC3339(Timestamp.format(t)) == t }

    static let outsideEventYears = "falls outside years 0000-9999, the times events can carry"

    /// An `at:` offset (`90s`, `1h`, or a number of seconds, not negative) or, where `allowsTimestamp`, a `ts:`
    /// RFC 3339 time.
    static func time(_ map: MappingReader, start: Int64, allowsTimestamp: Bool = true, _ diagnostics: inout [Diagnostic])
        -> Int64?
    {
        guard let t = offsetOrTime(map, start: start, allowsTimestamp: allowsTimestamp, &diagnostics) else { return nil }
        if isEventTime(t) { return t }
        // An offset, or a `ts` in year 0000 with a positive UTC offset (before year 0000 in UTC).
        let key = allowsTimestamp && map["ts"] != nil ? "ts" : "at"
        let node = map[key] ?? map.node
        let from = key == "at" ? " from 'start'" : ""
        let written = node.scalarText ?? ""
        diagnostics.append(Diagnostic(.badTestFile, "'\(key)' '\(written)'\(from) \(outsideEventYears)", at: node.range))
        return nil
    }

    /// A `start` or `ts`: an RFC 3339 time, or epoch seconds (a plain number), as `ts` in recorded traffic.
    private static func absoluteTime(_ n: YAMLNode) -> Int64? {
        guard case .scalar(let s) = n.content else { return nil }
        if s.isPlain, let t = Timestamp.parseEpochSeconds(s.value) { return t }
        return Timestamp.parseRFC3339(s.value)
    }

    private static func offsetOrTime(
        _ map: MappingReader, start: Int64, allowsTimestamp: Bool, _ diagnostics: inout [Diagnostic]
    ) -> Int64? {
        if allowsTimestamp, let n = map["ts"] {
            if let at = map["at"] {
                diagnostics.append(
                    Diagnostic(.badTestFile, "give 'at' (an offset from 'start') or 'ts' (a time), not both", at: at.range))
                return nil
            }
            if let t = absoluteTime(n) { return t }
            diagnostics.append(
                Diagnostic(
                    .badTestFile,
                    "'ts' '\(n.scalarText ?? YAMLJSON.text(n))' is not an RFC 3339 time or epoch seconds in years 0000-9999",
                    at: n.range))
            return nil
        }
        guard let n = map["at"] else {
            let choices = allowsTimestamp ? "'at' (an offset from 'start') or 'ts' (an RFC 3339 time or epoch seconds)" : "'at' (an offset from 'start')"
            diagnostics.append(Diagnostic(.missingKey, "\(map.context) needs \(choices)", at: map.node.range))
            return nil
        }
        if case .scalar(let s) = n.content, s.isPlain, let seconds = YAMLScalar.number(s.value) {
            let milliseconds = (seconds * 1000).rounded()
            guard milliseconds.isFinite else {
                diagnostics.append(Diagnostic(.badTestFile, "'at' must be a duration such as 90s or a number of seconds", at: n.range))
                return nil
            }
            guard milliseconds >= 0 else {
                diagnostics.append(
                    Diagnostic(.badTestFile, "'at' is an offset from 'start' and cannot be negative ('\(s.value)')", at: n.range))
                return nil
            }
            guard abs(milliseconds) <= Double(DurationLimit.maxMilliseconds) else {
                diagnostics.append(Diagnostic(.badDuration, DurationLimit.tooLong("'at' '\(s.value)'"), at: n.range))
                return nil
            }
            return start + Int64(milliseconds)
        }
        guard let offset = NodeValue.duration(n, "'at'", &diagnostics) else { return nil }
        return start + offset.value
    }

    /// The events one entry writes (`repeat` copies), none when that is more than `room`.
    private static func readEvents(_ node: YAMLNode, start: Int64, room: Int, _ diagnostics: inout [Diagnostic]) -> [Event] {
        guard let map = MappingReader(node, context: "an input event", diagnostics: &diagnostics),
            let time = time(map, start: start, &diagnostics)
        else { return [] }
        var repeatCount = 1
        if let n = map["repeat"] { repeatCount = NodeValue.integer(n, "'repeat'", min: 1, &diagnostics)?.value ?? 1 }
        guard repeatCount <= room else {
            diagnostics.append(
                Diagnostic(
                    .badTestFile,
                    "a test may write at most \(RuleTestFile.maxEventsPerTest) input events, 'repeat' included; use 'events_file' for more",
                    at: map["repeat"]?.range ?? node.range))
            return []
        }
        var every: Int64 = 0
        if let n = map["every"] { every = NodeValue.duration(n, "'every'", &diagnostics)?.value ?? 0 }
        if repeatCount > 1, map["every"] == nil {
            diagnostics.append(Diagnostic(.missingKey, "'repeat' needs 'every' (the spacing of the copies)", at: node.range))
        }
        if let n = map["repeat"], !isEventTime(time + Int64(repeatCount - 1) * every) {
            diagnostics.append(Diagnostic(.badTestFile, "the last copy ('repeat' copies 'every' apart) \(outsideEventYears)", at: n.range))
            return []
        }
        guard let kind = map["kind"] else {
            diagnostics.append(Diagnostic(.missingKey, "an input event needs 'kind'", at: node.range))
            return []
        }
        guard YAMLJSON.text(kind).hasPrefix("\""), case .scalar(let name) = kind.content else {
            diagnostics.append(Diagnostic(.wrongType, "'kind' must be a string (an event kind such as completion)", at: kind.range))
            return []
        }
        guard EventKind.isValid(name.value) else {
            diagnostics.append(
                Diagnostic(.badTestFile, "'kind' must be a name without whitespace or control characters", at: kind.range))
            return []
        }
        checkFields(of: map, kind: name.value, &diagnostics)
        var fields = ""
        for key in map.keys where !RuleTestFile.eventControlKeys.contains(key) {
            var quoted = ""
            JSONText.appendString(key, to: &quoted)
            fields += "," + quoted + ":" + YAMLJSON.text(map[key]!)
        }
        let origin = "\(node.range.start)"
        var valueRanges: [String: SourceRange] = [:]
        func collect(_ path: String, _ value: YAMLNode) {
            valueRanges[path] = value.range
            guard case .mapping(let pairs) = value.content else { return }
            for pair in pairs {
                if case .scalar(let k) = pair.key.content { collect(path + "." + k.value, pair.value) }
            }
        }
        for key in map.keys where !RuleTestFile.eventControlKeys.contains(key) { collect(key, map[key]!) }
        return (0..<repeatCount).map { i in
            let t = time + Int64(i) * every
            return Event(
                time: t, kind: name.value, json: "{\"ts\":\"\(Timestamp.format(t))\"" + fields + "}",
                origin: repeatCount > 1 ? "\(origin) (copy \(i + 1))" : origin, range: node.range, valueRanges: valueRanges,
                isCopy: i > 0)
        }
    }

    /// Warns about fields a `completion` or `metric` input event has that its schema does not (`latency` for
    /// `latency_ms`): no rule can read them, so the test would fail, or pass, for the wrong reason.
    private static func checkFields(of map: MappingReader, kind: String, _ diagnostics: inout [Diagnostic]) {
        guard let fields = FieldCatalog.kinds[kind] else { return }
        func check(_ path: [String], _ node: YAMLNode, at key: YAMLNode?) {
            let parent = path.dropLast().joined(separator: ".")
            if let last = path.last, last.contains("."), fields[parent.isEmpty ? "*" : parent + ".*"] == nil {
                // `"prompt_guard.safety": safe` is one key with dots in its name, not the nested field.
                let parts = last.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
                if case .known = FieldCatalog.lookup(Array(path.dropLast()) + parts, kind: kind) {
                    let nested = parts.dropFirst().reversed().reduce("...") { "{\($1): \($0)}" }
                    diagnostics.append(
                        Diagnostic(
                            .unknownEventField,
                            "'\(last)' is one key with dots in its name, which no rule reads; nest it: \(parts[0]): \(nested)",
                            at: key?.range ?? node.range))
                    return
                }
            }
            switch FieldCatalog.lookup(path, kind: kind) {
            case .known(let type):
                guard type == .object, case .mapping(let pairs) = node.content else { return }
                for pair in pairs {
                    if case .scalar(let k) = pair.key.content { check(path + [k.value], pair.value, at: pair.key) }
                }
            case .unknown(let suggestion):
                var hint = suggestion.map { " (did you mean '\($0)'?)" } ?? ""
                if hint.isEmpty, path.count == 1, let field = FieldCatalog.freeFormFields(path[0], kinds: [kind]).first {
                    let object = field.prefix { $0 != "." }
                    hint = " (free-form fields go under \(object): \(object): {\(path[0]): ...})"
                }
                diagnostics.append(
                    Diagnostic(
                        .unknownEventField, "'\(kind)' events have no field '\(path.joined(separator: "."))', so no rule reads it\(hint)",
                        at: key?.range ?? node.range))
            }
        }
        for key in map.keys where !RuleTestFile.eventControlKeys.contains(key) && key != "kind" {
            check([key], map[key]!, at: map.keyNode(key))
        }
    }

    /// An expected alert's labels. A plain number is written as the engine labels that number (`1e3` and `1000.0`
    /// are `1000`), as an input event's plain number becomes one; a quoted one is kept as written.
    private static func expectedLabels(_ node: YAMLNode, _ diagnostics: inout [Diagnostic])
        -> [(key: Located<String>, value: Located<String>)]?
    {
        guard let labels = NodeValue.stringMap(node, "'labels'", &diagnostics), case .mapping(let pairs) = node.content else {
            return nil
        }
        var numbers: [String: String] = [:]
        for pair in pairs {
            guard case .scalar(let key) = pair.key.content, case .scalar(let value) = pair.value.content, value.isPlain,
                YAMLScalar.isJSONNumber(value.value)
            else { continue }
            numbers[key.value] = Array(value.value.utf8).withUnsafeBufferPointer { NumberFormatting.label(jsonNumber: $0) }
        }
        return labels.map { label in
            (label.key, numbers[label.key.value].map { Located($0, at: label.value.range) } ?? label.value)
        }
    }

    private static func readExpectation(_ node: YAMLNode, start: Int64, _ diagnostics: inout [Diagnostic]) -> Expectation? {
        guard var map = MappingReader(node, context: "an expectation", diagnostics: &diagnostics) else { return nil }
        map.foreign = { ForeignKeys.expectation[$0] }
        map.rejectUnknownKeys(RuleTestFile.expectationKeys, diagnostics: &diagnostics)
        guard let time = time(map, start: start, allowsTimestamp: false, &diagnostics) else { return nil }
        var alerts: [ExpectedAlert] = []
        if let n = map.required("alerts", diagnostics: &diagnostics), let items = NodeValue.sequence(n, "'alerts'", &diagnostics) {
            for item in items {
                guard var alert = MappingReader(item, context: "an expected alert", diagnostics: &diagnostics) else { continue }
                alert.foreign = { ForeignKeys.expectedAlert[$0] }
                alert.rejectUnknownKeys(RuleTestFile.alertKeys, diagnostics: &diagnostics)
                guard let ruleNode = alert.required("rule", diagnostics: &diagnostics),
                    let rule = NodeValue.string(ruleNode, "'rule'", &diagnostics)
                else { continue }
                var state = "firing"
                if let n = alert["state"], let s = NodeValue.string(n, "'state'", &diagnostics) {
                    if ["pending", "firing"].contains(s.value) {
                        state = s.value
                    } else {
                        diagnostics.append(Diagnostic(.badTestFile, "'state' must be pending or firing", at: n.range))
                    }
                }
                var labels = alert["labels"].flatMap { Self.expectedLabels($0, &diagnostics) } ?? []
                if let n = alert["severity"], let severity = NodeValue.string(n, "'severity'", &diagnostics) {
                    if let label = labels.first(where: { $0.key.value == "severity" }), label.value.value != severity.value {
                        diagnostics.append(
                            Diagnostic(
                                .badTestFile,
                                "'severity: \(severity.value)' contradicts the label 'severity: \(label.value.value)' (an alert has one severity)",
                                at: n.range))
                    }
                    labels.removeAll { $0.key.value == "severity" }
                    labels.append((Located("severity", at: n.range), severity))
                }
                let annotations = alert["annotations"].flatMap { NodeValue.stringMap($0, "'annotations'", &diagnostics) }
                let value = alert["value"].flatMap { Self.expectedValue($0, &diagnostics) }
                let receivers = alert["receivers"].flatMap { NodeValue.stringList($0, "'receivers'", &diagnostics) }
                alerts.append(
                    ExpectedAlert(
                        rule: rule.value, state: state,
                        labels: Dictionary(labels.map { ($0.key.value, $0.value.value) }, uniquingKeysWith: { $1 }),
                        annotations: annotations.map { Dictionary($0.map { ($0.key.value, $0.value.value) }, uniquingKeysWith: { $1 }) },
                        value: value, receivers: receivers?.map(\.value), range: item.range))
            }
        }
        return Expectation(time: time, alerts: alerts, range: node.range)
    }
}

extension RuleTestCase {
    /// An expected alert `value`: a number, a special float in Prometheus' or YAML's spelling, or null.
    fileprivate static func expectedValue(_ node: YAMLNode, _ diagnostics: inout [Diagnostic]) -> ExpectedValue? {
        if node.isNull { return ExpectedValue.none }
        if case .scalar(let s) = node.content, s.isPlain {
            switch s.value {
            case "+Inf", "Inf", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .number(.infinity)
            case "-Inf", "-.inf", "-.Inf", "-.INF": return .number(-.infinity)
            case "NaN", ".nan", ".NaN", ".NAN": return .number(.nan)
            default: break
            }
        }
        guard let n = NodeValue.number(node, "'value'", &diagnostics) else { return nil }
        return .number(n.value)
    }

    fileprivate static func readSilence(_ node: YAMLNode, start: Int64, _ diagnostics: inout [Diagnostic]) -> Silence? {
        guard let map = MappingReader(node, context: "a silence", diagnostics: &diagnostics) else { return nil }
        map.rejectUnknownKeys(RuleTestFile.silenceKeys, diagnostics: &diagnostics)
        guard let n = map.required("matchers", diagnostics: &diagnostics), let texts = NodeValue.stringList(n, "'matchers'", &diagnostics)
        else { return nil }
        var matchers: [LabelMatcher] = []
        for text in texts {
            let matcher: LabelMatcher
            do throws(LabelMatcher.SyntaxError) {
                matcher = try LabelMatcher(parsing: text.value)
            } catch {
                diagnostics.append(
                    Diagnostic(
                        .badTestFile, "'\(text.value)' is not a matcher such as model=\"m1\" or model=~\"m.*\": \(error.message)",
                        at: text.range))
                continue
            }
            if let problem = matcher.patternProblem {
                diagnostics.append(Diagnostic(.badTestFile, problem, at: text.range))
                continue
            }
            matchers.append(matcher)
        }
        // As the live API: a silence names what it mutes, and lasts a while.
        if texts.isEmpty {
            diagnostics.append(Diagnostic(.badTestFile, "a silence needs at least one matcher", at: n.range))
        } else if !matchers.isEmpty, !matchers.contains(where: { !$0.matches("") }) {
            diagnostics.append(
                Diagnostic(.badTestFile, "every matcher matches an empty label, so the silence would mute every alert", at: n.range))
        }
        let from = map["from"].flatMap { NodeValue.duration($0, "'from'", &diagnostics)?.value } ?? 0
        let until = map["until"].flatMap { NodeValue.duration($0, "'until'", &diagnostics)?.value } ?? Int64.max / 2
        if let n = map["until"], until <= from {
            diagnostics.append(Diagnostic(.badTestFile, "'until' must be after 'from'", at: n.range))
        }
        return Silence(matchers: matchers, from: start + from, until: start + until)
    }

    fileprivate static func readNotification(_ node: YAMLNode, start: Int64, _ diagnostics: inout [Diagnostic]) -> ExpectedNotification? {
        guard let map = MappingReader(node, context: "an expected notification", diagnostics: &diagnostics) else { return nil }
        map.rejectUnknownKeys(RuleTestFile.notificationKeys, diagnostics: &diagnostics)
        guard let time = time(map, start: start, &diagnostics),
            let receiverNode = map.required("receiver", diagnostics: &diagnostics),
            let receiver = NodeValue.string(receiverNode, "'receiver'", &diagnostics)
        else { return nil }
        let status = map["status"].flatMap { NodeValue.string($0, "'status'", &diagnostics)?.value } ?? "firing"
        if !["firing", "resolved"].contains(status) {
            diagnostics.append(Diagnostic(.badTestFile, "'status' must be firing or resolved", at: map["status"]!.range))
        }
        var alerts: [(rule: String, status: String?, labels: [String: String])] = []
        if let n = map["alerts"], let items = NodeValue.sequence(n, "'alerts'", &diagnostics) {
            for item in items {
                guard let alert = MappingReader(item, context: "a notified alert", diagnostics: &diagnostics) else { continue }
                alert.rejectUnknownKeys(RuleTestFile.notifiedAlertKeys, diagnostics: &diagnostics)
                guard let ruleNode = alert.required("rule", diagnostics: &diagnostics),
                    let rule = NodeValue.string(ruleNode, "'rule'", &diagnostics)
                else { continue }
                let labels = alert["labels"].flatMap { Self.expectedLabels($0, &diagnostics) } ?? []
                let alertStatus = alert["status"].flatMap { NodeValue.string($0, "'status'", &diagnostics)?.value }
                alerts.append((rule.value, alertStatus, Dictionary(labels.map { ($0.key.value, $0.value.value) }, uniquingKeysWith: { $1 })))
            }
        }
        return ExpectedNotification(time: time, receiver: receiver.value, status: status, alerts: alerts, range: node.range)
    }
}

/// YAML nodes written out as JSON, with YAML's plain-scalar typing (numbers, booleans, null).
enum YAMLJSON {
    static func text(_ node: YAMLNode) -> String {
        switch node.content {
        case .scalar(let s):
            if s.isPlain {
                if s.isNull { return "null" }
                if let value = YAMLScalar.boolean(s.value) { return value ? "true" : "false" }
                if YAMLScalar.isJSONNumber(s.value) { return s.value }
            }
            var out = ""
            JSONText.appendString(s.value, to: &out)
            return out
        case .sequence(let items): return "[" + items.map(text).joined(separator: ",") + "]"
        case .mapping(let pairs):
            return "{" + pairs.map { pair in
                var key = ""
                if case .scalar(let s) = pair.key.content { JSONText.appendString(s.value, to: &key) }
                return key + ":" + text(pair.value)
            }.joined(separator: ",") + "}"
        }
    }
}
