public import SentinelAct

extension AlertNotification {
    /// Whether this notification makes `earlier`, an undelivered one of the same receiver and group, unnecessary:
    /// it carries every alert `earlier` carries (by fingerprint), each in its state as of now. The outbox then never
    /// sends `earlier` (`FindingsStore.dueOutbox`).
    ///
    /// Why: as in Alertmanager, each notification of a group carries the group's whole current state (every firing
    /// alert, and the alerts resolved since the last one), and receivers treat it as that state. Once this one is
    /// queued, `earlier` can only tell a receiver something this one tells it too, and older; delivering it first
    /// would hold the current state back behind the retries of a stale one. A notification that carries an alert
    /// this one lacks — a resolution (resolved alerts leave the group after one notification) or an alert silenced
    /// since — is not superseded: it is delivered, before this one.
    public func supersedes(_ earlier: AlertNotification) -> Bool {
        guard earlier.receiver == receiver, earlier.groupKey == groupKey else { return false }
        let carried = Set(alerts.map(\.fingerprint))
        return earlier.alerts.allSatisfy { carried.contains($0.fingerprint) }
    }
}
