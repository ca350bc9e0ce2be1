import Foundation

/// Mutes notifications for the alerts its matchers select while it is active, as an Alertmanager silence does.
public struct Silence: Sendable, Codable, Equatable {
    /// A UUID in text form.
    public var id: String
    /// All must match. A silence without matchers matches every alert: validate API input before saving.
    public var matchers: [SilenceMatcher]
    /// Active from (inclusive, wall clock epoch ms).
    public var startsAt: Int64
    /// Active until (exclusive, wall clock epoch ms).
    public var endsAt: Int64
    public var createdBy: String
    public var comment: String
    public var createdAt: Int64
    public var updatedAt: Int64

    public init(
        id: String = UUID().uuidString.lowercased(), matchers: [SilenceMatcher], startsAt: Int64, endsAt: Int64,
        createdBy: String, comment: String, createdAt: Int64, updatedAt: Int64
    ) {
        self.id = id
        self.matchers = matchers
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.createdBy = createdBy
        self.comment = comment
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// Whether the silence mutes alerts at `time` (epoch ms): `startsAt <= time < endsAt`.
    public func isActive(at time: Int64) -> Bool {
        startsAt <= time && time < endsAt
    }

    /// Whether every matcher matches these alert labels (a missing label is "").
    public func matches(_ labels: [String: String]) -> Bool {
        matchers.allSatisfy { $0.matches(labels[$0.name] ?? "") }
    }
}
