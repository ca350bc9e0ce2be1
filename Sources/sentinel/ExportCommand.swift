import ArgumentParser
import Foundation
import SentinelAct
import SentinelCore
import SentinelEvaluate
import SentinelStore

/// `sentinel export …`: data out of the findings store.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Export data from the findings store.", subcommands: [ExportDPOCommand.self])
}

struct ExportDPOCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dpo",
        abstract: "Write the store's DPO pairs as a TRL preference dataset: train.jsonl [test.jsonl] and README.md.",
        discussion: """
            Pairs a reviewer rejected, and pairs whose rejected answer a reviewer marked safe, are left out. Times \
            are RFC 3339 or epoch milliseconds (event time). Prints the counts; exit 2 when the store cannot be read.
            """)

    @Option(help: "The findings store (SQLite file).")
    var store = "sentinel.db"

    @Option(name: .shortAndLong, help: "Folder to write the dataset to (created when missing).")
    var output: String

    @Option(help: "standard (strings) or conversational (message lists).")
    var format = "standard"

    @Option(help: "Only pairs at or after this time.")
    var since: String?

    @Option(help: "Only pairs before this time.")
    var until: String?

    @Option(help: "Only pairs of this model.")
    var model: String?

    @Flag(name: .customLong("reviewed-only"), help: "Only pairs a reviewer accepted, or whose answer a reviewer marked unsafe.")
    var reviewedOnly = false

    @Option(name: .customLong("test-split"), help: "Fraction of pairs (by prompt) for test.jsonl, 0 to 1.")
    var testSplit = 0.0

    @Option(help: "Seed of the train/test assignment.")
    var seed: UInt64 = 42

    func validate() throws {
        guard TRLDataset.Format(rawValue: format) != nil else { throw ValidationError("--format must be standard or conversational") }
        guard (0...1).contains(testSplit) else { throw ValidationError("--test-split must be between 0 and 1") }
        for (name, value) in [("--since", since), ("--until", until)] {
            if let value, Self.time(value) == nil { throw ValidationError("\(name) '\(value)' is not an RFC 3339 time or epoch milliseconds") }
        }
    }

    static func time(_ text: String) -> Int64? { Int64(text) ?? Timestamp.parseRFC3339(text) }

    func run() throws {
        guard FileManager.default.fileExists(atPath: store) else {
            Output.error.line("error: \(store): no such findings store")
            Output.error.flush()
            throw ExitStatus.usage
        }
        // Opening a store creates its tables: an empty or foreign file would silently become one.
        let header = FileHandle(forReadingAtPath: store).flatMap { try? $0.read(upToCount: 16) }
        guard header == Data("SQLite format 3\u{0}".utf8) else {
            Output.error.line("error: \(store): not a findings store (an SQLite database); nothing written")
            Output.error.flush()
            throw ExitStatus.usage
        }
        let stored: [StoredPair]
        do {
            let opened = try SQLiteFindingsStore(path: store)
            defer { try? opened.close() }
            stored = try opened.pairs(
                PairQuery(since: since.flatMap(Self.time), until: until.flatMap(Self.time), model: model, reviewedOnly: reviewedOnly))
        } catch {
            Output.error.line("error: \(error)")
            Output.error.flush()
            throw ExitStatus.usage
        }
        // Pairs a store kept from before capture checked them (a blank side, chosen equal to rejected).
        let pairs = stored.filter { DPOCapture.isUsable($0.pair) }
        let format = TRLDataset.Format(rawValue: format)!
        let test = pairs.filter { TRLDataset.isTest($0.pair, fraction: testSplit, seed: seed) }
        let train = pairs.filter { !TRLDataset.isTest($0.pair, fraction: testSplit, seed: seed) }
        // A dataset with an empty train split does not load (`datasets` finds no rows to read), so none is written.
        guard !train.isEmpty else {
            Output.error.line(
                pairs.isEmpty
                    ? "error: no pairs to export from \(store) with these filters; nothing written"
                    : "error: the test split takes all \(pairs.count) pairs, leaving train empty; lower --test-split (nothing written)")
            Output.error.flush()
            throw ExitStatus.findings
        }
        var filters: [String] = []
        if let since { filters.append("since \(since)") }
        if let until { filters.append("until \(until)") }
        if let model { filters.append("model \(model)") }
        if reviewedOnly { filters.append("reviewed only") }
        if testSplit > 0 { filters.append("test split \(testSplit) (seed \(seed))") }
        do {
            let folder = URL(fileURLWithPath: output)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Self.write(train, format, to: folder.appendingPathComponent("train.jsonl"))
            let testFile = folder.appendingPathComponent("test.jsonl")
            if test.isEmpty { try? FileManager.default.removeItem(at: testFile) } else { try Self.write(test, format, to: testFile) }
            try TRLDataset.card(train: train, test: test, format: format, filters: filters)
                .write(to: folder.appendingPathComponent("README.md"), atomically: true, encoding: .utf8)
        } catch {
            Output.error.line("error: cannot write \(output): \(error.localizedDescription)")
            Output.error.flush()
            throw ExitStatus.usage
        }
        let unusable = stored.count - pairs.count
        Output.standard.line(
            "\(train.count) train and \(test.count) test pairs (\(format.rawValue)) written to \(output)"
                + (unusable > 0 ? "; \(unusable) left out (a blank side, or chosen equal to rejected)" : ""))
        Output.standard.flush()
    }

    private static func write(_ pairs: [StoredPair], _ format: TRLDataset.Format, to url: URL) throws {
        let text = pairs.map { TRLDataset.row($0, format: format) + "\n" }.joined()
        try Data(text.utf8).write(to: url, options: .atomic)
    }
}
