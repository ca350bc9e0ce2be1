public import SentinelCompile
import Foundation
import SentinelParse

/// Finds the receivers an alert reaches through the route tree (Alertmanager semantics: a route matches when all
/// its matchers do; children are tried in order and the first match wins unless it has `continue: true`; a
/// route with no matching child delivers to its own receiver, inherited from its parent when unset).
public struct Router: Sendable {
    private let root: CompiledRoute?

    public init(policy: CompiledPolicy) {
        root = policy.route
    }

    /// Receiver names, in route order, without duplicates. `labels` include `alertname` implicitly as the rule.
    public func receivers(rule: String, labels: [(String, String)]) -> [String] {
        guard let root else { return [] }
        var all = Dictionary(labels, uniquingKeysWith: { a, _ in a })
        all["alertname"] = rule
        all["rule"] = rule
        var result: [String] = []
        walk(root, inherited: root.receiver, labels: all, into: &result)
        var seen: Set<String> = []
        return result.filter { seen.insert($0).inserted }
    }

    @discardableResult
    private func walk(_ route: CompiledRoute, inherited: String?, labels: [String: String], into result: inout [String]) -> Bool {
        guard route.matchers.allSatisfy({ Self.matches($0, labels) }) else { return false }
        let receiver = route.receiver ?? inherited
        var matchedChild = false
        for child in route.routes {
            if walk(child, inherited: receiver, labels: labels, into: &result) {
                matchedChild = true
                if !child.continue { break }
            }
        }
        if !matchedChild, let receiver { result.append(receiver) }
        return true
    }

    static func matches(_ matcher: LabelMatcher, _ labels: [String: String]) -> Bool {
        let value = labels[matcher.name] ?? ""
        switch matcher.operation {
        case .equal: return value == matcher.value
        case .notEqual: return value != matcher.value
        case .matchesRegex, .notMatchesRegex:
            // Anchored, as in Alertmanager.
            let matched = value.range(of: "^(?:\(matcher.value))$", options: .regularExpression) != nil
            return matched == (matcher.operation == .matchesRegex)
        }
    }
}
