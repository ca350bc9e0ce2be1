import SentinelCompile

/// What the event loop needs of a rule, as plain values: reading it copies nothing reference-counted.
struct RuleRuntime {
    var condition: Int32
    /// Node of the reported value, or -1.
    var value: Int32
    var partition: Int32
    var forMilliseconds: Int64
    var keepFiringForMilliseconds: Int64
    /// Tick interval of `every:` rules, 0 for event-triggered rules.
    var every: Int64
    var hasMatchActions: Bool
}

/// What the event loop needs of a partition; ranges index `RuntimeTables.indices`.
struct PartitionRuntime {
    /// Node of the `where` filter, or -1.
    var filter: Int32
    var groupSlots: Range<Int>
    /// Windows kept in a `WindowStore` (the others are columns of `frames`).
    var windows: Range<Int>
    var frames: Range<Int>
    var eventRules: Range<Int>
    /// How long a group may be idle before it is evicted: the longest window span plus the longest interval
    /// at which its rules are evaluated without events, so an absence is always seen before the group goes.
    var idleLimit: Int64
}

/// Flat, immutable tables built once per engine, owned by it.
struct RuntimeTables {
    let rules: UnsafeMutableBufferPointer<RuleRuntime>
    let partitions: UnsafeMutableBufferPointer<PartitionRuntime>
    let indices: UnsafeMutableBufferPointer<Int32>
    /// By window index: its frame and column.
    let places: UnsafeMutableBufferPointer<FrameLayout.Place>
    /// Every frame's column sources, frame after frame (`FrameLayout.Frame.columns` index it).
    let columnSources: UnsafeMutableBufferPointer<FrameLayout.ColumnSource>
    /// By event kind (in the order of `kinds` given to `init`): its partitions, a range of `indices`.
    let kindPartitions: UnsafeMutableBufferPointer<Range<Int>>
    /// By event kind: the fields the schema types, a range of `typedSlots`.
    let kindTypedSlots: UnsafeMutableBufferPointer<Range<Int>>
    /// By event kind: the end of its `kindTypedSlots` range whose fields also have limited strings.
    let kindLimitedSlots: UnsafeMutableBufferPointer<Range<Int>>
    let typedSlots: UnsafeMutableBufferPointer<TypedSlot>

    init(graph: ConditionGraph, layout: FrameLayout, matchActions: [[Int]], kinds: [String]) {
        var flat: [Int32] = []
        func append(_ items: [Int]) -> Range<Int> {
            let start = flat.count
            flat += items.map(Int32.init)
            return start..<flat.count
        }
        let partitionValues = graph.partitions.indices.map { i in
            let p = graph.partitions[i]
            let interval = p.rules.map { graph.rules[$0].everyMilliseconds ?? 0 }.max() ?? 0
            return PartitionRuntime(
                filter: Int32(p.filter ?? -1), groupSlots: append(p.groupBy),
                windows: append(p.windows.filter { layout.places[$0].frame < 0 }),
                frames: append(layout.frames.indices.filter { layout.frames[$0].partition == i }),
                eventRules: append(p.rules.filter { graph.rules[$0].everyMilliseconds == nil }),
                idleLimit: p.retentionMilliseconds + max(interval, graph.policy.evaluationIntervalMilliseconds))
        }
        let kindValues = kinds.map { kind in append(graph.partitions.indices.filter { graph.partitions[$0].kinds.contains(kind) }) }
        var typed: [TypedSlot] = []
        let typedRanges = kinds.map { kind in
            let start = typed.count
            typed += FieldTypeCheck.typedSlots(paths: graph.fields, kind: kind)
            return start..<typed.count
        }
        let limitedRanges = typedRanges.map { range in
            (range.firstIndex { typed[$0].isLimited } ?? range.upperBound)..<range.upperBound
        }
        let ruleValues = graph.rules.enumerated().map { i, r in
            RuleRuntime(
                condition: Int32(r.condition), value: Int32(r.value ?? -1), partition: Int32(r.partition),
                forMilliseconds: r.forMilliseconds, keepFiringForMilliseconds: r.keepFiringForMilliseconds,
                every: r.everyMilliseconds ?? 0, hasMatchActions: !matchActions[i].isEmpty)
        }
        rules = Self.copy(ruleValues)
        partitions = Self.copy(partitionValues)
        indices = Self.copy(flat)
        places = Self.copy(layout.places)
        columnSources = Self.copy(layout.columnSources)
        kindPartitions = Self.copy(kindValues)
        kindTypedSlots = Self.copy(typedRanges)
        kindLimitedSlots = Self.copy(limitedRanges)
        typedSlots = Self.copy(typed)
    }

    /// `values` in a buffer of exactly their count, which `deallocate()` frees.
    private static func copy<T>(_ values: [T]) -> UnsafeMutableBufferPointer<T> {
        let buffer = UnsafeMutableBufferPointer<T>.allocate(capacity: values.count)
        _ = buffer.initialize(from: values)
        return buffer
    }

    func deallocate() {
        rules.deallocate()
        partitions.deallocate()
        indices.deallocate()
        places.deallocate()
        columnSources.deallocate()
        kindPartitions.deallocate()
        kindTypedSlots.deallocate()
        kindLimitedSlots.deallocate()
        typedSlots.deallocate()
    }

    @inline(__always) func slice(_ range: Range<Int>) -> UnsafeBufferPointer<Int32> {
        UnsafeBufferPointer(rebasing: indices[range])
    }
}
