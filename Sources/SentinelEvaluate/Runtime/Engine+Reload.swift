public import SentinelCompile

/// What a reload kept and what it started afresh.
public struct ReloadCarryOver: Sendable {
    /// Rules whose definition did not change: their alert state (pending, firing) carried over.
    public var keptRules: [String] = []
    /// Rules new in this graph or changed since the previous one: they start with no alert state.
    public var freshRules: [String] = []
    /// Rules of the previous graph that this one no longer has (their alerts end: the service records them resolved,
    /// `Engine.endingTransitions`).
    public var removedRules: [String] = []
    /// Windows whose samples carried over, of all windows in the new graph.
    public var keptWindows = 0
    public var windows = 0
}

extension Engine {
    /// An engine for `graph` that continues where `previous` stopped: the same clock, the events it holds back
    /// for re-ordering (taken from `previous`, which holds none after), its statistics, and the groups, window
    /// samples and alert states of every partition, window and rule whose definition did not change. Everything else
    /// starts empty, as on a fresh start.
    public convenience init(graph: ConditionGraph, continuing previous: Engine) {
        self.init(graph: graph, eventFields: previous.eventFields)
        carryOver = adoptState(of: previous)
    }

    private func adoptState(of previous: Engine) -> ReloadCarryOver {
        var report = ReloadCarryOver()
        watermark = previous.watermark
        lastEventTime = previous.lastEventTime
        reorder = previous.reorder
        // The held blocks are this engine's now: the previous one must not write into them.
        previous.reorder = ReorderBuffer()
        heldGeneration = previous.heldGeneration &+ 1
        statistics = previous.statistics
        if !previous.nextTicks.isEmpty {
            let carried = Dictionary(uniqueKeysWithValues: zip(previous.tickIntervals, previous.nextTicks))
            // A new interval starts after the watermark: ticks at or before it belong to the previous graph.
            nextTicks = tickIntervals.map { carried[$0] ?? Self.ceilMultiple(previous.watermark + 1, $0) }
        }

        let oldPartitions = Dictionary(
            previous.graph.partitions.indices.map { (previous.graph.partitions[$0].identity, $0) },
            uniquingKeysWith: { first, _ in first })
        let oldWindows = Dictionary(
            previous.graph.windows.indices.map { (previous.graph.windows[$0].identity, $0) },
            uniquingKeysWith: { first, _ in first })
        let oldRules = Dictionary(
            previous.graph.rules.indices.map { (previous.graph.rules[$0].name, $0) }, uniquingKeysWith: { first, _ in first })
        report.windows = graph.windows.count

        for (p, partition) in graph.partitions.enumerated() {
            guard let old = oldPartitions[partition.identity] else { continue }
            groups[p] = previous.groups[old]
            let capacity = groups[p].capacity
            for w in tables.slice(tables.partitions[p].windows).map(Int.init) {
                stores[w].ensureCapacity(capacity)
                if let oldWindow = oldWindows[graph.windows[w].identity] {
                    stores[w].adopt(previous.stores[oldWindow])
                    report.keptWindows += 1
                } else {
                    for g in 0..<capacity { stores[w].reset(g) }
                }
            }
            for f in tables.slice(tables.partitions[p].frames).map(Int.init) {
                report.keptWindows += adoptFrame(f, capacity: capacity, from: previous, oldWindows: oldWindows)
            }
            for r in partition.rules {
                if let oldRule = oldRules[graph.rules[r].name],
                    previous.graph.rules[oldRule].fingerprint == graph.rules[r].fingerprint
                {
                    alerts[r] = previous.alerts[oldRule]
                    ruleStatistics[r] = previous.ruleStatistics[oldRule]
                }
                while alerts[r].count < capacity { alerts[r].append(AlertSlot()) }
            }
        }
        for (r, rule) in graph.rules.enumerated() {
            if let oldRule = oldRules[rule.name], previous.graph.rules[oldRule].fingerprint == rule.fingerprint {
                report.keptRules.append(rule.name)
            } else {
                report.freshRules.append(rule.name)
                alerts[r] = alerts[r].map { _ in AlertSlot() }
            }
        }
        activeAlertCounts = alerts.map { slots in slots.reduce(0) { $0 + ($1.state.isActive ? 1 : 0) } }
        let names = Set(graph.rules.map(\.name))
        report.removedRules = previous.graph.rules.map(\.name).filter { !names.contains($0) }
        return report
    }

    /// Fills frame `f` with the samples its windows had in `previous`: the rows of the previous frame of the same
    /// partition and span, re-read for this frame's columns (a window new to it starts empty, and aggregates a
    /// new rule needs, `max` say, are built). Returns how many of its windows carried over.
    private func adoptFrame(_ f: Int, capacity: Int, from previous: Engine, oldWindows: [String: Int]) -> Int {
        frames[f].ensureCapacity(capacity)
        var oldFrame: Int32?
        var sources: [Int?] = []
        for w in frameLayout.frames[f].windows {
            // Equal identities share partition and span, so every match is a column of one previous frame.
            if let old = oldWindows[graph.windows[w].identity], previous.tables.places[old].frame >= 0,
                oldFrame == nil || oldFrame == previous.tables.places[old].frame
            {
                oldFrame = previous.tables.places[old].frame
                sources.append(Int(previous.tables.places[old].column))
            } else {
                sources.append(nil)
            }
        }
        guard let oldFrame else { return 0 }
        let old = previous.frames[Int(oldFrame)]
        for g in 0..<min(capacity, old.groups.count) { frames[f].groups[g].replay(old.groups[g], sources: sources) }
        frames[f].overflow = old.overflow
        return sources.count { $0 != nil }
    }
}
