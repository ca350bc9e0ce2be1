/// A review was given against a version of the finding that is no longer current: someone else reviewed it first.
/// Nothing was changed; show `current` to the reviewer and let them decide again.
public struct ReviewConflict: Error, CustomStringConvertible {
    /// The finding as it is stored now.
    public var current: Finding

    public init(current: Finding) {
        self.current = current
    }

    public var description: String {
        "finding \(current.id) was reviewed meanwhile (now at version \(current.version)); reload it and review again"
    }
}
