import Foundation
import SentinelTrace

/// A corpus written by a test: JSONL lines in a fresh temporary folder, and the index built from them.
struct CorpusFixture {
    let folder: String

    init() throws {
        folder = NSTemporaryDirectory() + "sentinel-trace-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    var corpusPath: String { folder + "/corpus.jsonl" }
    var indexPath: String { folder + "/index" }

    /// Writes `lines` as the corpus file, one a line, as given.
    func writeCorpus(_ lines: [String]) throws {
        try lines.joined(separator: "\n").write(toFile: corpusPath, atomically: true, encoding: .utf8)
    }

    /// Writes documents (`text` plus metadata fields) as the corpus and builds its index.
    @discardableResult
    func build(_ documents: [[String: any Sendable]]) throws -> LocalIndex {
        try writeCorpus(
            try documents.map { String(decoding: try JSONSerialization.data(withJSONObject: $0), as: UTF8.self) })
        try IndexBuilder.build(corpus: corpusPath, output: indexPath)
        return try LocalIndex(path: indexPath)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// The documents most tests trace against: two pangram-ish ones sharing a phrase, a filler repeating one
    /// phrase twelve times, and one with markup and non-ASCII text in both text and metadata.
    static let documents: [[String: any Sendable]] = [
        [
            "text": "The quick brown fox jumps over the lazy dog. It was a sunny day in the park.",
            "source": "pangrams", "id": 1,
        ],
        ["text": "On a sunny day in the park we met. The quick brown fox jumps high!", "source": "notes", "id": 2],
        ["text": Array(repeating: "and so on and so forth", count: 12).joined(separator: ", "), "source": "filler"],
        ["text": "Der Bär läuft über die Brücke. <script>alert('x')</script> & more", "source": "<b>unsafe</b>"],
    ]
}
