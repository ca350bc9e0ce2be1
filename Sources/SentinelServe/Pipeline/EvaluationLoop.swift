import Foundation
import Logging
import SentinelAct
import SentinelCompile
import SentinelCore
import SentinelEvaluate
import SentinelStore

/// The one thread that owns the engine: it takes batches and control requests from the `IngestQueue` in order,
/// writes every line it evaluates to the tap, and turns transitions into alert-book entries, notifications
/// (through the dispatcher: `log` receivers get a log line, `webhook` and `alertmanager` receivers an outbox entry),
/// findings and metrics. What a batch produced for the store is committed in one transaction when it ends.
///
/// Event time moves with the stream. When no events arrive for `idleAdvance`, the loop feeds itself a heartbeat
/// (`{"ts":…,"kind":"heartbeat"}`) whose time is the stream's latest time plus the wall-clock time since then,
/// so absence rules fire while a source is silent (from the first event on: before it there is no clock).
/// Heartbeats go through the tap like any event, so replaying the tap reproduces the live run's alerts exactly
/// (silences, which follow the machine's clock, are not in the tap).
///
/// With `warmStartFrom` (the tap folder), the engine's windows are refilled from the tap's latest events before the
/// loop starts (`TapWarmStart`), so a restart goes on where the last run stopped; the clock then runs from the
/// tap's last event, which the stream reached when the tap was last written.
public final class EvaluationLoop: @unchecked Sendable {
    public private(set) var engine: Engine
    private var router: RouteTree
    public let dispatcher: Dispatcher
    private var findingRouting: FindingRouting
    private let recorder: StoreRecorder
    /// DPO pairs from the stream's re-prompts, and candidates for live re-prompts.
    public let dpo: DPOCapture
    private let reprompts: RepromptQueue?
    private let traces: TraceQueue
    /// The `id` and `response` of a line a `trace` action asks for.
    private let traceFields = LineFields([["id"], ["response"]])
    private let queue: IngestQueue
    private let tap: TrafficTap?
    public let alerts: AlertBook
    public let metrics: ServiceMetrics
    /// Answers, unsafe share and latency per model over the latest hour, for the review overview.
    let activity = ModelActivity()
    private let logger: Logger
    private let idleAdvanceNanoseconds: UInt64
    /// Latest `ts` the stream has carried (epoch ms), and when it was seen (uptime ns).
    private var streamTime = Int64.min
    private var streamTimeSeenAt: UInt64 = 0
    /// After a warm start, the event time at which this run began: the tap's last event time plus the wall-clock
    /// time since the tap was last written. Until a live batch or a heartbeat has crossed the time Sentinel did not
    /// observe (see `crossUnobservedTime`).
    private var startedAt: Int64?
    /// After a warm start, the pending and firing alerts the tap left (identified by fingerprint and start): they
    /// started in time the run that tapped it observed.
    private var activeAfterWarmStart: Set<String> = []
    /// Alerts that started (pending or firing) in the time Sentinel did not observe, and when they are reported if
    /// they fire then (see `reportConfirmedAlerts`).
    private var unconfirmed: [(alert: String, confirmAt: Int64)] = []
    private let finished = DispatchSemaphore(value: 0)

    /// Called after a commit that wrote outbox entries, to wake the delivery worker.
    public var onOutboxCommitted: () -> Void {
        get { recorder.onOutboxCommitted }
        set { recorder.onOutboxCommitted = newValue }
    }

    public init(
        graph: ConditionGraph, queue: IngestQueue, tap: TrafficTap?, alerts: AlertBook, metrics: ServiceMetrics,
        store: any FindingsStore, silences: SilenceBook, notificationLog: [Dispatcher.LogEntry],
        reprompter: (any DPOReprompter)? = nil, idleAdvance: Duration, warmStartFrom: String? = nil,
        maxFutureMilliseconds: Int64 = ServiceConfiguration.Limits().maxFutureMilliseconds, logger: Logger
    ) throws {
        // Decoded whether or not capture is active now: a reload may declare a `capture_dpo` action.
        engine = Engine(graph: graph, eventFields: DPOCapture.eventFields)
        router = RouteTree(policy: graph.policy)
        dispatcher = Dispatcher(policy: graph.policy, log: notificationLog)
        dispatcher.restore(
            firing: try Self.notifiedFiring(notificationLog, store: store),
            grace: engine.settleHorizon + graph.policy.evaluationIntervalMilliseconds)
        // Silences are the operator's, in the machine's time (as in Alertmanager): a flush is checked against the
        // clock when it runs, whatever the events' times (a replay, a backfill, a producer running late).
        dispatcher.isSilenced = { labels, _ in silences.mutes(labels, at: WallClock.now()) }
        findingRouting = FindingRouting(graph: graph)
        recorder = StoreRecorder(store: store, metrics: metrics, logger: logger)
        dpo = DPOCapture(graph: graph, knownPrompts: try store.pairPromptKeys())
        reprompts = reprompter.map { RepromptQueue(reprompter: $0, metrics: metrics) }
        traces = TraceQueue(metrics: metrics, logger: logger)
        self.queue = queue
        self.tap = tap
        tap?.onProblem = { [logger, metrics] problem in
            switch problem {
            case .failed(let path, let reason, let failures):
                metrics.countTapFailures(failures)
                logger.warning(
                    "the tap cannot write; its events are dropped until the file takes them again (tried every second)",
                    metadata: ["file": "\(path)", "error": "\(reason)", "failures": "\(failures)"])
            case .dropped(let events): metrics.countTapDropped(events)
            case .recovered(let path): logger.info("the tap writes again", metadata: ["file": "\(path)"])
            }
        }
        self.alerts = alerts
        self.metrics = metrics
        self.logger = logger
        let (seconds, attoseconds) = idleAdvance.components
        idleAdvanceNanoseconds = UInt64(seconds) * 1_000_000_000 + UInt64(attoseconds / 1_000_000_000)
        if let warmStartFrom { warmStart(from: warmStartFrom, latest: WallClock.now() + maxFutureMilliseconds, store: store) }
        wire(engine)
        wireDPO()
    }

    /// Refills the new engine's windows from the tap (see `TapWarmStart`) before the loop's callbacks are wired
    /// (DPO capture aside, see `wireCaptureOnly`), then places what it has active: in the alert book, and its
    /// firing alerts with the dispatcher. Its counters start at zero afterwards, so metrics count live events only.
    private func warmStart(from directory: String, latest: Int64, store: any FindingsStore) {
        let began = DispatchTime.now().uptimeNanoseconds
        wireCaptureOnly()
        let horizon = engine.settleHorizon + engine.graph.policy.allowedLatenessMilliseconds
        let outcome = TapWarmStart(directory: directory, horizon: horizon, logger: logger, latest: latest).run(into: engine)
        guard outcome.events > 0, let through = outcome.through else { return }
        engine.resetStatistics()
        // The clock heartbeats follow: the stream reached `through` when the tap was last written.
        let now = DispatchTime.now().uptimeNanoseconds
        // A modification time far in the past (a copied or restored tap) counts as at most the longest duration.
        let downtime = outcome.lastWrite.map {
            min(DurationLimit.maxMilliseconds, max(0, Int64(Date().timeIntervalSince($0) * 1000)))
        } ?? 0
        startedAt = through + downtime
        streamTime = through
        streamTimeSeenAt = now &- UInt64(downtime) &* 1_000_000
        // A firing alert whose firing the store lacks was still waiting for its confirmation when the last run
        // stopped (it started in an earlier downtime): it waits again, rather than being taken as reported.
        let reported = Set(
            engine.activeAlerts().filter { alert in
                guard alert.state == .firing else { return false }
                let fingerprint = Dispatcher.fingerprint(rule: alert.rule, labels: alert.labels)
                let last = try? store.transitions(since: nil, rule: nil, fingerprint: fingerprint, limit: 1).first
                return last.map { $0.state == AlertState.firing.rawValue && $0.time >= alert.activeSince } ?? false
            }.map(Self.identity))
        let active = resume(at: through, complete: outcome.complete) { reported.contains(Self.identity($0)) }
        activeAfterWarmStart = Set(active.filter { $0.state != .firing || reported.contains(Self.identity($0)) }.map(Self.identity))
        let seconds = Double(now - began) / 1e9
        logger.info(
            "warm start from the tap",
            metadata: [
                "files": "\(outcome.files)", "events": "\(outcome.events)", "malformed": "\(outcome.malformed)",
                "future": "\(outcome.future)",
                "from": "\(outcome.from.map(Timestamp.format) ?? "-")", "through": "\(Timestamp.format(through))",
                "complete": "\(outcome.complete)", "active_alerts": "\(active.count)",
                "seconds": "\(String(format: "%.2f", seconds))", "unobserved_seconds": "\(downtime / 1000)",
            ])
    }

    /// The time between the warm start's last event and the first live one (`time`), or this run's start when a
    /// heartbeat comes first, is time Sentinel did not observe (it was down), not silence: its ticks run without
    /// notifications, findings or stored transitions, so absence rules do not fire for it and alerts do not
    /// resolve and fire again across it. An alert that ended in it is judged as a restored one (sent resolved after
    /// its grace unless it fires again); one that started in it is not reported yet (the alert book shows it): only
    /// if it still fires once its rule has had observed time enough (`reportConfirmedAlerts`).
    private func crossUnobservedTime(before time: Int64) {
        startedAt = nil
        defer { activeAfterWarmStart = [] }
        var active = engine.activeAlerts()
        let end = max(engine.watermark, time == .max ? engine.watermark : time - 1)
        if end > engine.watermark {
            wireCaptureOnly()
            engine.advance(to: end)
            let told = Set(dispatcher.firingAlerts.map(\.fingerprint))
            active = resume(at: end, complete: false) { told.contains(Dispatcher.fingerprint(rule: $0.rule, labels: $0.labels)) }
            wire(engine)
        }
        unconfirmed = active.filter { !activeAfterWarmStart.contains(Self.identity($0)) }.map {
            (Self.identity($0), end + confirmationDelay(ofRule: $0.rule))
        }
    }

    /// Reports (stores, notifies) the alerts that started (pending or firing) in the time Sentinel did not observe
    /// and fire on their condition, from the same start, once their rule's shortest window and `for` have passed in
    /// observed time: a source that went silent while Sentinel was down and stays silent is reported as a silence
    /// that began at this start would be, where an outage of Sentinel's own alone is not. One that ends before is
    /// never reported, and one still pending then is reported as usual when it fires (see `record`).
    private func reportConfirmedAlerts() {
        let now = engine.watermark
        guard unconfirmed.contains(where: { $0.confirmAt <= now }) else { return }
        let due = Set(unconfirmed.filter { $0.confirmAt <= now }.map(\.alert))
        unconfirmed.removeAll { $0.confirmAt <= now }
        for transition in engine.firingTransitions(at: now, where: { due.contains(Self.identity($0)) }) { record(transition) }
    }

    /// How long after a moment an alert of rule `name` that still fires has fired on what came after it alone: its
    /// `for` and the shortest window its condition reads (the recent one an absence rule finds empty, beside
    /// baselines that would take hours to be observed alone).
    private func confirmationDelay(ofRule name: String) -> Int64 {
        let graph = engine.graph
        guard let rule = graph.rules.first(where: { $0.name == name }) else { return 0 }
        let shortest = graph.windows(readBy: rule.condition).map { graph.windows[$0].milliseconds }.min()
        return (shortest ?? 0) + rule.forMilliseconds
    }

    /// An alert's rule, labels and start: the same alert only while it has not ended and started again.
    private static func identity(_ alert: ActiveAlert) -> String {
        identity(rule: alert.rule, labels: alert.labels, activeSince: alert.activeSince)
    }

    private static func identity(_ transition: AlertTransition) -> String {
        identity(rule: transition.rule, labels: transition.labels, activeSince: transition.activeSince)
    }

    private static func identity(rule: String, labels: [(String, String)], activeSince: Int64) -> String {
        "\(Dispatcher.fingerprint(rule: rule, labels: labels))@\(activeSince)"
    }

    /// Hands what the engine has active after a warm start (or after crossing the time after it) to the dispatcher
    /// (its firing alerts of notifying rules that `include` accepts) and to the alert book.
    @discardableResult
    private func resume(at time: Int64, complete: Bool, include: (ActiveAlert) -> Bool) -> [ActiveAlert] {
        let active = engine.activeAlerts()
        let notifying = Self.notifyingRules(engine.graph)
        dispatcher.resume(
            firingNow: active.filter { $0.state == .firing && notifying.contains($0.rule) && include($0) }, at: time,
            complete: complete)
        placeInAlertBook(active, graph: engine.graph, notifying: notifying, at: time)
        return active
    }

    /// Only DPO capture sees what the engine evaluates (its own callbacks not wired yet during a warm start): pairs
    /// made then are in the store already and candidates were re-prompted live, but candidates still waiting for a
    /// re-prompt in the stream carry over.
    private func wireCaptureOnly() {
        engine.onSettled = nil
        engine.onTransition = { _ in }
        engine.onMatch = { _ in }
        engine.onAction = { [dpo] request in dpo.take(request) }
        observeForCapture(engine)
    }

    /// DPO capture looks at every event the engine evaluates for a re-prompt.
    private func observeForCapture(_ engine: Engine) {
        engine.onEvent = { [dpo] _, time, fields in
            if dpo.isActive { dpo.observe(time: time, fields: fields) }
        }
    }

    /// Names of the rules with an action that notifies.
    private static func notifyingRules(_ graph: ConditionGraph) -> Set<String> {
        Set(graph.rules.filter { rule in rule.actions.contains { !graph.actions[$0].type.runsOnMatch } }.map(\.name))
    }

    /// Makes `active` the alert book's active alerts, with their severities and receivers under `graph` (whose
    /// rules with a notifying action are `notifying`).
    private func placeInAlertBook(_ active: [ActiveAlert], graph: ConditionGraph, notifying: Set<String>, at time: Int64) {
        let severities = Dictionary(graph.rules.map { ($0.name, $0.severity.rawValue) }, uniquingKeysWith: { a, _ in a })
        alerts.replaceActive(
            active.map { alert in
                let receivers = notifying.contains(alert.rule) ? router.receivers(rule: alert.rule, labels: alert.labels) : []
                return (alert, severities[alert.rule] ?? "", receivers)
            },
            at: time)
    }

    /// The alerts the notification log says receivers were told are firing, as their latest stored transitions
    /// show them (an alert whose transitions the store has dropped is left out).
    private static func notifiedFiring(_ log: [Dispatcher.LogEntry], store: any FindingsStore) throws -> [NotifiedAlert] {
        try Set(log.flatMap(\.firing)).sorted().compactMap { fingerprint in
            guard let last = try store.transitions(since: nil, rule: nil, fingerprint: fingerprint, limit: 1).first else {
                return nil
            }
            var labels = last.labels
            labels["alertname"] = last.rule
            return NotifiedAlert(
                fingerprint: fingerprint, rule: last.rule, status: .firing, labels: labels, annotations: last.annotations,
                value: last.value, startsAt: last.time, endsAt: nil)
        }
    }

    /// Starts the evaluation thread. It runs until the queue is closed and drained.
    public func start() {
        let thread = Thread { [self] in run() }
        thread.name = "sentinel-evaluation"
        thread.start()
    }

    /// Waits (without blocking the caller's thread) until the loop has drained the closed queue, flushed the
    /// engine and closed the tap.
    public func waitUntilFinished() async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                self.finished.wait()
                self.finished.signal()
                done.resume()
            }
        }
    }

    private func run() {
        while let item = queue.next(timeout: 0.25) {
            switch item {
            case .control(let work):
                work(self)
                recorder.commit()
            case .batch(let batch): evaluate(batch)
            case .idle: tap?.flush()
            }
            // Also after control requests: a client polling `/metrics` faster than the queue's timeout must not
            // stop the clock.
            advanceIfIdle()
        }
        engine.finish()
        dispatcher.advance(to: engine.watermark)
        recorder.commit()
        tap?.close()
        logger.info("evaluation stopped", metadata: ["events": "\(engine.statistics.events)"])
        finished.signal()
    }

    private func evaluate(_ batch: EventBatch) {
        if startedAt != nil { crossUnobservedTime(before: batch.minTimestamp) }
        batch.bytes.withUnsafeBytes { raw in
            for range in batch.lines {
                let line = UnsafeRawBufferPointer(rebasing: raw[range])
                tap?.write(line)
                do {
                    try engine.ingest(line)
                } catch {
                    // Batches are validated before they are queued; this is a defect, not bad input.
                    metrics.countRejected(.invalidAtEvaluation)
                    logger.error("event failed at evaluation", metadata: ["error": "\(error)"])
                }
            }
        }
        reportConfirmedAlerts()
        // The tap first: after a crash it may hold events the store lacks (a warm start evaluates them again),
        // never the other way round (alerts stored and notified that the warm start would not know).
        tap?.flush()
        recorder.commit()
        activity.record(batch.answers)
        let now = DispatchTime.now().uptimeNanoseconds
        metrics.recordEvaluated(batch.count, source: batch.source, latencySeconds: Double(now &- batch.acceptedAt) / 1e9)
        if batch.maxTimestamp > streamTime { streamTime = batch.maxTimestamp }
        streamTimeSeenAt = now
    }

    private func advanceIfIdle() {
        // Before the first event there is no clock to advance, and no group an absence rule could watch.
        let now = DispatchTime.now().uptimeNanoseconds
        guard streamTime != .min, now &- streamTimeSeenAt >= idleAdvanceNanoseconds else { return }
        let time = streamTime + Int64((now &- streamTimeSeenAt) / 1_000_000)
        if let startedAt { crossUnobservedTime(before: startedAt + 1) }  // up to this run's start
        var heartbeat = JSONText()
        heartbeat.add("ts", Timestamp.format(time))
        heartbeat.add("kind", EventKind.heartbeat)
        let bytes = Array(heartbeat.result.utf8)
        bytes.withUnsafeBytes { line in
            tap?.write(line)
            try? engine.ingest(line)
        }
        reportConfirmedAlerts()
        tap?.flush()
        recorder.commit()
        metrics.countHeartbeat()
        streamTime = time
        streamTimeSeenAt = now
    }

    // MARK: Reload

    /// Replaces the graph between two batches, carrying over the state of unchanged rules. Runs on the loop.
    public func replace(with graph: ConditionGraph) -> ReloadCarryOver {
        let previous = engine.activeAlerts()
        let next = Engine(graph: graph, continuing: engine)
        engine.onSettled = nil
        engine.onTransition = { _ in }
        engine.onAction = { _ in }
        engine.onEvent = nil
        // Before the first event there is no clock, and no firing alert to place.
        let now = next.watermark == .min ? 0 : next.watermark
        let active = next.activeAlerts()
        // Alerts the reload ends (rule removed or changed, labels changed) are resolved, and alerts it carries over
        // under new labels fire under them, as the engines would have reported it (receivers hear of both from the
        // dispatcher, below).
        let before = Set(previous.map(Self.identity))
        let after = Set(active.map(Self.identity))
        for transition in engine.endingTransitions(at: now, where: { !after.contains(Self.identity($0)) }) {
            record(transition, dispatch: false)
        }
        engine = next
        router = RouteTree(policy: graph.policy)
        findingRouting = FindingRouting(graph: graph)
        dpo.configure(graph)
        wire(next)
        for transition in next.firingTransitions(at: now, where: { !before.contains(Self.identity($0)) }) {
            record(transition, dispatch: false)
        }
        let notifying = Self.notifyingRules(graph)
        // Alerts still waiting for their confirmation stay unknown to receivers.
        let waiting = Set(unconfirmed.map(\.alert))
        dispatcher.replace(
            policy: graph.policy, at: now,
            firingNow: active.filter {
                $0.state == .firing && notifying.contains($0.rule) && !waiting.contains(Self.identity($0))
            })
        placeInAlertBook(active, graph: graph, notifying: notifying, at: now)
        return next.carryOver!
    }

    /// Where an alert transition goes: the alert book, the store, the metrics, the debug log, and (`dispatch`) the
    /// dispatcher for a rule that notifies. A transition of an alert not confirmed yet (it started in time Sentinel
    /// did not observe, see `reportConfirmedAlerts`) goes to the alert book alone: its firing before the
    /// confirmation, and its end (which also ends the wait).
    private func record(_ transition: AlertTransition, dispatch: Bool = true) {
        let receivers = transition.actions.isEmpty ? [] : router.receivers(rule: transition.rule, labels: transition.labels)
        alerts.record(transition, receivers: receivers)
        if !unconfirmed.isEmpty, isUnconfirmed(transition) { return }
        recorder.record(transition)
        metrics.countTransition(rule: transition.rule, state: transition.state)
        if logger.logLevel <= .debug { log(transition) }
        if dispatch, !transition.actions.isEmpty { dispatcher.receive(transition) }
    }

    /// Whether `transition` is of an alert not confirmed yet; its end also ends the wait.
    private func isUnconfirmed(_ transition: AlertTransition) -> Bool {
        let identity = Self.identity(transition)
        guard let i = unconfirmed.firstIndex(where: { $0.alert == identity }) else { return false }
        if transition.state == .resolved { unconfirmed.remove(at: i) }
        return true
    }

    private func wire(_ engine: Engine) {
        engine.observeMatches(of: findingRouting.observedRules)
        engine.onSettled = { [unowned self] time in dispatcher.advance(to: time) }
        engine.onTransition = { [unowned self] transition in record(transition) }
        engine.onAction = { [unowned self] request in
            metrics.countAction(rule: request.rule, action: request.action)
            dpo.take(request)
            if request.type == .trace { trace(request) }
        }
        observeForCapture(engine)
        engine.onMatch = { [unowned self] match in
            guard findingRouting.isFinding(match) else { return }
            recorder.record(match)
            metrics.countFinding(rule: match.rule)
        }
        dispatcher.onNotification = { [unowned self] notification in
            metrics.countNotification(receiver: notification.receiver)
            switch notification.receiverType {
            case "log": log(notification)
            case "webhook", "alertmanager": recorder.enqueue(notification)
            default: break  // `store`: its alerts' evidence is kept as findings
            }
        }
        dispatcher.onLogUpdate = { [unowned self] entry in recorder.record(entry) }
        engine.onMalformed = { [unowned self] error in
            metrics.countRejected(.invalidAtEvaluation)
            logger.error("held-back event failed at evaluation", metadata: ["error": "\(error)"])
        }
    }

    /// Hands a `trace` request to the trace queue; the result comes back through the queue to the store.
    private func trace(_ request: ActionRequest) {
        guard let action = engine.graph.actions.first(where: { $0.name == request.action }),
            traceFields.read(request.line), let id = traceFields.string(0), let response = traceFields.string(1),
            !response.isEmpty
        else { return metrics.countTrace(.noResponse) }
        let queue = self.queue
        traces.submit(action: action, rule: request.rule, eventID: id, response: response) { outcome in
            _ = queue.control { loop in loop.recorder.recordTrace(eventID: outcome.eventID, rule: outcome.rule, json: outcome.json) }
        }
    }

    private func wireDPO() {
        dpo.onPair = { [unowned self] pair in
            recorder.record(pair)
            metrics.countPair(source: pair.source)
        }
        dpo.onSkip = { [unowned self] in metrics.countPairSkip($0.rawValue) }
        dpo.onUnanswered = { [unowned self] _ in metrics.countPairSkip(DPOCapture.Skip.expired.rawValue) }
        guard let reprompts else { return }
        let queue = self.queue
        dpo.onCandidate = { candidate in
            reprompts.submit(candidate) { pair in
                // Back on the evaluation thread: the same dedupe, the one writer.
                _ = queue.control { loop in loop.dpo.accept(pair) }
            }
        }
    }

    /// The debug line every transition gets.
    private func log(_ transition: AlertTransition) {
        var metadata: Logger.Metadata = [
            "rule": "\(transition.rule)", "state": "\(transition.state.rawValue)",
            "severity": "\(transition.severity.rawValue)", "at": "\(Timestamp.format(transition.time))",
        ]
        for (name, value) in transition.labels where name != "severity" { metadata["label.\(name)"] = "\(value)" }
        if let value = transition.value { metadata["value"] = "\(NumberFormatting.format(value))" }
        logger.debug("transition", metadata: metadata)
    }

    /// What a `log` receiver does with a notification: one notice line per alert in it.
    private func log(_ notification: AlertNotification) {
        for alert in notification.alerts {
            var metadata: Logger.Metadata = [
                "receiver": "\(notification.receiver)", "rule": "\(alert.rule)", "state": "\(alert.status.rawValue)",
                "at": "\(Timestamp.format(notification.time))", "group": "\(notification.groupKey)",
                "notification": "\(notification.id)",
            ]
            for (name, value) in alert.labels where name != "alertname" { metadata["label.\(name)"] = "\(value)" }
            if let value = alert.value { metadata["value"] = "\(NumberFormatting.format(value))" }
            if let summary = alert.annotations["summary"] { metadata["summary"] = "\(summary)" }
            logger.notice("alert \(alert.status.rawValue)", metadata: metadata)
        }
    }
}
