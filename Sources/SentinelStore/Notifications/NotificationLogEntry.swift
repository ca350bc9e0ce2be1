/// What was last notified to one receiver about one aggregation group, as Alertmanager's notification log keeps it:
/// after a restart the dispatcher repeats nothing it already sent.
public struct NotificationLogEntry: Sendable, Codable, Equatable {
    public var receiver: String
    public var groupKey: String
    /// Event time of the last notification (epoch ms).
    public var lastSentAt: Int64
    /// Fingerprints of the alerts it reported firing.
    public var firingFingerprints: [String]
    /// Fingerprints of the alerts it reported resolved.
    public var resolvedFingerprints: [String]

    public init(
        receiver: String, groupKey: String, lastSentAt: Int64, firingFingerprints: [String],
        resolvedFingerprints: [String]
    ) {
        self.receiver = receiver
        self.groupKey = groupKey
        self.lastSentAt = lastSentAt
        self.firingFingerprints = firingFingerprints
        self.resolvedFingerprints = resolvedFingerprints
    }
}
