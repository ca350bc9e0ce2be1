import SentinelCore
import SentinelParse

/// What a rule's `histogram_quantile` and `histogram_count` read: one histogram's `_bucket` series per group, or
/// the result means nothing (no `le` label on the series selected, or buckets of several histograms added together
/// by `le`).
extension GraphBuilder {
    /// The metric names a `where` lets through: some names, any name (no test on `name`), or a set no literal
    /// describes (a regex, a prefix).
    enum NameSelection {
        case names([String])
        case described(suffix: String?)
        case any
    }

    /// Warns (W0111) when `rule` reads a histogram function over series that are not one histogram's buckets.
    func checkHistogramSelection(_ rule: RuleSyntax, filter: Int?, groupSlots: [Int], roots: [Int]) {
        guard let function = roots.lazy.compactMap(histogramFunction).first else { return }
        if rule.every == nil {
            // Evaluated at each sample: the buckets of one scrape share a time, so the rule sees some of them new
            // and the rest from the scrape before (all observations under 1 s read a p90 of 8.2 s).
            warn(
                "\(function) is read here at each bucket sample, part way through a scrape whose other buckets are still "
                    + "the previous scrape's; evaluate it on ticks instead: every: 1m (or the scrape interval)",
                at: rule.name.range)
        }
        let nameSlot = fieldIndex[["name"]]
        let groupsByName = nameSlot.map(groupSlots.contains) ?? false
        let selection = filter.map { names(selectedBy: $0, nameSlot: nameSlot) } ?? .any
        let at = rule.filter?.range ?? rule.on[0].range
        switch selection {
        case .names(let names):
            if let plain = names.first(where: { !$0.hasSuffix("_bucket") }) {
                warn(
                    "\(function) reads a histogram's '_bucket' series (labels.le), and this rule's 'where' selects '\(plain)', which has none; its buckets are '\(plain)_bucket'",
                    at: at)
            } else if Set(names).count > 1, !groupsByName {
                warn(
                    "\(function) adds the buckets of every series in a group by 'le', and this rule's 'where' selects \(Set(names).count) histograms (\(names.map { "'\($0)'" }.joined(separator: ", "))); add 'name' to group_by or select one",
                    at: at)
            }
        case .described(let suffix):
            if let suffix, !suffix.hasSuffix("_bucket") {
                warn(
                    "\(function) reads '_bucket' series (labels.le), and this rule's 'where' selects names ending '\(suffix)'",
                    at: at)
            }
        case .any:
            if !groupsByName {
                warn(
                    "\(function) adds the buckets of every series in a group by 'le', and nothing selects one histogram: write where: name == \"<histogram>_bucket\" (or group_by name)",
                    at: at)
            }
        }
    }

    private func warn(_ message: String, at range: SourceRange) {
        diagnostics.append(Diagnostic(.histogramSelection, message, at: range))
    }

    /// The name of the first histogram function `root` reads, if any.
    private func histogramFunction(_ root: Int) -> String? {
        var seen = Set<Int>()
        var stack = [root]
        while let node = stack.popLast() {
            guard seen.insert(node).inserted else { continue }
            switch nodes[node] {
            case .window(_, .histogramQuantile): return "histogram_quantile"
            case .window(_, .histogramCount): return "histogram_count"
            default: stack += nodes[node].operands
            }
        }
        return nil
    }

    /// The metric names `node`, a `where` condition, lets through. Events of a kind without buckets
    /// (`kind == "completion"` in a rule over several kinds) bring no names.
    private func names(selectedBy node: Int, nameSlot: Int?) -> NameSelection {
        guard let nameSlot else { return .any }
        func isName(_ n: Int) -> Bool { nodes[n] == .field(slot: nameSlot) }
        func isKindWithoutBuckets(_ field: Int, _ value: Int) -> Bool {
            guard let kindSlot = fieldIndex[["kind"]], nodes[field] == .field(slot: kindSlot),
                case .constant(.string(let kind)) = nodes[value], case .unknown = FieldCatalog.lookup(["labels", "le"], kind: kind)
            else { return false }
            return true
        }
        switch nodes[node] {
        case .compare(.equal, let a, let b):
            if isName(a), case .constant(.string(let s)) = nodes[b] { return .names([s]) }
            if isName(b), case .constant(.string(let s)) = nodes[a] { return .names([s]) }
            if isKindWithoutBuckets(a, b) || isKindWithoutBuckets(b, a) { return .names([]) }
            return .any
        case .inList(let a, let list, negated: false) where isName(a):
            return .names(compiledLists[list].items.compactMap(\.string))
        case .inArray(let a, let b, negated: false) where isName(a):
            guard case .constant(.list(let items)) = nodes[b] else { return .described(suffix: nil) }
            return .names(items.compactMap(\.string))
        case .stringTest(.endswith, let a, let b) where isName(a):
            if case .constant(.string(let s)) = nodes[b] { return .described(suffix: s) }
            return .described(suffix: nil)
        case .stringTest(_, let a, _) where isName(a), .stringTestAny(_, let a, _) where isName(a),
            .matches(let a, _) where isName(a):
            return .described(suffix: nil)
        case .and(let a, let b):
            // Either side restricting the name is enough; names both sides list are what passes.
            switch (names(selectedBy: a, nameSlot: nameSlot), names(selectedBy: b, nameSlot: nameSlot)) {
            case (.any, let other), (let other, .any): return other
            case (.names(let x), .names(let y)): return .names(x.filter(y.contains))
            case (.names(let x), _), (_, .names(let x)): return .names(x)
            case (.described(let x), .described(let y)): return .described(suffix: x ?? y)
            }
        case .or(let a, let b):
            switch (names(selectedBy: a, nameSlot: nameSlot), names(selectedBy: b, nameSlot: nameSlot)) {
            case (.any, _), (_, .any): return .any
            case (.names(let x), .names(let y)): return .names(x + y.filter { !x.contains($0) })
            default: return .described(suffix: nil)
            }
        default:
            return .any
        }
    }
}
