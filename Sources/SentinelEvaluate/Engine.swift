public import SentinelCompile
import Foundation
import SentinelCore
import SentinelParse

/// Evaluates a compiled graph over events, on event time.
///
/// Deterministic: the same events in the same order give the same transitions, whether they come from a file or
/// a live stream. Events out of order by at most `allowed_lateness` are re-ordered (held back that long); older
/// ones are counted and skipped.
public final class Engine {
    public let graph: ConditionGraph
    /// Called for every alert transition, in event-time order.
    public var onTransition: (AlertTransition) -> Void = { _ in }
    /// Called for every per-match action request.
    public var onAction: (ActionRequest) -> Void = { _ in }
    /// Called for a line held back over a reload that the new graph finds malformed when it is released (it reads
    /// other fields, of other types). Otherwise a malformed line is rejected by `ingest`, when it arrives.
    public var onMalformed: (EventDecodeError) -> Void = { _ in }
    /// Called at each event where an observed rule (see `observeMatches(of:)`) holds and so does its `evidence`.
    public var onMatch: (RuleMatch) -> Void = { _ in }
    /// Called with t − 1 before anything at time t is evaluated, an event or a tick: no transition at or before it
    /// can come any more. What acts on time (a dispatcher's group flushes) advances with it, so it depends on the
    /// events' times, not on how their lines arrive (in one batch, or held back for re-ordering).
    public var onSettled: ((Int64) -> Void)?
    /// Called for every event as it is evaluated (in event-time order; never for a late one), before the rules
    /// read it, with its line and its values at `eventFields` (both valid only during the call) and its time. DPO
    /// capture looks for re-prompts here.
    public var onEvent: ((_ line: UnsafeRawBufferPointer, _ time: Int64, _ fields: UnsafeBufferPointer<Value>) -> Void)?
    /// Paths decoded from every event for `onEvent`, beside those the rules read (no rule reads them, so their types
    /// are not checked).
    public let eventFields: [[String]]

    public internal(set) var statistics = EngineStatistics()
    public internal(set) var ruleStatistics: [RuleStatistics]
    /// For an engine made by a reload: what carried over from the previous one.
    public internal(set) var carryOver: ReloadCarryOver?
    /// Latest event time processed (or ticked to).
    public internal(set) var watermark: Int64 = .min
    /// Time of the latest event processed (ticks do not move it).
    var lastEventTime: Int64 = .min
    /// Time of the last event `ingest` skipped as late, for a replay to say where it skips.
    public private(set) var lastLateTime: Int64 = .min
    /// Whether `unreadKinds` is kept (`dry-run`'s summary reads it; the live service does not pay for it).
    public var countsUnreadKinds = false
    private var unreadKindNames: [[UInt8]] = []
    private var unreadKindCounts: [Int] = []
    /// Index in `unreadKindNames` by the hash of the name's bytes.
    private var unreadKindIndex: [UInt64: Int] = [:]
    /// The newest event time seen (held back or evaluated; nil before the first): an event more than
    /// `allowed_lateness` behind it, or behind what was evaluated, is late.
    public var newestTime: Int64? {
        let newest = max(watermark, reorder.maxTime)
        return newest == .min ? nil : newest
    }

    let decoder: EventDecoder
    let ops: UnsafeMutablePointer<Op>
    /// Field values of the event being evaluated; points at `noEvent` during ticks.
    var slots: UnsafeMutablePointer<Value> {
        didSet { slotsEpoch &+= 1 }
    }
    /// Moves on whenever `slots` is set (a new event, a tick, back to the event): `predicateMemos` older than it
    /// were computed from other values.
    var slotsEpoch = 1
    /// By node, for ops that are `memoized`: the predicate's value at `slotsEpoch`.
    let predicateMemos: UnsafeMutablePointer<PredicateMemo>
    /// By slot: the `GroupTable.labelHash` of its value at an epoch of `slots` (see `labelHash(slot:)`).
    let labelHashes: UnsafeMutablePointer<LabelHash>
    let eventSlots: UnsafeMutablePointer<Value>
    let noEvent: UnsafeMutablePointer<Value>
    let pool = ConstantPool()
    let lists: UnsafeMutableBufferPointer<ListMatcher>
    let regexes: [BoundedRegex]
    /// Window state by window node; plain structs in an owned buffer, mutated in place. Windows of numeric
    /// samples live in `frames` instead and leave their store empty.
    let stores: UnsafeMutableBufferPointer<WindowStore>
    /// Numeric-sample windows, a frame per partition and span (see `FrameLayout`).
    let frameLayout: FrameLayout
    let frames: UnsafeMutableBufferPointer<FrameStore>
    /// One event's value per column of a frame, while it is recorded.
    let rowScratch: UnsafeMutablePointer<Double>
    let groups: UnsafeMutableBufferPointer<GroupTable>
    var alerts: [[AlertSlot]]
    /// By rule: how many of its groups have a pending or firing alert (ticks re-check only rules with some).
    var activeAlertCounts: [Int]
    /// Alert labels by rule and group, built on first use: every match and action of a group needs the same ones.
    var labelCache: [[[(String, String)]?]]
    /// Event kinds the graph reads (owned by `pool`); `tables.kindPartitions` has each one's partitions.
    let kinds: UnsafeMutableBufferPointer<ByteString>
    let ruleActionsOnMatch: [[Int]]
    let ruleActionsOnTransition: [[String]]
    let tables: RuntimeTables
    /// Slot of `ts` when a rule reads it (else −1): it reads as the event's time in epoch seconds, a number, however
    /// the line wrote it (an RFC 3339 string, or a number).
    let timeSlot: Int
    /// Constant values by index, owned by `pool`.
    let constants: UnsafeMutableBufferPointer<Value>

    var reorder = ReorderBuffer()
    /// Tells the events this engine held back (`HeldEvent`) from those held over a reload, decoded for another graph.
    var heldGeneration = 0
    var tickIntervals: [Int64] = []
    var nextTicks: [Int64] = []
    /// Rule indices evaluated on each tick interval (event-triggered rules have none; they ride the
    /// evaluation interval for re-checks).
    private var tickRules: [Int64: [Int]] = [:]
    /// After this long without events (longest window span, or longest `for` + `keep_firing_for`) no alert changes;
    /// after this long with events, an alert whose condition holds has fired again even from empty windows.
    public let settleHorizon: Int64
    /// By rule index: whether `onMatch` reports its matches.
    var observedRules: [Bool]
    /// The line of the event being evaluated (empty during ticks); valid only while it is processed.
    var currentLine = UnsafeRawBufferPointer(start: nil, count: 0)
    /// Group and time of the evaluation in progress, for window reads.
    var currentGroup = 0
    var currentTime: Int64 = 0
    /// Window readouts by node, valid while `readoutEpoch` is unchanged: rules of a partition evaluated at one
    /// event read the same windows (`count(10m)` in three rules, `quantile(0.5, …)` twice in one), once.
    let readouts: UnsafeMutablePointer<Readout>
    /// Moves on whenever windows, group or time may differ from the previous readouts.
    var readoutEpoch = 1
    /// Identities of the counter and histogram series seen lately.
    var seriesIdentities = SeriesIdentityCache()

    struct Readout {
        var epoch: Int
        var value: Double?
    }

    struct LabelHash {
        var epoch: Int
        var hash: UInt64
    }

    /// - Parameter eventFields: paths whose values `onEvent` receives; decoding them with the rules' fields spares
    ///   a second pass over every line.
    public init(graph: ConditionGraph, eventFields: [[String]] = []) {
        self.graph = graph
        self.eventFields = eventFields
        decoder = EventDecoder(paths: graph.fields + eventFields)
        let slotCount = max(1, decoder.slotCount)
        eventSlots = .allocate(capacity: slotCount)
        eventSlots.initialize(repeating: .missing, count: slotCount)
        noEvent = .allocate(capacity: slotCount)
        noEvent.initialize(repeating: .missing, count: slotCount)
        slots = eventSlots
        labelHashes = .allocate(capacity: slotCount)
        labelHashes.initialize(repeating: LabelHash(epoch: 0, hash: 0), count: slotCount)
        ops = .allocate(capacity: max(1, graph.nodes.count))
        readouts = .allocate(capacity: max(1, graph.nodes.count))
        readouts.initialize(repeating: Readout(epoch: 0, value: nil), count: max(1, graph.nodes.count))
        predicateMemos = .allocate(capacity: max(1, graph.nodes.count))
        predicateMemos.initialize(repeating: PredicateMemo(epoch: 0, holds: false), count: max(1, graph.nodes.count))
        let pool = self.pool
        let memoized = PredicateMemo.sharedEventPredicates(in: graph)
        for (i, node) in graph.nodes.enumerated() {
            var op = Op.make(node, in: graph.nodes, constant: { pool.add($0) })
            op.memoized = memoized[i]
            (ops + i).initialize(to: op)
        }
        lists = .allocate(capacity: graph.lists.count)
        _ = lists.initialize(from: graph.lists.map { ListMatcher($0, pool: pool) })
        regexes = graph.regexes.map(BoundedRegex.init)
        stores = .allocate(capacity: graph.windows.count)
        _ = stores.initialize(from: graph.windows.map { WindowStore(node: $0, maxSamples: graph.policy.maxWindowSamples) })
        frameLayout = FrameLayout(graph: graph)
        frames = .allocate(capacity: frameLayout.frames.count)
        _ = frames.initialize(from: frameLayout.frames.map { FrameStore($0, graph: graph) })
        rowScratch = .allocate(capacity: max(1, frameLayout.frames.map(\.windows.count).max() ?? 0))
        groups = .allocate(capacity: graph.partitions.count)
        _ = groups.initialize(from: graph.partitions.map { _ in GroupTable() })
        alerts = graph.rules.map { _ in [] }
        activeAlertCounts = graph.rules.map { _ in 0 }
        labelCache = graph.rules.map { _ in [] }
        ruleStatistics = graph.rules.map { _ in RuleStatistics() }
        observedRules = graph.rules.map { _ in false }
        let kindNames = graph.kinds
        kinds = pool.buffer(kindNames.map { pool.bytes($0) })
        ruleActionsOnMatch = graph.rules.map { rule in rule.actions.filter { graph.actions[$0].type.runsOnMatch } }
        ruleActionsOnTransition = graph.rules.map { rule in
            rule.actions.filter { !graph.actions[$0].type.runsOnMatch }.map { graph.actions[$0].name }
        }
        tables = RuntimeTables(graph: graph, layout: frameLayout, matchActions: ruleActionsOnMatch, kinds: kindNames)
        timeSlot = graph.fields.firstIndex(of: ["ts"]) ?? -1
        constants = .allocate(capacity: pool.values.count)
        _ = constants.initialize(from: pool.values)
        var intervals: Set<Int64> = [graph.policy.evaluationIntervalMilliseconds]
        for (i, rule) in graph.rules.enumerated() {
            if let every = rule.everyMilliseconds {
                intervals.insert(every)
                tickRules[every, default: []].append(i)
            }
        }
        tickIntervals = intervals.sorted()
        settleHorizon = max(
            graph.partitions.map(\.retentionMilliseconds).max() ?? 0,
            graph.rules.map { $0.forMilliseconds + $0.keepFiringForMilliseconds }.max() ?? 0)
    }

    deinit {
        ops.deallocate()
        readouts.deallocate()
        predicateMemos.deallocate()
        labelHashes.deallocate()
        eventSlots.deallocate()
        noEvent.deallocate()
        tables.deallocate()
        constants.deallocate()
        // Buffers are allocated to their exact counts (possibly zero), so whole-buffer operations are safe.
        _ = lists.deinitialize()
        lists.deallocate()
        _ = stores.deinitialize()
        stores.deallocate()
        _ = frames.deinitialize()
        frames.deallocate()
        rowScratch.deallocate()
        _ = groups.deinitialize()
        groups.deallocate()
    }

    // MARK: Input

    /// Takes one JSON event line. Throws (and changes nothing) when the line is malformed, late or not. With
    /// `allowed_lateness`, lines are decoded and held back, and evaluated in time order once the lateness has
    /// passed.
    public func ingest(_ line: UnsafeRawBufferPointer) throws(EventDecodeError) {
        let lateness = graph.policy.allowedLatenessMilliseconds
        // Without lateness, read and evaluated at once; unless events are still held (a reload lowered the
        // lateness to 0): then they go first, in time order, as with any lateness.
        if lateness == 0, reorder.firstTime == nil {
            let header = try decoder.decode(line, into: eventSlots)
            let kind = try kindIndex(header, line: line)
            if header.timestamp < watermark {
                statistics.lateEvents += 1
                lastLateTime = header.timestamp
                return
            }
            currentLine = line
            process(header, kind: kind)
            currentLine = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        let time = try decoder.header(of: line).timestamp
        // Late: behind what was already evaluated, or more than the lateness behind the newest event seen. A late
        // line is read whole all the same, so that one malformed is reported as such, with or without lateness.
        if time < watermark || (reorder.maxTime != .min && time < reorder.maxTime - lateness) {
            _ = try kindIndex(try decoder.decode(line, into: eventSlots), line: line)
            statistics.lateEvents += 1
            lastLateTime = time
            return
        }
        // Decoded whole on arrival: a line found malformed only on release would already have moved the newest
        // time seen, and events after it within the lateness would have been dropped as late.
        let count = decoder.slotCount
        try reorder.insert(time: time, capacity: HeldEvent.capacity(values: count, line: line.count)) {
            (block) throws(EventDecodeError) -> Int in
            try HeldEvent.write(
                line, into: block, generation: heldGeneration, values: eventSlots, count: count, decoder: decoder
            ) { (copy) throws(EventDecodeError) -> (EventHeader, Int?) in
                let header = try decoder.decode(copy, into: eventSlots)
                return (header, try kindIndex(header, line: copy))
            }
        }
        while let first = reorder.firstTime, first <= reorder.maxTime - lateness { releaseFirst() }
        // Memory is bounded whatever the rate: past the cap the oldest go first, as if the lateness were shorter.
        while reorder.heldBytes > maxHeldBytes, reorder.firstTime != nil {
            releaseFirst()
            statistics.releasedEarly += 1
        }
    }

    /// The most bytes of held-back events (lines and their decoded values) kept for re-ordering: `allowed_lateness`
    /// of a stream holds its rate times the lateness (5 s of 30 000 events/s with 2 KB prompts is ~600 MB).
    public static let defaultMaxHeldBytes = 256 << 20
    var maxHeldBytes = Engine.defaultMaxHeldBytes

    private func releaseFirst() {
        reorder.removeFirst { time, block in
            let held = HeldEvent(block)
            do throws(EventDecodeError) {
                var header: EventHeader
                var kind = held.kind
                if held.generation == heldGeneration {
                    header = held.restore(into: eventSlots)
                } else {
                    // Held over a reload, it follows the previous graph's slots: decoded again for this one.
                    header = try decoder.decode(held.line, into: eventSlots)
                    kind = try kindIndex(header, line: held.line)
                }
                header.timestamp = time
                currentLine = held.line
                process(header, kind: kind)
                currentLine = UnsafeRawBufferPointer(start: nil, count: 0)
            } catch {
                onMalformed(error.located(in: held.line))
            }
        }
    }

    /// Reports the matches of these rules (by name) through `onMatch`; replaces the previous set.
    public func observeMatches(of rules: Set<String>) {
        observedRules = graph.rules.map { rules.contains($0.name) }
    }

    /// Processes everything up to and including `time`: held-back events and ticks. Used by rule tests
    /// ("alerts at 5m") and at the end of a replay.
    public func advance(to time: Int64) {
        while let first = reorder.firstTime, first <= time { releaseFirst() }
        runTicks(through: time)
        if time > watermark { watermark = time }
    }

    /// Evaluates every held-back event and runs the ticks due at the last event time, as `advance(to:)` would;
    /// events can follow. A warm start ends with it, so the events it read are all evaluated before live ones.
    public func drain() {
        while reorder.firstTime != nil { releaseFirst() }
        if lastEventTime != .min { runTicks(through: lastEventTime) }
    }

    /// Zeroes the counters (`statistics`, `ruleStatistics`) and keeps everything else: after a warm start, so the
    /// service's metrics count only what it evaluates itself.
    public func resetStatistics() {
        statistics = EngineStatistics()
        ruleStatistics = graph.rules.map { _ in RuleStatistics() }
        unreadKindNames = []
        unreadKindCounts = []
        unreadKindIndex = [:]
    }

    /// Flushes held-back events, runs the ticks due at the last event time (as `advance(to:)` would) and closes
    /// the run's statistics there.
    public func finish() {
        drain()
        for r in graph.rules.indices {
            for g in alerts[r].indices where alerts[r][g].state == .firing {
                ruleStatistics[r].firingMilliseconds += max(0, watermark - alerts[r][g].firingSince)
                alerts[r][g].firingSince = watermark
            }
        }
    }

    // MARK: Events

    /// The event's kind among those the graph reads (nil: no rule reads it), once the fields the graph reads fit
    /// the types the traffic schema gives them on that kind.
    private func kindIndex(_ header: EventHeader, line: UnsafeRawBufferPointer) throws(EventDecodeError) -> Int? {
        var k = 0
        while k < kinds.count, !kinds[k].equals(header.kind) { k += 1 }
        guard k < kinds.count else { return nil }
        for i in tables.kindTypedSlots[k] {
            let typed = tables.typedSlots[i]
            let value = eventSlots[Int(typed.slot)]
            if !FieldTypeCheck.fits(value, typed.type) {
                throw FieldTypeCheck.error(
                    path: graph.fields[Int(typed.slot)], typed: typed, value: value, kind: header.kind.string, line: line)
            }
        }
        for i in tables.kindLimitedSlots[k] {
            let typed = tables.typedSlots[i]
            let value = eventSlots[Int(typed.slot)]
            if !FieldTypeCheck.isAllowed(value, typed) {
                throw FieldTypeCheck.error(
                    path: graph.fields[Int(typed.slot)], typed: typed, value: value, kind: header.kind.string, line: line)
            }
        }
        return k
    }

    private func process(_ header: EventHeader, kind: Int?) {
        let time = header.timestamp
        runTicks(through: time - 1)
        onSettled?(time - 1)
        slots = eventSlots
        if timeSlot >= 0 { eventSlots[timeSlot] = .number(Double(time) / 1000) }
        watermark = time
        lastEventTime = time
        statistics.events += 1
        onEvent?(currentLine, time, currentEventFields)
        guard let kind else { return countUnread(header.kind) }
        for p in tables.slice(tables.kindPartitions[kind]) { processPartition(Int(p), time: time) }
    }

    /// Counts an evaluated event of a kind no rule reads (the live service's own `heartbeat` aside), and with
    /// `countsUnreadKinds` by kind: the first `maxUnreadKinds` kinds of names up to `maxUnreadKindBytes` (later
    /// ones only in `statistics.unreadEvents`), found by a hash of the name.
    private func countUnread(_ kind: ByteString) {
        if kind.count == Self.heartbeat.count, kind.buffer.elementsEqual(Self.heartbeat) { return }
        statistics.unreadEvents += 1
        guard countsUnreadKinds, kind.count <= Self.maxUnreadKindBytes else { return }
        let hash = ByteHashing.hash(kind.buffer)
        if let i = unreadKindIndex[hash] {
            if kind.buffer.elementsEqual(unreadKindNames[i]) { unreadKindCounts[i] += 1 }
        } else if unreadKindNames.count < Self.maxUnreadKinds {
            unreadKindIndex[hash] = unreadKindNames.count
            unreadKindNames.append(Array(kind.buffer))
            unreadKindCounts.append(1)
        }
    }

    static let maxUnreadKinds = 64
    static let maxUnreadKindBytes = 128
    private static let heartbeat = Array(EventKind.heartbeat.utf8)

    /// Evaluated events of kinds no rule reads, by kind, in the order first seen (see `countUnread`): a kind
    /// written otherwise than the rules' `on:` (`Completion`) is read by nothing, without any error.
    public var unreadKinds: [(kind: String, events: Int)] {
        zip(unreadKindNames, unreadKindCounts).map { (String(decoding: $0, as: UTF8.self), $1) }
    }

    private func processPartition(_ p: Int, time: Int64) {
        let partition = tables.partitions[p]
        if partition.filter >= 0, !holds(partition.filter) { return }
        let group: Int
        let groupSlots = tables.slice(partition.groupSlots)
        let hash = GroupTable.keyHash(groupSlots) { labelHash(slot: $0) }
        switch groups[p].lookup(slots, groupSlots, hash: hash, limit: graph.policy.maxGroupsPerRule) {
        case .existing(let g): group = g
        case .created(let g):
            group = g
            prepareGroup(g, partition: p)
        case .full:
            for r in graph.partitions[p].rules { ruleStatistics[r].groupOverflow += 1 }
            return
        }
        groups[p].lastSeen[group] = time
        for f in tables.slice(partition.frames) { record(frame: Int(f), group: group, time: time) }
        for w in tables.slice(partition.windows) { record(window: Int(w), group: group, time: time) }
        readoutEpoch &+= 1
        for r in tables.slice(partition.eventRules) { evaluate(rule: Int(r), group: group, time: time, atEvent: true) }
    }

    /// The group-key hash of slot `s`'s value, computed once per event: partitions grouping by `model`, by `model`
    /// and `attrs.user`, and by `attrs.user` share it.
    private func labelHash(slot s: Int32) -> UInt64 {
        let memo = labelHashes + Int(s)
        if memo.pointee.epoch != slotsEpoch {
            memo.pointee = LabelHash(epoch: slotsEpoch, hash: GroupTable.labelHash(slots[Int(s)]))
        }
        return memo.pointee.hash
    }

    /// The current event's values at `eventFields`.
    var currentEventFields: UnsafeBufferPointer<Value> {
        UnsafeBufferPointer(start: eventSlots + graph.fields.count, count: eventFields.count)
    }

    private func prepareGroup(_ g: Int, partition p: Int) {
        let capacity = groups[p].capacity
        let partition = graph.partitions[p]
        for w in tables.slice(tables.partitions[p].windows) {
            stores[Int(w)].ensureCapacity(capacity)
            stores[Int(w)].reset(g)
        }
        for f in tables.slice(tables.partitions[p].frames) {
            frames[Int(f)].ensureCapacity(capacity)
            frames[Int(f)].reset(g)
        }
        for r in partition.rules {
            while alerts[r].count < capacity { alerts[r].append(AlertSlot()) }
            alerts[r][g] = AlertSlot()
            while labelCache[r].count < capacity { labelCache[r].append(nil) }
            labelCache[r][g] = nil
        }
    }

    // MARK: Ticks

    private func runTicks(through time: Int64) {
        if nextTicks.isEmpty {
            guard watermark != .min || time != .min else { return }
            let start = watermark == .min ? time + 1 : watermark
            nextTicks = tickIntervals.map { interval in Self.ceilMultiple(start, interval) }
        }
        while true {
            guard let earliest = nextTicks.min(), earliest <= time else { return }
            if skipIdleGap(to: time, from: earliest) { continue }
            onSettled?(earliest - 1)
            for (i, interval) in tickIntervals.enumerated() where nextTicks[i] == earliest {
                tick(interval: interval, at: earliest)
                nextTicks[i] += interval
            }
            if earliest > watermark { watermark = earliest }
        }
    }

    /// After a long silence every alert has settled; jumping over the empty ticks changes no outcome.
    private func skipIdleGap(to time: Int64, from earliest: Int64) -> Bool {
        let interval = tickIntervals.last!
        guard (time - earliest) / interval > 10_000 else { return false }
        let settled = lastEventTime + 2 * settleHorizon + 4 * interval
        guard earliest > settled else { return false }
        let target = time - 2 * interval
        let resumeAt = tickIntervals.map { Self.ceilMultiple(target, $0) }
        countSkippedTicks(from: nextTicks, to: resumeAt)
        nextTicks = resumeAt
        return true
    }

    /// The ticks a gap jumps over would each have evaluated every tick rule for each of its groups, all alike
    /// (everything has settled): the first of them is run, and the rest are counted as it went, so the rules'
    /// evaluations and matches come out as if each had run.
    private func countSkippedTicks(from: [Int64], to: [Int64]) {
        slots = noEvent
        defer { slots = eventSlots }
        for i in tickIntervals.indices.sorted(by: { from[$0] < from[$1] }) where to[i] > from[i] {
            let interval = tickIntervals[i]
            let skipped = (to[i] - from[i]) / interval
            for r in tickRules[interval] ?? [] {
                let p = Int(tables.rules[r].partition)
                for g in 0..<groups[p].capacity where groups[p].live[g] {
                    advanceWindows(partition: p, group: g, to: from[i])
                    let matchesBefore = ruleStatistics[r].matches
                    evaluate(rule: r, group: g, time: from[i], atEvent: false)
                    ruleStatistics[r].evaluations += Int(skipped - 1)
                    if ruleStatistics[r].matches > matchesBefore { ruleStatistics[r].matches += Int(skipped - 1) }
                }
            }
        }
    }

    static func ceilMultiple(_ t: Int64, _ m: Int64) -> Int64 {
        let q = t / m
        let floor = (t % m != 0 && t < 0) ? (q - 1) * m : q * m
        return floor == t ? t : floor + m
    }

    private func tick(interval: Int64, at time: Int64) {
        slots = noEvent
        defer { slots = eventSlots }
        for r in tickRules[interval] ?? [] {
            let p = Int(tables.rules[r].partition)
            for g in 0..<groups[p].capacity where groups[p].live[g] {
                advanceWindows(partition: p, group: g, to: time)
                evaluate(rule: r, group: g, time: time, atEvent: false)
            }
        }
        guard interval == graph.policy.evaluationIntervalMilliseconds else { return }
        // Event-triggered alerts are re-checked, with no current event, once their group has been quiet for a
        // whole interval: windows keep moving without events, and a per-event condition no longer holds.
        for (r, rule) in graph.rules.enumerated() where rule.everyMilliseconds == nil && activeAlertCounts[r] > 0 {
            let p = rule.partition
            for g in alerts[r].indices
            where alerts[r][g].state.isActive && groups[p].live[g] && time - groups[p].lastSeen[g] >= interval {
                advanceWindows(partition: p, group: g, to: time)
                evaluate(rule: r, group: g, time: time, atEvent: false)
            }
        }
        evictIdleGroups(at: time)
    }

    private func advanceWindows(partition p: Int, group g: Int, to time: Int64) {
        for f in tables.slice(tables.partitions[p].frames) { frames[Int(f)].advance(g, to: time) }
        for w in tables.slice(tables.partitions[p].windows) { stores[Int(w)].advance(g, to: time) }
    }

    private func evictIdleGroups(at time: Int64) {
        for (p, partition) in graph.partitions.enumerated() {
            let idleAfter = tables.partitions[p].idleLimit
            for g in 0..<groups[p].capacity where groups[p].live[g] && time - groups[p].lastSeen[g] > idleAfter {
                if partition.rules.contains(where: { alerts[$0][g].state.isActive }) { continue }
                groups[p].remove(g)
                for w in tables.slice(tables.partitions[p].windows) { stores[Int(w)].reset(g) }
                for f in tables.slice(tables.partitions[p].frames) { frames[Int(f)].reset(g) }
                statistics.groupsEvicted += 1
            }
        }
    }

    public var windowSampleOverflow: Int { stores.reduce(0) { $0 + $1.overflow } + frames.reduce(0) { $0 + $1.overflow } }
}

