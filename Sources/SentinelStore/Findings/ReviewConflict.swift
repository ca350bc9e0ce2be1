/// A review was given against a version of the finding that is not the current one: someone else reviewed it
/// first, or (`isUnissuedVersion`) the version is one the store never gives out (newer than the finding's, or under
/// 1). Nothing was changed; show `current` to the reviewer and let them decide again.
public struct ReviewConflict: Error, CustomStringConvertible {
    /// The finding as it is stored now.
    public var current: Finding
    /// The version the review was given against.
    public var expected: Int

    public init(current: Finding, expected: Int) {
        self.current = current
        self.expected = expected
    }

    /// The review names a version the finding has never had: a bad request, not another reviewer's review.
    public var isUnissuedVersion: Bool { expected > current.version || expected < 1 }

    public var description: String {
        isUnissuedVersion
            ? "finding \(current.id) has never been at version \(expected) (it is at version \(current.version)); give the version you reviewed"
            : "finding \(current.id) was reviewed meanwhile (now at version \(current.version)); reload it and review again"
    }
}
