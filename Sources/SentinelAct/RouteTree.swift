public import SentinelCompile
import Foundation
import SentinelParse

/// Finds where an alert goes through the route tree (Alertmanager semantics: a route matches when all its
/// matchers do; children are tried in order and the first match wins unless it has `continue: true`; a route with
/// no matching child delivers to its own receiver). Unset `receiver`, `group_by` and timers are inherited from the
/// parent; the root's defaults are Alertmanager's: one group of all its alerts (`group_by: []`), 30s, 5m, 4h.
public struct RouteTree: Sendable {
    /// A route an alert reached, with its effective settings.
    public struct Match: Sendable, Equatable {
        public var receiver: String
        /// Position in the tree ("0" is the root, "0.1" its second child): part of the aggregation group's key.
        public var path: String
        /// Labels the route groups by; nil means every label (`group_by: ['...']`).
        public var groupBy: [String]?
        public var groupWaitMilliseconds: Int64
        public var groupIntervalMilliseconds: Int64
        public var repeatIntervalMilliseconds: Int64
    }

    private let root: CompiledRoute?

    public init(policy: CompiledPolicy) {
        root = policy.route
    }

    /// The routes an alert reaches, in tree order. `labels` are the alert's labels; `alertname` and `rule` are
    /// added as the rule's name.
    public func matches(rule: String, labels: [(String, String)]) -> [Match] {
        guard let root else { return [] }
        var all = Dictionary(labels, uniquingKeysWith: { a, _ in a })
        all["alertname"] = rule
        all["rule"] = rule
        let inherited = Match(
            receiver: root.receiver ?? "", path: "0", groupBy: [], groupWaitMilliseconds: 30_000,
            groupIntervalMilliseconds: 300_000, repeatIntervalMilliseconds: 14_400_000)
        var result: [Match] = []
        walk(root, path: "0", inherited: inherited, labels: all, into: &result)
        return result
    }

    /// Receiver names an alert reaches, in route order, without duplicates.
    public func receivers(rule: String, labels: [(String, String)]) -> [String] {
        var seen: Set<String> = []
        return matches(rule: rule, labels: labels).map(\.receiver).filter { !$0.isEmpty && seen.insert($0).inserted }
    }

    @discardableResult
    private func walk(_ route: CompiledRoute, path: String, inherited: Match, labels: [String: String], into result: inout [Match]) -> Bool {
        guard route.matchers.allSatisfy({ Self.matches($0, labels) }) else { return false }
        var settings = inherited
        settings.path = path
        if let receiver = route.receiver { settings.receiver = receiver }
        if let groupBy = route.groupBy { settings.groupBy = groupBy == ["..."] ? nil : groupBy }
        if let v = route.groupWaitMilliseconds { settings.groupWaitMilliseconds = v }
        if let v = route.groupIntervalMilliseconds { settings.groupIntervalMilliseconds = v }
        if let v = route.repeatIntervalMilliseconds { settings.repeatIntervalMilliseconds = v }
        var matchedChild = false
        for (i, child) in route.routes.enumerated() {
            if walk(child, path: "\(path).\(i)", inherited: settings, labels: labels, into: &result) {
                matchedChild = true
                if !child.continue { break }
            }
        }
        if !matchedChild { result.append(settings) }
        return true
    }

    /// Whether a label matcher holds for an alert's labels; a missing label reads as "".
    public static func matches(_ matcher: LabelMatcher, _ labels: [String: String]) -> Bool {
        matcher.matches(labels[matcher.name] ?? "")
    }
}
