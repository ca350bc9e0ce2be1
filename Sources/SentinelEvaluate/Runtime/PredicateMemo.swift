import SentinelCompile

/// The truth value of a predicate that reads no window, kept for the slots it was computed from.
///
/// Hash-consing makes `unsafe_answer` one node, but at one event a `where` filter, a column of each window span
/// and a rule condition each ask it again (`prompt icontains jailbreak_markers` up to four times per completion).
/// Such a predicate gives one answer for the whole event (or tick), so the predicates asked from more than one
/// place are computed once: an entry is valid while its `epoch` is the engine's `slotsEpoch`.
struct PredicateMemo {
    var epoch: Int
    var holds: Bool

    /// By node: whether it is a predicate that reads no window and is asked from more than one place (an
    /// operand of several nodes, a window source, a `where` filter, a rule's condition or evidence).
    static func sharedEventPredicates(in graph: ConditionGraph) -> [Bool] {
        var uses = Array(repeating: 0, count: graph.nodes.count)
        for node in graph.nodes { for operand in node.operands { uses[operand] += 1 } }
        var readsWindow: [Int: Bool] = [:]
        func reads(_ i: Int) -> Bool {
            if let known = readsWindow[i] { return known }
            let result: Bool
            if case .window = graph.nodes[i] { result = true } else { result = graph.nodes[i].operands.contains(where: reads) }
            readsWindow[i] = result
            return result
        }
        for window in graph.windows {
            switch window.source {
            case .events: break
            case .samples(let x), .condition(let x), .values(let x, nil), .counter(let x), .categories(let x, _): uses[x] += 1
            case .values(let x, let condition?):
                uses[x] += 1
                uses[condition] += 1
            case .histogram(let le, let value):
                uses[le] += 1
                uses[value] += 1
            }
        }
        for partition in graph.partitions { if let filter = partition.filter { uses[filter] += 1 } }
        for rule in graph.rules {
            uses[rule.condition] += 1
            if let evidence = rule.evidence { uses[evidence] += 1 }
        }
        return graph.nodes.indices.map { i in isPredicate(graph.nodes[i]) && uses[i] > 1 && !reads(i) }
    }

    /// Nodes `Engine.holds` computes as booleans (the others it reads as values).
    private static func isPredicate(_ node: Node) -> Bool {
        switch node {
        case .not, .and, .or, .compare, .inList, .inArray, .stringTest, .stringTestAny, .matches, .exists: true
        case .constant, .field, .negate, .arithmetic, .call, .window: false
        }
    }
}
