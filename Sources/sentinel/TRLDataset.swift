import Foundation
import SentinelAct
import SentinelCore
import SentinelEvaluate
import SentinelStore

/// DPO pairs in TRL's preference format, as JSON Lines `datasets.load_dataset("json", …)` reads, and the dataset
/// card that describes them.
///
/// - standard: `{"prompt": str, "chosen": str, "rejected": str, "metadata": {…}}`
/// - conversational: `prompt` is `[{"role": "user", "content": …}]`, `chosen` and `rejected` are
///   `[{"role": "assistant", "content": …}]`.
///
/// `prompt` is the user's prompt only; the safety instruction a live re-prompt used is in `metadata`, so training
/// teaches the behaviour without the instruction. Every row has the same metadata keys (null when unknown), so the
/// columns have one type.
enum TRLDataset {
    enum Format: String, CaseIterable {
        case standard, conversational
    }

    static func row(_ stored: StoredPair, format: Format) -> String {
        let p = stored.pair
        var json = JSONText()
        switch format {
        case .standard:
            json.add("prompt", p.prompt)
            json.add("chosen", p.chosen)
            json.add("rejected", p.rejected)
        case .conversational:
            json.add("prompt", raw: messages("user", p.prompt))
            json.add("chosen", raw: messages("assistant", p.chosen))
            json.add("rejected", raw: messages("assistant", p.rejected))
        }
        var metadata = JSONText()
        metadata.add("pair_id", Int(stored.id))
        metadata.add("time", Timestamp.format(p.time))
        metadata.add("model", optional: p.model)
        metadata.add("rule", p.rule)
        metadata.add("categories", strings: p.categories)
        metadata.add("source", p.source)
        metadata.add("safety_instruction", optional: p.safetyInstruction)
        metadata.add("rejected_guard", optional: p.rejectedGuard)
        metadata.add("chosen_guard", optional: p.chosenGuard)
        metadata.add("rejected_event_id", p.rejectedEventID)
        metadata.add("chosen_event_id", optional: p.chosenEventID)
        metadata.add("reviewed", stored.isReviewed)
        json.add("metadata", raw: metadata.result)
        return json.result
    }

    private static func messages(_ role: String, _ content: String) -> String {
        var message = JSONText()
        message.add("role", role)
        message.add("content", content)
        return "[" + message.result + "]"
    }

    /// Whether a pair goes to the test split: a stable hash of its normalised prompt and the seed, so a pair stays
    /// in its split as the dataset grows.
    static func isTest(_ pair: DPOPair, fraction: Double, seed: UInt64) -> Bool {
        fraction > 0 && Double(StableHash.fnv1a("\(seed)|\(pair.promptKey)") % 1_000_000) < fraction * 1_000_000
    }

    /// The card's `dataset_info` features: every column typed, so `datasets` does not type a column from the first
    /// rows it reads (a `model` unknown, or `categories` empty, there and text later failed the whole load).
    static func features(_ format: Format) -> String {
        let text =
            switch format {
            case .standard: "    dtype: string"
            case .conversational: "    list:\n    - name: role\n      dtype: string\n    - name: content\n      dtype: string"
            }
        let metadata: [(String, String)] = [
            ("pair_id", "dtype: int64"), ("time", "dtype: timestamp[ms, tz=UTC]"), ("model", "dtype: string"),
            ("rule", "dtype: string"), ("categories", "sequence: string"), ("source", "dtype: string"),
            ("safety_instruction", "dtype: string"), ("rejected_guard", "dtype: string"), ("chosen_guard", "dtype: string"),
            ("rejected_event_id", "dtype: string"), ("chosen_event_id", "dtype: string"), ("reviewed", "dtype: bool"),
        ]
        return "dataset_info:\n  features:\n"
            + ["prompt", "chosen", "rejected"].map { "  - name: \($0)\n\(text)\n" }.joined()
            + "  - name: metadata\n    struct:\n" + metadata.map { "    - name: \($0.0)\n      \($0.1)\n" }.joined()
    }

    /// README.md: Hugging Face front matter naming the splits and typing the columns, then what the pairs are and
    /// counts.
    static func card(train: [StoredPair], test: [StoredPair], format: Format, filters: [String]) -> String {
        let all = train + test
        func counts(_ key: (StoredPair) -> [String]) -> String {
            var tally: [String: Int] = [:]
            for pair in all { for k in key(pair) { tally[k, default: 0] += 1 } }
            guard !tally.isEmpty else { return "| (none) | 0 |\n" }
            return tally.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { "| \($0.key) | \($0.value) |\n" }.joined()
        }
        let times = all.map(\.pair.time)
        let range = times.isEmpty ? "no pairs" : "\(Timestamp.format(times.min()!)) to \(Timestamp.format(times.max()!))"
        var files = "  - split: train\n    path: train.jsonl\n"
        if !test.isEmpty { files += "  - split: test\n    path: test.jsonl\n" }
        return """
            ---
            configs:
            - config_name: default
              data_files:
            \(files.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
            \(features(format))
            tags:
            - dpo
            - safety
            ---

            # Sentinel DPO pairs

            Preference pairs captured by Sentinel's `capture_dpo` action, in TRL's \(format.rawValue) format
            (`prompt`, `chosen`, `rejected`, plus a `metadata` column TRL ignores).

            - **rejected**: an answer the guard judged `unsafe` (and not a refusal) to an exchange a rule matched;
            - **chosen**: an answer to the same prompt the guard judged `safe` or a refusal — a re-prompt found in the
              stream (`source: stream`) or one Sentinel asked the frontier for with the policy's safety instruction
              (`source: reprompt`; the instruction is in `metadata.safety_instruction`, not in `prompt`);
            - one pair per prompt (case and whitespace folded); pairs a reviewer rejected, and pairs whose answer a
              reviewer marked safe, are left out.

            Load it with `datasets.load_dataset("<this folder>")`, which types the columns by `dataset_info` above (a
            column that is null or `[]` in the first rows and text later does not load when typed from the rows).

            | split | pairs |
            |---|---|
            | train | \(train.count) |
            | test | \(test.count) |

            Time range (event time): \(range). Filters: \(filters.isEmpty ? "none" : filters.joined(separator: ", ")).

            ## By model

            | model | pairs |
            |---|---|
            \(counts { [$0.pair.model ?? "(unknown)"] })
            ## By rule

            | rule | pairs |
            |---|---|
            \(counts { [$0.pair.rule] })
            ## By category (of the rejected answer)

            | category | pairs |
            |---|---|
            \(counts { $0.pair.categories.isEmpty ? ["(none)"] : $0.pair.categories })
            ## By source

            | source | pairs |
            |---|---|
            \(counts { [$0.pair.source] })
            """
    }
}
