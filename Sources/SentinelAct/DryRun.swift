public import SentinelCompile
public import SentinelEvaluate
import SentinelCore
import Foundation

/// Replays recorded traffic through a graph and reports what would have happened: every alert transition, action
/// request, notification (after grouping, inhibition and dedupe, on event time) and finding as a line, with no
/// side effects beyond the lines it hands to `output`.
public final class DryRun {
    /// How lines are written: JSON objects, or aligned text for people (transitions only).
    public enum Format: String, Sendable, CaseIterable {
        case json, text
    }

    /// A line of the traffic that could not be decoded.
    public struct MalformedLine: Error, Sendable {
        public var file: String
        public var line: Int
        public var error: EventDecodeError

        /// `file:line:col: error: ... (field 'f') [byte offset N]`, the column in characters.
        public var description: String {
            var text = "\(file):\(line):\(error.column ?? error.offset + 1): error: \(error.message)"
            if let field = error.field { text += " (field '\(field)')" }
            return text + " [byte offset \(error.offset)]"
        }
    }

    /// A line skipped as late: more than `allowed_lateness` behind the newest event time, or behind what was
    /// evaluated. `newestAt` is the line that brought the newest time, when this replay read it.
    public struct LateLine: Sendable {
        public var file: String
        public var line: Int
        public var time: Int64
        public var newest: Int64
        public var newestAt: Position?
        public var lateness: Int64

        public struct Position: Sendable {
            public var file: String
            public var line: Int
        }

        /// `file:line: warning: ...`, naming the line that set the clock: one wrong timestamp, or files given out
        /// of order, otherwise show only as a count of late events.
        public var description: String {
            let behind = DurationLiteral.format(milliseconds: max(newest - time, 0))
            let from = newestAt.map { " (set by \($0.file):\($0.line))" } ?? ""
            // Within the lateness of the newest time, it is late only for coming after events evaluated already:
            // held ones released early, past the memory the held events may take.
            let why =
                newest - time > lateness
                ? "beyond allowed_lateness \(DurationLiteral.format(milliseconds: lateness))"
                : "behind events already evaluated (held events over their memory cap are evaluated early)"
            return "\(file):\(line): warning: late event skipped: \(Timestamp.format(time)) is \(behind) behind the newest "
                + "event time \(Timestamp.format(newest))\(from), \(why); the file's later late lines are only counted"
        }
    }

    public let engine: Engine
    private let router: RouteTree
    public let dispatcher: Dispatcher
    private let findings: FindingRouting
    public let dpo: DPOCapture
    /// Receives each output line (without newline).
    public var output: (String) -> Void = { print($0) }
    /// Called every 2^18 lines with the count so far, for a progress display.
    public var progress: ((Int) -> Void)?
    /// Called before reading more from a pipe or a terminal (which may wait for its writer), to flush the output.
    public var beforeWaiting: (() -> Void)?
    /// Called with the first late line of each file.
    public var onLate: ((LateLine) -> Void)?
    public private(set) var malformed = 0
    public private(set) var linesRead = 0
    /// Per-match action requests by rule name.
    public private(set) var actionCounts: [String: Int] = [:]
    /// Notifications by receiver, and findings by rule.
    public private(set) var notificationCounts: [String: Int] = [:]
    public private(set) var findingCounts: [String: Int] = [:]
    /// DPO pairs made from re-prompts in the traffic.
    public private(set) var pairCount = 0

    public init(graph: ConditionGraph, format: Format = .json) {
        dpo = DPOCapture(graph: graph)
        engine = Engine(graph: graph, eventFields: DPOCapture.eventFields)
        engine.countsUnreadKinds = true
        router = RouteTree(policy: graph.policy)
        dispatcher = Dispatcher(policy: graph.policy)
        findings = FindingRouting(graph: graph)
        engine.observeMatches(of: findings.observedRules)
        dpo.onPair = { [unowned self] pair in
            self.pairCount += 1
            if format == .json { self.output(Self.line(for: pair)) }
        }
        engine.onSettled = { [unowned self] time in self.dispatcher.advance(to: time) }
        engine.onTransition = { [unowned self] transition in
            self.output(format == .json ? self.line(for: transition) : Self.text(for: transition))
            if !transition.actions.isEmpty { self.dispatcher.receive(transition) }
        }
        dispatcher.onNotification = { [unowned self] notification in
            self.notificationCounts[notification.receiver, default: 0] += 1
            if format == .json { self.output(Self.line(for: notification)) }
        }
        engine.onMatch = { [unowned self] match in
            guard self.findings.isFinding(match) else { return }
            self.findingCounts[match.rule, default: 0] += 1
            if format == .json { self.output(self.findingLine(for: match)) }
        }
        engine.onAction = { [unowned self] request in
            self.actionCounts[request.rule, default: 0] += 1
            if format == .json { self.output(Self.line(for: request)) }
            self.dpo.take(request)
        }
        if dpo.isActive {
            engine.onEvent = { [dpo] _, time, fields in dpo.observe(time: time, fields: fields) }
        }
    }

    /// Replays the files in order. A malformed line is reported through `onMalformed` and skipped, or, when it
    /// returns false, stops the replay with that error. A line over `LineReader.maxLineLength` in a regular file is
    /// a malformed line too; elsewhere (a pipe, a device) it ends the replay with the reader's error. Whatever
    /// stops a replay, the lines before it are evaluated first, as they are with no lateness: the events held back
    /// too.
    public func replay(paths: [String], onMalformed: (MalformedLine) -> Bool) throws {
        // Every file is opened first: a missing last file should not cost the output of the ones before it.
        let readers = try paths.map { path in path == "-" ? LineReader(fileDescriptor: 0) : try LineReader(path: path) }
        for reader in readers { reader.beforeWaiting = beforeWaiting }
        do {
            try read(readers, onMalformed: onMalformed)
        } catch {
            engine.drain()
            dispatcher.advance(to: engine.watermark)
            throw error
        }
        engine.finish()
        dispatcher.advance(to: engine.watermark)
    }

    private func read(_ readers: [LineReader], onMalformed: (MalformedLine) -> Bool) throws {
        let lateness = engine.graph.policy.allowedLatenessMilliseconds
        var newest = Int64.min
        var newestAt: LateLine.Position?
        for reader in readers {
            // The reader's name: the path, or `<stdin>` for `-`, as its own errors say.
            let path = reader.path
            let start = linesRead
            var lateReported = false
            func report(_ error: EventDecodeError) throws {
                malformed += 1
                let line = MalformedLine(file: path, line: linesRead - start, error: error)
                guard onMalformed(line) else { throw line }
            }
            while let next = try reader.nextOrSkipped() {
                linesRead += 1
                let line: UnsafeRawBufferPointer
                switch next {
                case .success(let read): line = read.line
                case .failure(let overLong):
                    try report(EventDecodeError(message: overLong.message, offset: reader.maxLineLength))
                    continue
                }
                if linesRead & 0x3FFFF == 0 { progress?(linesRead) }
                if LineReader.isBlank(line) { continue }
                let late = engine.statistics.lateEvents
                do {
                    try engine.ingest(line)
                } catch {
                    try report(error.located(in: line))
                    continue
                }
                if engine.statistics.lateEvents != late {
                    guard !lateReported else { continue }
                    lateReported = true
                    onLate?(
                        LateLine(
                            file: path, line: linesRead - start, time: engine.lastLateTime, newest: engine.newestTime ?? newest,
                            newestAt: newestAt, lateness: lateness))
                } else if let time = engine.newestTime, time > newest {
                    newest = time
                    newestAt = LateLine.Position(file: path, line: linesRead - start)
                }
            }
        }
    }

    private func line(for t: AlertTransition) -> String {
        var json = JSONText()
        json.add("type", "alert")
        json.add("ts", Timestamp.format(t.time))
        json.add("rule", t.rule)
        json.add("state", t.state.rawValue)
        if t.state == .resolved { json.add("was", t.previous.rawValue) }
        json.add("severity", t.severity.rawValue)
        json.add("labels", object: t.labels)
        json.add("value", sample: t.value)
        json.add("annotations", object: t.annotations)
        json.add("active_since", Timestamp.format(t.activeSince))
        let receivers = router.receivers(rule: t.rule, labels: t.labels)
        let actions = t.actions.map { name -> String in
            var action = JSONText()
            action.add("action", name)
            action.add("receivers", strings: receivers)
            return action.result
        }
        json.add("actions", raw: "[" + actions.joined(separator: ",") + "]")
        return json.result
    }

    private static func text(for t: AlertTransition) -> String {
        // A pending alert that never fired ends as `resolved` with `was: pending`; its line says so.
        let written = t.state == .resolved && t.previous == .pending ? "DROPPED" : t.state.rawValue.uppercased()
        let state = written.padding(toLength: 9, withPad: " ", startingAt: 0)
        let labels = t.labels.filter { $0.0 != "severity" }.map { "\($0.0.escapingControls())=\($0.1.escapingControls())" }
            .joined(separator: " ")
        let value = t.value.map(NumberFormatting.format) ?? "-"
        let summary = (t.annotations.first { $0.0 == "summary" }?.1 ?? "").escapingControls()
        let time = Timestamp.format(t.time).padding(toLength: 24, withPad: " ", startingAt: 0)
        // Names longer than the column are written whole (cut, two rules could read alike).
        return "\(time)  \(state) \(t.rule.padding(toLength: max(20, t.rule.count), withPad: " ", startingAt: 0)) "
            + "\(t.severity.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(labels)  value=\(value)  \(summary)"
    }

    private static func line(for n: AlertNotification) -> String {
        var json = JSONText()
        json.add("type", "notification")
        json.add("ts", Timestamp.format(n.time))
        json.add("receiver", n.receiver)
        json.add("receiver_type", n.receiverType)
        json.add("status", n.status.rawValue)
        json.add("group_key", n.groupKey)
        let alerts = n.alerts.map { alert -> String in
            var a = JSONText()
            a.add("rule", alert.rule)
            a.add("status", alert.status.rawValue)
            a.add("fingerprint", alert.fingerprint)
            a.add("labels", object: alert.labels.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
            return a.result
        }
        json.add("alerts", raw: "[" + alerts.joined(separator: ",") + "]")
        json.add("id", n.id)
        return json.result
    }

    private static func line(for pair: DPOPair) -> String {
        var json = JSONText()
        json.add("type", "dpo_pair")
        json.add("ts", Timestamp.format(pair.time))
        json.add("rule", pair.rule)
        json.add("model", optional: pair.model)
        json.add("rejected_event_id", pair.rejectedEventID)
        json.add("chosen_event_id", optional: pair.chosenEventID)
        json.add("prompt", pair.prompt)
        json.add("chosen", pair.chosen)
        json.add("rejected", pair.rejected)
        json.add("categories", strings: pair.categories)
        return json.result
    }

    private func findingLine(for match: RuleMatch) -> String {
        var json = JSONText()
        json.add("type", "finding")
        json.add("ts", Timestamp.format(match.time))
        json.add("rule", match.rule)
        // The engine's decoded id when the graph reads it; parsing the whole line again cost more than the match.
        if let id = match.eventID ?? findings.eventID(in: match.line) { json.add("event_id", id) }
        json.add("labels", object: match.labels)
        return json.result
    }

    private static func line(for request: ActionRequest) -> String {
        var json = JSONText()
        json.add("type", "action")
        json.add("ts", Timestamp.format(request.time))
        json.add("rule", request.rule)
        json.add("action", request.action)
        json.add("action_type", request.type.rawValue)
        if let id = request.eventID { json.add("event_id", id) }
        json.add("labels", object: request.labels)
        return json.result
    }
}
