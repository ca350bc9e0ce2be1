public import SentinelCompile
public import SentinelEvaluate

/// Which matches become findings: a match of a rule that notifies, whose alert the route tree sends to a receiver
/// of type `store`, and whose `evidence` holds (the engine checks that). Routes are looked up once per alert.
public final class FindingRouting {
    /// Rules whose matches may become findings; the engine reports only these.
    public let observedRules: Set<String>
    private let tree: RouteTree
    private let storeReceivers: Set<String>
    /// Routing by rule and labels (`[rule, name1, value1, ...]`): exact, and cheaper to build than a fingerprint,
    /// which matters because every match of an observed rule asks.
    private var cache: [[String]: Bool] = [:]

    public init(graph: ConditionGraph) {
        tree = RouteTree(policy: graph.policy)
        storeReceivers = Set(graph.policy.receivers.filter { $0.type == "store" }.map(\.name))
        observedRules =
            storeReceivers.isEmpty
            ? []
            : Set(graph.rules.filter { rule in rule.actions.contains { graph.actions[$0].type == .notify } }.map(\.name))
    }

    public func isFinding(_ match: RuleMatch) -> Bool {
        var key = [match.rule]
        key.reserveCapacity(1 + 2 * match.labels.count)
        for (name, value) in match.labels {
            key.append(name)
            key.append(value)
        }
        if let known = cache[key] { return known }
        let routed = tree.receivers(rule: match.rule, labels: match.labels).contains { storeReceivers.contains($0) }
        if cache.count > 100_000 { cache.removeAll(keepingCapacity: true) }
        cache[key] = routed
        return routed
    }

    private let idField = LineFields([["id"]])

    /// The event's `id`, when the line has a string one.
    public func eventID(in line: UnsafeRawBufferPointer) -> String? {
        idField.read(line)
        return idField.string(0)
    }
}
