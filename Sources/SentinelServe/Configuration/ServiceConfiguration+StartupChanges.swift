extension ServiceConfiguration {
    /// What differs from `running` to this configuration among the settings the service takes only when it starts
    /// (`listen`, `store`, `tap`, `log`, `auth`, `limits`, `idle_advance`, one entry per collector:
    /// `collectors.scrape changed: interval; targets added b`, `collectors.replay removed`); empty when nothing
    /// does. A reload applies rules and policies, so it reports these and a restart applies them. Values are not
    /// named: a token's would end up in the log.
    public func startupChanges(from running: ServiceConfiguration) -> [String] {
        var changes: [String] = []
        if listen != running.listen { changes.append("listen") }
        if storePath != running.storePath { changes.append("store") }
        if tap != running.tap { changes.append("tap") }
        if log != running.log { changes.append("log") }
        if auth != running.auth { changes.append("auth") }
        if limits != running.limits { changes.append("limits") }
        if idleAdvanceMilliseconds != running.idleAdvanceMilliseconds { changes.append("idle_advance") }
        func compare<T: Equatable>(_ name: String, _ old: T?, _ new: T?, details: (T, T) -> [String] = { _, _ in [] }) {
            switch (old, new) {
            case (nil, nil): return
            case (nil, .some): changes.append("collectors.\(name) added")
            case (.some, nil): changes.append("collectors.\(name) removed")
            case (let old?, let new?) where old != new:
                let parts = details(old, new)
                changes.append("collectors.\(name) changed" + (parts.isEmpty ? "" : ": " + parts.joined(separator: "; ")))
            default: return
            }
        }
        compare("scrape", running.scrape, scrape, details: Self.scrapeChanges)
        compare("simulator", running.simulator, simulator)
        compare("replay", running.replay, replay)
        return changes
    }

    private static func scrapeChanges(_ old: ScrapeSettings, _ new: ScrapeSettings) -> [String] {
        var parts: [String] = []
        if old.intervalMilliseconds != new.intervalMilliseconds { parts.append("interval") }
        if old.timeoutMilliseconds != new.timeoutMilliseconds { parts.append("timeout") }
        if old.sampleLimit != new.sampleLimit { parts.append("sample_limit") }
        let before = Dictionary(old.targets.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let after = Dictionary(new.targets.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let added = new.targets.map(\.name).filter { before[$0] == nil }
        let removed = old.targets.map(\.name).filter { after[$0] == nil }
        let changed = new.targets.filter { target in before[target.name].map { $0 != target } ?? false }.map(\.name)
        if !added.isEmpty { parts.append("targets added \(added.joined(separator: ", "))") }
        if !removed.isEmpty { parts.append("targets removed \(removed.joined(separator: ", "))") }
        if !changed.isEmpty { parts.append("targets changed \(changed.joined(separator: ", "))") }
        return parts
    }
}
