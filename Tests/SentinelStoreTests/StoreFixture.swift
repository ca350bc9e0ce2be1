import Foundation
import SentinelAct
import SentinelStore

/// A store on a new file in its own temporary folder; the folder is removed when the fixture goes away.
final class StoreFixture {
    let directory: URL
    let path: String
    private(set) var store: SQLiteFindingsStore

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("sentinel-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        path = directory.appendingPathComponent("findings.sqlite").path
        store = try SQLiteFindingsStore(path: path)
    }

    /// Closes the file and opens it again, as a restart does.
    func reopen() throws {
        try store.close()
        store = try SQLiteFindingsStore(path: path)
    }

    /// Appends findings one batch each and returns them as stored (with their ids).
    @discardableResult
    func insert(_ findings: [Finding]) throws -> [Finding] {
        let ids = try store.append(StoreBatch(findings: findings))
        return zip(findings, ids).map { finding, id in
            var stored = finding
            stored.id = id
            return stored
        }
    }

    deinit {
        try? store.close()
        try? FileManager.default.removeItem(at: directory)
    }
}

/// Small builders for records, with defaults for whatever a test does not care about.
enum Make {
    static let eventLine = #"""
        {"ts":"2026-05-01T12:00:00.757Z","kind":"completion","id":"c-000001","model":"llama-3.1-8b","prompt":"How do I pick a lock?","response":"I can't help with that.","prompt_guard":{"safety":"controversial","categories":["Politically Sensitive Topics"]},"response_guard":{"safety":"safe","categories":[],"refusal":true},"reprompt_of":null,"attrs":{"user":"u-095"}}
        """#

    static func finding(
        time: Int64, rule: String = "UnsafeAnswerRate", model: String? = "qwen3-4b", flagged: Bool = false,
        fingerprint: String = "fp-1"
    ) -> Finding {
        Finding(
            time: time, rule: rule, fingerprint: fingerprint, severity: "critical",
            labels: ["model": model ?? "", "team": "safety"], eventID: "c-\(time)", model: model, prompt: "p",
            response: "r",
            flagged: flagged, raw: #"{"kind":"completion"}"#)
    }

    static func transition(
        time: Int64, rule: String = "UnsafeAnswerRate", fingerprint: String = "fp-1", state: String = "firing"
    ) -> StoredTransition {
        StoredTransition(
            time: time, rule: rule, fingerprint: fingerprint, state: state, previous: "pending", severity: "critical",
            labels: ["model": "qwen3-4b"], value: 0.25, annotations: ["summary": "a quarter unsafe"])
    }

    /// A notification of `alerts` (by default one firing alert, `fp-1`).
    static func notification(
        id: String, receiver: String = "oncall", groupKey: String = "{}:{model=\"qwen3-4b\"}", time: Int64 = 1_000,
        alerts: [NotifiedAlert]? = nil
    ) -> AlertNotification {
        let alerts = alerts ?? [alert("fp-1", time: time)]
        return AlertNotification(
            id: id, receiver: receiver, receiverType: "webhook", groupKey: groupKey, groupLabels: ["model": "qwen3-4b"],
            status: alerts.contains { $0.status == .firing } ? .firing : .resolved, alerts: alerts, time: time)
    }

    static func alert(_ fingerprint: String, status: NotifiedAlert.Status = .firing, time: Int64 = 1_000) -> NotifiedAlert {
        NotifiedAlert(
            fingerprint: fingerprint, rule: "UnsafeAnswerRate", status: status,
            labels: ["alertname": "UnsafeAnswerRate", "severity": "critical", "model": "qwen3-4b"],
            annotations: ["summary": "a quarter unsafe"], value: 0.25, startsAt: time,
            endsAt: status == .resolved ? time + 1 : nil)
    }

    static func silence(
        _ matchers: [SilenceMatcher], startsAt: Int64 = 0, endsAt: Int64 = 10_000, createdAt: Int64 = 0
    ) -> Silence {
        Silence(
            matchers: matchers, startsAt: startsAt, endsAt: endsAt, createdBy: "alice", comment: "maintenance",
            createdAt: createdAt, updatedAt: createdAt)
    }
}
