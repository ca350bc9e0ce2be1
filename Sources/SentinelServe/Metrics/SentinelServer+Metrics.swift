import Foundation
import Synchronization
import SentinelAct
import SentinelCompile
import SentinelEvaluate
import SentinelNotify
import SentinelStore

extension SentinelServer {
    /// `GET /metrics`: Sentinel's own state in the Prometheus text format.
    func renderMetrics() async -> String {
        var out = MetricsExposition()
        let s = metrics.state.withLock { $0 }
        out.family(
            "sentinel_events_accepted_total", .counter, help: "Events accepted for evaluation, by source.",
            samples: EventBatch.Source.allCases.map { ([("source", $0.rawValue)], Double(s.accepted[$0] ?? 0)) })
        out.family(
            "sentinel_events_rejected_total", .counter, help: "Events refused or failed, by reason.",
            samples: ServiceMetrics.RejectReason.allCases.map { ([("reason", $0.rawValue)], Double(s.rejected[$0] ?? 0)) })
        out.family(
            "sentinel_events_evaluated_total", .counter, help: "Events evaluated by the engine, by source.",
            samples: EventBatch.Source.allCases.map { ([("source", $0.rawValue)], Double(s.evaluated[$0] ?? 0)) })
        out.family(
            "sentinel_heartbeats_total", .counter, help: "Clock heartbeats fed to the engine while the stream was idle.",
            value: Double(s.heartbeats))
        let depth = queue.depth
        out.family("sentinel_queue_events", .gauge, help: "Events waiting for evaluation.", value: Double(depth.events))
        out.family("sentinel_queue_bytes", .gauge, help: "Bytes of events waiting for evaluation.", value: Double(depth.bytes))
        out.family(
            "sentinel_queue_capacity_events", .gauge, help: "Events the evaluation queue holds before refusing more.",
            value: Double(queue.maxEvents))
        out.histogram(
            "sentinel_evaluation_latency_seconds", help: "Time from acceptance of an event to its evaluation.",
            series: [([], s.latency)])

        let engine: EngineView? = await queue.inspect { loop in EngineView(loop.engine) }
        if let engine {
            out.family("sentinel_engine_events_total", .counter, help: "Events the engine processed.", value: Double(engine.events))
            out.family(
                "sentinel_engine_late_events_total", .counter, help: "Events older than the allowed lateness, skipped.",
                value: Double(engine.lateEvents))
            out.family(
                "sentinel_engine_released_early_total", .counter,
                help: "Held-back events evaluated before their lateness passed, the events held being over the engine's cap.",
                value: Double(engine.releasedEarly))
            out.family(
                "sentinel_engine_groups_evicted_total", .counter, help: "Idle groups evicted.", value: Double(engine.evicted))
            out.family(
                "sentinel_engine_regex_given_up_total", .counter,
                help: "'matches' tests given up (step budget or ICU's own limits), each read as no match.",
                value: Double(engine.regexGivenUp))
            out.family(
                "sentinel_engine_watermark_seconds", .gauge, help: "Event time the engine has reached.",
                value: engine.watermark == .min ? 0 : Double(engine.watermark) / 1000)
            out.family(
                "sentinel_rule_evaluations_total", .counter, help: "Rule evaluations.",
                samples: engine.rules.map { ([("rule", $0.name)], Double($0.stats.evaluations)) })
            out.family(
                "sentinel_rule_matches_total", .counter, help: "Evaluations at which the rule's condition held.",
                samples: engine.rules.map { ([("rule", $0.name)], Double($0.stats.matches)) })
            out.family(
                "sentinel_rule_evaluation_seconds_total", .counter, help: "Time spent evaluating the rule (sampled).",
                samples: engine.rules.map { ([("rule", $0.name)], $0.stats.evaluationNanoseconds / 1e9) })
            out.family(
                "sentinel_rule_group_overflow_total", .counter,
                help: "Events of new groups dropped at max_groups_per_rule.",
                samples: engine.rules.map { ([("rule", $0.name)], Double($0.stats.groupOverflow)) })
            let counts = alerts.activeCounts()
            out.family(
                "sentinel_alerts", .gauge, help: "Active alerts by rule, severity and state.",
                samples: engine.rules.flatMap { rule in
                    [AlertState.pending, .firing].map { state in
                        (
                            [("rule", rule.name), ("severity", rule.severity), ("state", state.rawValue)],
                            Double(counts[rule.name]?[state] ?? 0)
                        )
                    }
                })
        }
        // Every loaded rule has its series from the start (at 0), so rate() and absent() work before the first event.
        let ruleNames = Set((engine?.rules.map(\.name) ?? []) + s.transitions.keys + s.findings.keys).sorted()
        out.family(
            "sentinel_alert_transitions_total", .counter, help: "Alert transitions by rule and new state.",
            samples: ruleNames.flatMap { rule in
                [AlertState.pending, .firing, .resolved].map { state in
                    ([("rule", rule), ("state", state.rawValue)], Double(s.transitions[rule]?[state] ?? 0))
                }
            })
        out.family(
            "sentinel_notifications_total", .counter, help: "Notifications the dispatcher sent to each receiver (after grouping, inhibition, silences, dedupe).",
            samples: s.notifications.sorted { $0.key < $1.key }.map { ([("receiver", $0.key)], Double($0.value)) })
        out.family(
            "sentinel_actions_requested_total", .counter, help: "Per-match actions requested, by rule and action.",
            samples: s.actions.sorted { $0.key < $1.key }.flatMap { rule, byAction in
                byAction.sorted { $0.key < $1.key }.map { ([("rule", rule), ("action", $0.key)], Double($0.value)) }
            })
        out.family(
            "sentinel_findings_total", .counter, help: "Matching events kept as findings, by rule.",
            samples: ruleNames.map { ([("rule", $0)], Double(s.findings[$0] ?? 0)) })
        out.family(
            "sentinel_dpo_pairs_total", .counter, help: "DPO pairs captured, by source (stream re-prompt or live re-prompt).",
            samples: ["stream", "reprompt"].map { ([("source", $0)], Double(s.pairs[$0] ?? 0)) })
        out.family(
            "sentinel_dpo_skipped_total", .counter, help: "capture_dpo matches and re-prompts that made no pair, by reason.",
            samples: DPOCapture.Skip.allCases.map { ([("reason", $0.rawValue)], Double(s.pairSkips[$0.rawValue] ?? 0)) })
        out.family(
            "sentinel_dpo_reprompts_total", .counter, help: "Live re-prompts of the frontier, by outcome.",
            samples: ServiceMetrics.RepromptOutcome.allCases.map { ([("outcome", $0.rawValue)], Double(s.reprompts[$0] ?? 0)) })
        out.family(
            "sentinel_traces_total", .counter, help: "trace actions by outcome (failed: backend unusable, API error or timeout).",
            samples: ServiceMetrics.TraceOutcome.allCases.map { ([("outcome", $0.rawValue)], Double(s.traces[$0] ?? 0)) })
        out.family(
            "sentinel_store_commits_total", .counter, help: "Store transactions by result.",
            samples: [([("result", "success")], Double(s.storeCommits)), ([("result", "failure")], Double(s.storeFailures))])
        out.family(
            "sentinel_store_dropped_records_total", .counter,
            help: "Transitions and findings dropped because the store stayed unwritable.", value: Double(s.storeDropped))
        out.family(
            "sentinel_tap_write_failures_total", .counter,
            help: "Failed opens and writes of tap files.", value: Double(s.tapFailures))
        out.family(
            "sentinel_tap_dropped_events_total", .counter,
            help: "Evaluated events the tap could not write (no file would open, or a write failed).",
            value: Double(s.tapDropped))
        out.family(
            "sentinel_outbox_written_total", .counter, help: "Notifications written to the outbox for delivery.",
            value: Double(s.outboxWritten))
        out.family(
            "sentinel_reloads_total", .counter, help: "Configuration reloads by result.",
            samples: [([("result", "success")], Double(s.reloadSuccesses)), ([("result", "failure")], Double(s.reloadFailures))])
        out.family(
            "sentinel_reload_last_success_timestamp_seconds", .gauge,
            help: "When the configuration was last loaded successfully (start or reload).",
            value: s.lastReloadSuccess == 0 ? metrics.startTime : s.lastReloadSuccess)
        out.family(
            "sentinel_reload_last_failure_timestamp_seconds", .gauge, help: "When a reload last failed (0: never).",
            value: s.lastReloadFailure)
        renderDelivery(&out)
        for section in sections { section(&out) }
        out.family(
            "process_start_time_seconds", .gauge, help: "Start time of the process since the Unix epoch in seconds.",
            value: metrics.startTime)
        out.family(
            "process_resident_memory_bytes", .gauge, help: "Resident memory size in bytes.",
            value: Double(Self.residentMemoryBytes()))
        return out.text
    }

    /// Resident set size from `/proc/self/statm` (0 where there is none).
    static func residentMemoryBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}

/// The engine figures `/metrics` needs, copied on the evaluation thread.
struct EngineView: Sendable {
    struct Rule: Sendable {
        var name: String
        var severity: String
        var stats: RuleStatistics
    }

    var events: Int
    var lateEvents: Int
    var releasedEarly: Int
    var evicted: Int
    var regexGivenUp: Int
    var watermark: Int64
    var rules: [Rule]

    init(_ engine: Engine) {
        events = engine.statistics.events
        lateEvents = engine.statistics.lateEvents
        releasedEarly = engine.statistics.releasedEarly
        evicted = engine.statistics.groupsEvicted
        regexGivenUp = engine.statistics.regexGivenUp
        watermark = engine.watermark
        rules = zip(engine.graph.rules, engine.ruleStatistics).map {
            Rule(name: $0.name, severity: $0.severity.rawValue, stats: $1)
        }
    }
}

extension SentinelServer {
    /// The outbox and its deliveries: entries by state (from the store) and attempts by receiver.
    private func renderDelivery(_ out: inout MetricsExposition) {
        if let counts = try? store.outboxCounts() {
            out.family("sentinel_outbox_pending", .gauge, help: "Notifications in the outbox waiting for delivery.", value: Double(counts.pending))
            out.family(
                "sentinel_outbox_delivered", .gauge, help: "Notifications in the outbox that were delivered.", value: Double(counts.delivered))
            out.family(
                "sentinel_outbox_abandoned", .gauge, help: "Notifications given up on (permanent failure or attempts exhausted).",
                value: Double(counts.abandoned))
        }
        let stats = delivery.stats().sorted { $0.key < $1.key }
        out.family(
            "sentinel_deliveries_total", .counter, help: "Notifications receivers accepted, by receiver.",
            samples: stats.map { ([("receiver", $0.key)], Double($0.value.sent)) })
        out.family(
            "sentinel_delivery_failures_total", .counter, help: "Failed delivery attempts, by receiver and reason.",
            samples: stats.flatMap { receiver, s in
                DeliveryFailure.Reason.allCases.map { ([("receiver", receiver), ("reason", $0.rawValue)], Double(s.failed[$0] ?? 0)) }
            })
        out.family(
            "sentinel_delivery_abandoned_total", .counter, help: "Notifications abandoned, by receiver.",
            samples: stats.map { ([("receiver", $0.key)], Double($0.value.abandoned)) })
        out.family(
            "sentinel_deliveries_in_flight", .gauge, help: "Delivery attempts under way, by receiver.",
            samples: stats.map { ([("receiver", $0.key)], Double($0.value.inFlight)) })
        out.family(
            "sentinel_delivery_last_success_timestamp_seconds", .gauge, help: "When a receiver last accepted a notification (0: never).",
            samples: stats.map { ([("receiver", $0.key)], Double($0.value.lastSuccessAt ?? 0) / 1000) })
    }
}
