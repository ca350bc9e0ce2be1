import GRDB
import SentinelAct
import SentinelCore

extension SQLiteFindingsStore {
    /// Whether a finding linked to the pair (of its answer's event, found by its id) has its answer labelled
    /// `label` by a reviewer: the link, not the id alone, as another event may have used the id. One marked safe
    /// drops the pair of that answer (it was not an unsafe answer after all); one marked unsafe confirms it.
    private static func answerMarked(_ label: String) -> String {
        """
        EXISTS (SELECT 1 FROM findings f WHERE f.event_id = dpo_pairs.rejected_event_id AND f.dpo_pair_id = dpo_pairs.id
            AND f.output_label = '\(label)')
        """
    }
    private static let markedSafe = answerMarked("safe")
    private static let markedUnsafe = answerMarked("unsafe")

    public func pairs(_ query: PairQuery) throws -> [StoredPair] {
        var filter = SQLFilter()
        filter.add("time >= ?", query.since)
        filter.add("time < ?", query.until)
        filter.add("model = ?", query.model)
        filter.add("id < ?", query.cursor)
        if !query.includeDropped {
            filter.add("(verdict IS NULL OR verdict != 'rejected')")
            filter.add("NOT \(Self.markedSafe)")
        }
        if query.reviewedOnly { filter.add("(verdict = 'accepted' OR \(Self.markedUnsafe))") }
        let order = query.limit == nil ? "ORDER BY id" : "ORDER BY id DESC LIMIT \(max(query.limit!, 0))"
        return try read("read DPO pairs") { db in
            try db.rows("SELECT *, \(Self.markedUnsafe) AS answer_marked_unsafe FROM dpo_pairs \(filter.clause) \(order)", filter.arguments)
                .map { row in
                    var stored = try Self.storedPair(row)
                    stored.answerMarkedUnsafe = try row.decode(forColumn: "answer_marked_unsafe") as Int64 != 0
                    return stored
                }
        }
    }

    public func reviewPair(id: Int64, verdict: StoredPair.Verdict, reviewer: String, at time: Int64) throws -> StoredPair? {
        try write("review DPO pair \(id)") { db in
            try db.run(
                "UPDATE dpo_pairs SET verdict = ?, reviewer = ?, reviewed_at = ? WHERE id = ?",
                [verdict.rawValue, reviewer, time, id])
            return try db.row("SELECT * FROM dpo_pairs WHERE id = ?", [id]).map(Self.storedPair)
        }
    }

    public func pairPromptKeys() throws -> Set<String> {
        try read("read DPO pair prompts") { db in
            Set(try db.rows("SELECT prompt_key FROM dpo_pairs").map { try $0.text("prompt_key") })
        }
    }

    /// Inserts a pair unless its normalised prompt has one, and links the finding of its rejected answer.
    static func insert(_ pair: DPOPair, at createdAt: Int64, _ db: Database) throws {
        try db.run(
            """
            INSERT OR IGNORE INTO dpo_pairs (time, prompt, prompt_key, chosen, rejected, model, rule, categories,
                rejected_guard, chosen_guard, rejected_event_id, chosen_event_id, source, safety_instruction, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                pair.time, pair.prompt, pair.promptKey, pair.chosen, pair.rejected, pair.model, pair.rule,
                try JSONColumn.text(pair.categories), pair.rejectedGuard, pair.chosenGuard, pair.rejectedEventID,
                pair.chosenEventID, pair.source, pair.safetyInstruction, createdAt,
            ])
        guard db.changesCount > 0 else { return }
        // The findings of the latest event with that id (every rule's): an event that used the id before (a
        // restarted simulator, an application's reused ids) must not take the pair.
        try db.run(
            """
            UPDATE findings SET dpo_pair_id = ? WHERE event_id = ? AND dpo_pair_id IS NULL
                AND time = (SELECT max(time) FROM findings WHERE event_id = ?)
            """,
            [db.lastInsertedRowID, pair.rejectedEventID, pair.rejectedEventID])
    }

    private static func storedPair(_ row: Row) throws -> StoredPair {
        let verdict: String? = try row.text("verdict")
        var pair = DPOPair(
            time: try row.decode(forColumn: "time"), prompt: try row.text("prompt"),
            chosen: try row.text("chosen"), rejected: try row.text("rejected"),
            model: try row.text("model"), rule: try row.text("rule"),
            categories: try JSONColumn.decode(row, "categories"), rejectedGuard: try row.text("rejected_guard"),
            chosenGuard: try row.text("chosen_guard"), rejectedEventID: try row.text("rejected_event_id"),
            chosenEventID: try row.text("chosen_event_id"), source: try row.text("source"),
            safetyInstruction: try row.text("safety_instruction"))
        pair.promptKey = try row.text("prompt_key")
        return StoredPair(
            id: try row.decode(forColumn: "id"), pair: pair, verdict: verdict.flatMap(StoredPair.Verdict.init(rawValue:)),
            reviewer: try row.text("reviewer"), reviewedAt: try row.decode(forColumn: "reviewed_at"),
            createdAt: try row.decode(forColumn: "created_at"))
    }
}
