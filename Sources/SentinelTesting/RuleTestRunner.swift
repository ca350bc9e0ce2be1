public import SentinelCore
import SentinelAct
import SentinelCompile
import SentinelEvaluate
import SentinelParse
import Foundation

/// The outcome of one test case.
public struct RuleTestResult: Sendable {
    public var file: String
    public var name: String
    /// Empty when the test passed; otherwise readable failure reports (expected vs actual).
    public var failures: [String]

    public var passed: Bool { failures.isEmpty }
}

/// Runs rule test files: compiles the rules they name, replays their events, compares alerts.
public enum RuleTestRunner {
    /// Runs every test of one file. Diagnostics cover problems of the file itself or of the rules it loads.
    public static func run(path: String) -> (results: [RuleTestResult], diagnostics: [Diagnostic]) {
        let (file, graph, diagnostics) = prepare(path: path)
        guard let file, let graph, !diagnostics.hasErrors else { return ([], diagnostics) }
        let results = file.cases.map { run($0, graph: graph, file: path) }
        return (results, diagnostics)
    }

    /// What `lint` checks of a test file: the file itself, and that what it names exists (rule and policy files,
    /// `events_file`, the rules its expectations name). Diagnostics of the named rule and policy files come too
    /// (`lint` reports those when it lints the files themselves).
    /// When the named files do not compile together (a rule naming an action no named policy declares, a macro
    /// in a rule file the test leaves out), the test cannot run however clean each file lints: an error where the
    /// test names its rule files, quoting the first error.
    public static func check(path: String) -> [Diagnostic] {
        let (file, graph, diagnostics) = prepare(path: path)
        guard let file else { return diagnostics }
        let named = (file.ruleFiles + file.policyFiles).map(\.value)
        var own = diagnostics.filter { d in
            guard let at = d.range?.start.file, at != path else { return true }
            return !named.contains { at == $0 || at.hasPrefix($0.hasSuffix("/") ? $0 : $0 + "/") }
        }
        // Only when the errors come from what the test leaves out, not from an error within a named file (`lint`'s
        // to report there): each names an action, receiver or list no named file declares, or the folders of the
        // named rule files compile together (a macro in a rule file beside them).
        let errors = diagnostics.filter { $0.severity == .error }
        let references: Set<DiagnosticCode> = [.undefinedAction, .undefinedReceiver, .undefinedList]
        func foldersCompile() -> Bool {
            let folders = Set(
                file.ruleFiles.map { named -> String in
                    var isFolder: ObjCBool = false
                    _ = FileManager.default.fileExists(atPath: named.value, isDirectory: &isFolder)
                    return isFolder.boolValue ? named.value : (named.value as NSString).deletingLastPathComponent
                })
            return Configuration.load(rules: folders.sorted(), policies: file.policyFiles.map(\.value)).graph != nil
        }
        if graph == nil, !own.hasErrors, let first = errors.first,
            errors.allSatisfy({ references.contains($0.code) }) || foldersCompile()
        {
            let location = first.range.map { "\($0.start): " } ?? ""
            let message =
                "the rule and policy files this test names do not compile together (\(errors.count) error(s); first: "
                + "\(location)\(first.message) [\(first.code.rawValue)])"
            own.append(Diagnostic(.badTestFile, message, at: file.ruleFiles.first?.range ?? SourceRange(SourceLocation(file: path, line: 1, column: 1))))
        }
        return own
    }

    /// The test file read, the graph of the rules it names compiled, and every diagnostic of either.
    static func prepare(path: String) -> (RuleTestFile?, ConditionGraph?, [Diagnostic]) {
        let (file, fileDiagnostics) = RuleTestFile.read(path: path)
        guard let file else { return (nil, nil, fileDiagnostics) }
        var diagnostics = fileDiagnostics
        let errorsOfTheFile = diagnostics.filter { $0.severity == .error }.count
        // A missing rule or policy file is reported where the test names it.
        for named in file.ruleFiles + file.policyFiles {
            if !FileManager.default.fileExists(atPath: named.value) {
                diagnostics.append(Diagnostic(.badTestFile, "no such file or folder: \(named.value)", at: named.range))
            } else if Configuration.isTest(named.value) {
                diagnostics.append(
                    Diagnostic(.misplacedFile, "a rule test (*.test.yaml) is not a rule or policy file", at: named.range))
            }
        }
        for test in file.cases {
            guard let path = test.eventsFile else { continue }
            // Only a regular file: reading a folder fails late, and a named pipe would block the test forever.
            let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
            let type = (try? FileManager.default.attributesOfItem(atPath: target))?[.type] as? FileAttributeType
            if type != .typeRegular && type != nil {
                diagnostics.append(
                    Diagnostic(.badTestFile, "events_file \(path) is not a regular file", at: test.eventsFileRange))
            } else if !FileManager.default.isReadableFile(atPath: path) {
                diagnostics.append(Diagnostic(.badTestFile, "cannot read events_file \(path)", at: test.eventsFileRange))
            }
        }
        // Named files that cannot be read stop here; the test file's own errors do not, so that one lint run also
        // reports what only the rules can tell (a mistyped input, a disabled rule).
        if !file.namesReadCleanly || diagnostics.filter({ $0.severity == .error }).count > errorsOfTheFile {
            return (file, nil, diagnostics)
        }
        let loaded = Configuration.load(rules: file.ruleFiles.map(\.value), policies: file.policyFiles.map(\.value))
        diagnostics += loaded.diagnostics
        // Also where the test names the rule files: `check` leaves what is at the files themselves to linting them,
        // and this is no fault of any one of them.
        if loaded.definesNoRules {
            let message = "no rules: the rule files this test names define no enabled rule"
            if let named = file.ruleFiles.first {
                diagnostics.append(Diagnostic(.missingKey, message, at: named.range))
            } else {
                diagnostics.append(Diagnostic(.missingKey, message, at: SourceLocation(file: path, line: 1, column: 1)))
            }
        }
        guard let graph = loaded.graph else { return (file, nil, diagnostics) }
        diagnostics += checkEvents(file, graph: graph)
        let ruleNames = Set(graph.rules.map(\.name))
        let receiverNames = Set(graph.policy.receivers.map(\.name))
        func unknownRule(_ name: String, at range: SourceRange) -> Diagnostic {
            if graph.disabledRules.contains(name) {
                return Diagnostic(.badTestFile, "rule '\(name)' is disabled (enabled: false): it cannot alert or match", at: range)
            }
            return Diagnostic(.badTestFile, "no rule '\(name)' in the rule files\(Suggestion.didYouMean(name, in: ruleNames))", at: range)
        }
        // An input kind no rule reads, close to one they do (`Completion`), is read by nothing: the test would fail
        // or pass for the wrong reason.
        let kinds = graph.kinds
        for test in file.cases {
            for event in test.events where !event.isCopy && !event.kind.isEmpty && !kinds.contains(event.kind) {
                guard let near = Suggestion.closest(to: event.kind, in: kinds) else { continue }
                diagnostics.append(
                    Diagnostic(
                        .kindLooksMisspelt, "no rule reads input events of kind '\(event.kind)' (did you mean '\(near)'?)",
                        at: event.valueRanges["kind"] ?? event.range ?? SourceRange(SourceLocation(file: path, line: 1, column: 1))))
            }
        }
        func unknownReceiver(_ name: String, at range: SourceRange) -> Diagnostic {
            Diagnostic(
                .badTestFile, "no receiver '\(name)' in the policy files\(Suggestion.didYouMean(name, in: receiverNames))", at: range)
        }
        for test in file.cases {
            // A disabled rule matches nothing: expecting 0 of its matches is a test that it stays off.
            for (rule, count) in test.expectedMatches where !ruleNames.contains(rule.value) {
                if count == 0, graph.disabledRules.contains(rule.value) { continue }
                diagnostics.append(unknownRule(rule.value, at: rule.range))
            }
            for expectation in test.expectations {
                for alert in expectation.alerts {
                    if !ruleNames.contains(alert.rule) { diagnostics.append(unknownRule(alert.rule, at: alert.range)) }
                    for receiver in alert.receivers ?? [] where !receiverNames.contains(receiver) {
                        diagnostics.append(unknownReceiver(receiver, at: alert.range))
                    }
                }
            }
            // A name that is nowhere can only fail the test, with a diff that does not say why.
            for notification in test.expectedNotifications ?? [] {
                if !receiverNames.contains(notification.receiver) {
                    diagnostics.append(unknownReceiver(notification.receiver, at: notification.range))
                }
                for alert in notification.alerts where !ruleNames.contains(alert.rule) {
                    diagnostics.append(unknownRule(alert.rule, at: notification.range))
                }
            }
        }
        return (file, graph, diagnostics)
    }

    static func run(_ test: RuleTestCase, graph: ConditionGraph, file: String) -> RuleTestResult {
        var result = RuleTestResult(file: file, name: test.name, failures: [])
        var events = test.events
        if let path = test.eventsFile {
            do {
                events += try readEvents(path)
            } catch {
                let at = test.eventsFileRange.map { "\($0.start): " } ?? ""
                result.failures.append("\(at)cannot read events_file: \(error)")
                return result
            }
        }
        // Stable: events at the same time keep their written order.
        events = events.enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map(\.element)
        let engine = Engine(graph: graph)
        let routes = RouteTree(policy: graph.policy)
        let notifying = Set(graph.rules.filter { rule in rule.actions.contains { graph.actions[$0].type == .notify } }.map(\.name))
        let dispatcher = Dispatcher(policy: graph.policy)
        var notifications: [AlertNotification] = []
        dispatcher.isSilenced = { labels, time in
            test.silences.contains { s in s.from <= time && time < s.until && s.matchers.allSatisfy { RouteTree.matches($0, labels) } }
        }
        dispatcher.onNotification = { notifications.append($0) }
        engine.onTransition = { if !$0.actions.isEmpty { dispatcher.receive($0) } }
        engine.onSettled = { dispatcher.advance(to: $0) }
        var next = 0
        func feed(through time: Int64) {
            while next < events.count, events[next].time <= time {
                var bytes = Array(events[next].json.utf8)
                do {
                    try bytes.withUnsafeMutableBytes { try engine.ingest(UnsafeRawBufferPointer($0)) }
                } catch let error as EventDecodeError {
                    result.failures.append(Self.malformed(events[next], error))
                } catch {
                    result.failures.append("\(events[next].origin): \(error)")
                }
                next += 1
            }
            engine.advance(to: time)
            dispatcher.advance(to: time)
        }
        for expectation in test.expectations.sorted(by: { $0.time < $1.time }) {
            feed(through: expectation.time)
            let failure = compare(expectation, engine.activeAlerts(), start: test.start)
            if let failure { result.failures.append(failure) }
            result.failures += compareReceivers(expectation, engine.activeAlerts(), routes, notifying: notifying)
        }
        // Matches and notifications are counted over the whole test: every event and every expectation time.
        let times = events.map(\.time) + test.expectations.map(\.time) + (test.expectedNotifications ?? []).map(\.time)
        feed(through: times.max() ?? 0)
        if let expected = test.expectedNotifications, let failure = compareNotifications(expected, notifications, start: test.start) {
            result.failures.append(failure)
        }
        for (rule, expected) in test.expectedMatches {
            guard let r = graph.rules.firstIndex(where: { $0.name == rule.value }) else { continue }
            let actual = engine.ruleStatistics[r].matches
            if actual != expected {
                result.failures.append("\(rule.range.start): matches of \(rule.value): expected \(expected), got \(actual)")
            }
        }
        return result
    }

    /// A malformed input event, at the place it was written: its field's value in the test file, or its line in
    /// `events_file` with a byte offset.
    static func malformed(_ event: RuleTestCase.Event, _ error: EventDecodeError) -> String {
        let field = error.field.map { " (field '\($0)')" } ?? ""
        let offset = event.fromEventsFile ? " [byte offset \(error.offset)]" : ""
        var at = error.field.flatMap { event.valueRanges[$0] }.map { "\($0.start)" } ?? event.origin
        // A line of `events_file`: `file:line:col`, the column in characters as dry-run gives it.
        if event.fromEventsFile { at += ":\(Self.column(of: error, in: event.json))" }
        return "\(at): input event is malformed: \(error.message)\(field)\(offset)"
    }

    private static func column(of error: EventDecodeError, in line: String) -> Int {
        Array(line.utf8).withUnsafeBytes { error.located(in: $0).column ?? error.offset + 1 }
    }

    /// Input events written in the test file whose fields do not have the types the rules read them as (the check
    /// the engine makes of every event), each as an error at the field's value: `lint` reports them too.
    static func checkEvents(_ file: RuleTestFile, graph: ConditionGraph) -> [Diagnostic] {
        let types = EventFieldTypes(graph: graph)
        let decoder = EventDecoder(paths: types.paths)
        let slots = UnsafeMutablePointer<Value>.allocate(capacity: max(1, decoder.slotCount))
        slots.initialize(repeating: .missing, count: max(1, decoder.slotCount))
        defer { slots.deallocate() }
        var diagnostics: [Diagnostic] = []
        for test in file.cases {
            for event in test.events where !event.isCopy {
                do throws(EventDecodeError) {
                    try Array(event.json.utf8).withUnsafeBufferPointer { bytes throws(EventDecodeError) in
                        let line = UnsafeRawBufferPointer(bytes)
                        try types.check(try decoder.decode(line, into: slots), slots: slots, line: line)
                    }
                } catch {
                    guard let range = error.field.flatMap({ event.valueRanges[$0] }) ?? event.range else { continue }
                    diagnostics.append(Diagnostic(.badTestFile, "input event is malformed: \(error.message)", at: range))
                }
            }
        }
        return diagnostics
    }

    private static func readEvents(_ path: String) throws -> [RuleTestCase.Event] {
        let reader = try LineReader(path: path)
        let decoder = EventDecoder(paths: [])
        var events: [RuleTestCase.Event] = []
        while let (line, number) = try reader.next() {
            if LineReader.isBlank(line) { continue }
            do {
                let header = try decoder.header(of: line)
                events.append(
                    RuleTestCase.Event(
                        time: header.timestamp, json: String(decoding: line, as: UTF8.self), origin: "\(path):\(number)",
                        fromEventsFile: true))
            } catch {
                let column = error.located(in: line).column ?? error.offset + 1
                throw EventsFileError(description: "\(path):\(number):\(column): \(error.message) [byte offset \(error.offset)]")
            }
        }
        return events
    }

    struct EventsFileError: Error, CustomStringConvertible {
        var description: String
    }

    /// Nil when the active alerts are exactly the expected ones; else a readable diff.
    static func compare(_ expectation: RuleTestCase.Expectation, _ actual: [ActiveAlert], start: Int64) -> String? {
        var unmatched = actual
        var missing: [RuleTestCase.ExpectedAlert] = []
        var wrongDetails: [String] = []
        for expected in expectation.alerts {
            guard
                let i = unmatched.firstIndex(where: {
                    $0.rule == expected.rule && $0.state.rawValue == expected.state
                        && Self.sameLabels($0.labels, expected.labels)
                })
            else {
                missing.append(expected)
                continue
            }
            let alert = unmatched.remove(at: i)
            if let annotations = expected.annotations {
                let actualAnnotations = Dictionary(alert.annotations, uniquingKeysWith: { a, _ in a })
                for (key, value) in annotations.sorted(by: { $0.key < $1.key }) where actualAnnotations[key] != value {
                    let got = actualAnnotations[key].map { "\"\($0.escapingControls())\"" } ?? "none"
                    wrongDetails.append(
                        "    annotation \(key) of \(describe(alert.rule, alert.state.rawValue, alert.labels)): expected \"\(value.escapingControls())\", got \(got)")
                }
            }
            if let value = expected.value {
                let matches: Bool
                let wanted: String
                switch value {
                case .none:
                    matches = alert.value == nil
                    wanted = "no value"
                case .number(let n):
                    matches = alert.value.map { Self.almostEqual($0, n) } ?? false
                    wanted = NumberFormatting.label(n)
                }
                if !matches {
                    // Every digit: values 6 significant digits alike can differ by more than the tolerance.
                    let got = alert.value.map(NumberFormatting.label) ?? "no value"
                    wrongDetails.append("    value of \(describe(alert.rule, alert.state.rawValue, alert.labels)): expected \(wanted), got \(got)")
                }
            }
        }
        if missing.isEmpty, unmatched.isEmpty, wrongDetails.isEmpty { return nil }
        let offset = DurationLiteral.format(milliseconds: expectation.time - start)
        var lines = ["\(expectation.range.start): alerts at \(offset) (\(Timestamp.format(expectation.time))) differ:"]
        for m in missing {
            lines.append("  - expected \(describe(m.rule, m.state, m.labels.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }))")
        }
        for u in unmatched {
            lines.append("  + got      \(describe(u.rule, u.state.rawValue, u.labels))  value=\(u.value.map(NumberFormatting.format) ?? "none")")
        }
        lines += wrongDetails
        return lines.joined(separator: "\n")
    }

    /// Failures for expected alerts that name `receivers` the route tree does not send them to (none for a rule
    /// without a `notify` action).
    static func compareReceivers(
        _ expectation: RuleTestCase.Expectation, _ actual: [ActiveAlert], _ routes: RouteTree, notifying: Set<String>
    ) -> [String] {
        expectation.alerts.compactMap { expected in
            guard let receivers = expected.receivers,
                let alert = actual.first(where: {
                    $0.rule == expected.rule && Self.sameLabels($0.labels, expected.labels)
                })
            else { return nil }
            let got = notifying.contains(alert.rule) ? routes.receivers(rule: alert.rule, labels: alert.labels) : []
            guard Set(got) != Set(receivers) else { return nil }
            return "\(expected.range.start): receivers of \(describe(alert.rule, alert.state.rawValue, alert.labels)): "
                + "expected [\(receivers.joined(separator: ", "))], got [\(got.joined(separator: ", "))]"
        }
    }

    /// Nil when the notifications sent are exactly the expected ones (time, receiver, status, alerts); else a diff.
    static func compareNotifications(_ expected: [RuleTestCase.ExpectedNotification], _ actual: [AlertNotification], start: Int64) -> String? {
        func matches(_ e: RuleTestCase.ExpectedNotification, _ n: AlertNotification) -> Bool {
            guard e.time == n.time, e.receiver == n.receiver, e.status == n.status.rawValue, e.alerts.count == n.alerts.count
            else { return false }
            var remaining = n.alerts
            for want in e.alerts {
                guard
                    let i = remaining.firstIndex(where: { alert in
                        alert.rule == want.rule && (want.status == nil || want.status == alert.status.rawValue)
                            && want.labels.allSatisfy { (alert.labels[$0.key] ?? "") == $0.value }
                    })
                else { return false }
                remaining.remove(at: i)
            }
            return true
        }
        var unmatched = actual
        var missing: [RuleTestCase.ExpectedNotification] = []
        for e in expected {
            if let i = unmatched.firstIndex(where: { matches(e, $0) }) { unmatched.remove(at: i) } else { missing.append(e) }
        }
        if missing.isEmpty, unmatched.isEmpty { return nil }
        func offset(_ t: Int64) -> String { DurationLiteral.format(milliseconds: t - start) }
        var lines = ["notifications differ:"]
        for m in missing {
            let alerts = m.alerts.map { "\($0.rule)\($0.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" })" }
            lines.append("  - expected at \(offset(m.time)) to \(m.receiver) \(m.status): \(alerts.joined(separator: ", "))  (\(m.range.start))")
        }
        for n in unmatched {
            let alerts = n.alerts.map { a in
                "\(a.rule)\(a.labels.filter { $0.key != "alertname" }.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }) \(a.status.rawValue)"
            }
            lines.append("  + got      at \(offset(n.time)) to \(n.receiver) \(n.status.rawValue): \(alerts.joined(separator: ", "))")
        }
        return lines.joined(separator: "\n")
    }

    /// Whether an alert has exactly the expected labels (`severity` only when the expectation names it; a label
    /// expected empty is one the alert does not have).
    static func sameLabels(_ actual: [(String, String)], _ expected: [String: String]) -> Bool {
        var labels = Dictionary(actual, uniquingKeysWith: { a, _ in a })
        if expected["severity"] == nil { labels["severity"] = nil }
        return labels == expected.filter { !$0.value.isEmpty }
    }

    /// Label values come from traffic: written with their control characters escaped, so none can start a line of
    /// its own in the report.
    private static func describe(_ rule: String, _ state: String, _ labels: [(String, String)]) -> String {
        "\(rule) \(state) {" + labels.map { "\($0.0)=\"\($0.1.escapingControls())\"" }.joined(separator: ", ") + "}"
    }

    /// Whether an alert's value is the expected one, within a relative 5·10⁻⁶: a value written with the 6
    /// significant digits alerts show (`0.233333` for 7/30) passes, 0 equals only 0, and a value of the wrong sign
    /// or a tenth of the size never does.
    static func almostEqual(_ actual: Double, _ expected: Double) -> Bool {
        if actual == expected || actual.isNaN && expected.isNaN { return true }
        // ∞ is within any fraction of itself: an infinite value matches only the same infinity.
        guard actual.isFinite, expected.isFinite else { return false }
        return abs(actual - expected) <= 5e-6 * max(abs(actual), abs(expected)) && actual.sign == expected.sign
    }
}
