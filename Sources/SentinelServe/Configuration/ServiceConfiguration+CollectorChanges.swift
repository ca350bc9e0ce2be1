extension ServiceConfiguration {
    /// What differs under `collectors:` from `running` to this configuration, one entry per collector
    /// (`collectors.scrape: targets added b; interval`, `collectors.replay removed`); empty when nothing does.
    /// Collectors start with the service, so a reload reports these and a restart applies them.
    public func collectorChanges(from running: ServiceConfiguration) -> [String] {
        var changes: [String] = []
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
