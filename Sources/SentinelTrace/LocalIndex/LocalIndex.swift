import Foundation
import SentinelCore

/// A corpus index on disk (built by ``IndexBuilder``), memory-mapped: opening it reads the manifest and the offset
/// tables (8 bytes a document), and a query touches a few pages of the text and suffix array per word of the output.
///
/// ```swift
/// let index = try LocalIndex(path: "corpus.index")
/// let result = try await index.trace(answer, options: TraceOptions(minSpanLength: 6))
/// ```
public struct LocalIndex: TraceBackend {
    /// The index folder.
    public let path: String
    public let manifest: IndexManifest
    let corpus: SuffixArray
    private let documentOffsets: OffsetTable
    private let metadataOffsets: OffsetTable
    // Kept for their mappings: `corpus` reads the first two, `metadata(of:)` the last.
    private let textFile: MappedFile
    private let suffixArrayFile: MappedFile
    private let metadataFile: MappedFile

    /// Opens the index in `path`, checking its manifest, the sizes of its files and that the offset tables go up
    /// (a document found by binary search among offsets out of order would be another one). What the other files
    /// hold is checked as it is read: a damaged index fails the trace that meets the damage with `.damaged`.
    public init(path: String) throws(IndexError) {
        self.path = path
        manifest = try Self.readManifest(path)
        for file in IndexFile.allCases {
            try Self.check(file, in: path, manifest: manifest)
        }
        func map(_ file: IndexFile) throws(IndexError) -> MappedFile {
            do {
                return try MappedFile(reading: path + "/" + file.rawValue, randomAccess: true)
            } catch {
                throw .damaged(path: path, reason: "\(file.rawValue): \(error.reason)")
            }
        }
        textFile = try map(.text)
        suffixArrayFile = try map(.suffixArray)
        metadataFile = try map(.metadata)
        corpus = SuffixArray(path: path, text: textFile.bytes, suffixes: suffixArrayFile.bytes)
        documentOffsets = OffsetTable(
            path: path, file: .documentOffsets, limit: textFile.bytes.count, mapping: try map(.documentOffsets))
        metadataOffsets = OffsetTable(
            path: path, file: .metadataOffsets, limit: metadataFile.bytes.count, mapping: try map(.metadataOffsets))
        guard try documentOffsets.start(manifest.documents) == manifest.textBytes,
            try metadataOffsets.start(manifest.documents) == metadataFile.bytes.count
        else {
            throw .damaged(path: path, reason: "the document offsets do not end where the text ends")
        }
        try documentOffsets.checkIncreasing(entries: manifest.documents)
        try metadataOffsets.checkIncreasing(entries: manifest.documents)
    }

    public func trace(_ text: String, options: TraceOptions) async throws -> TraceResult {
        let started = ContinuousClock.now
        if let problem = options.problem { throw TraceError.invalidOptions(problem) }
        let output = OutputText(text)
        let deadline = options.timeLimit.map { started + $0 }
        guard let (candidates, ranks) = try maximalSpans(output, options: options, stop: { deadline.map { .now >= $0 } ?? false })
        else {
            throw TraceError.timeLimit(index: path, after: options.timeLimit!)
        }
        let spans = try candidates.rarest(options.spanBudget(words: output.words.count), in: output).map {
            index throws(IndexError) in
            let candidate = candidates[index]
            let range = output.bytes(from: candidate.word, to: candidate.stop)
            let seed = DocumentSample.seed(options.seed, span: output.text(range))
            return output.traceSpan(
                candidate,
                documents: try documents(
                    ranks[index], count: candidate.count, length: range.count, seed: seed, options: options))
        }
        return TraceResult(
            backend: "local", index: path, spans: spans, candidates: candidates.count,
            outputWords: output.words.count, latencyMilliseconds: (ContinuousClock.now - started).milliseconds)
    }

    /// The documents of a sample of a span's `count` whole-word occurrences (among its suffix-array `ranks`,
    /// `length` bytes each), one entry per document, by document index. Offsets that contradict each other (an
    /// index damaged after its sizes were checked) throw instead of reading outside the files.
    private func documents(
        _ ranks: Range<Int>, count: Int, length: Int, seed: UInt64, options: TraceOptions
    ) throws(IndexError) -> [TraceDocument] {
        let chosen = DocumentSample.ranks(count: count, limit: options.maxDocumentsPerSpan, seed: seed)
        guard !chosen.isEmpty else { return [] }
        var positions: [Int] = []
        try corpus.forEachWholeWordOccurrence(in: ranks, length: length) { number, position in
            if number == chosen[positions.count] { positions.append(position) }
            return positions.count < chosen.count
        }
        var documents: [Int: TraceDocument] = [:]
        for position in positions {
            let document = try document(containing: position)
            guard documents[document] == nil else { continue }
            let text = try documentOffsets.entry(document)
            guard text.lowerBound <= position, position + length <= text.upperBound else {
                throw .damaged(
                    path: path,
                    reason: "\(IndexFile.documentOffsets.rawValue) puts document \(document) at bytes \(text), "
                        + "which do not hold the occurrence at byte \(position)")
            }
            // Offsets out of order still bracket the occurrence, but not between the separators of one document.
            guard isOneDocument(text) else {
                throw .damaged(
                    path: path,
                    reason: "\(IndexFile.documentOffsets.rawValue) puts document \(document) at bytes \(text), "
                        + "which are not one document of the text")
            }
            let context = TraceExcerpt(
                document: corpus.text[text], match: position..<position + length,
                characters: max(options.contextLength, options.snippetLength))
            documents[document] = TraceDocument(
                index: document, metadata: try metadata(of: document),
                context: context.trimmed(to: options.contextLength), snippet: context.trimmed(to: options.snippetLength)
            )
        }
        return documents.keys.sorted().map { documents[$0]! }
    }

    /// Whether the bytes `range` of the text are one whole document: a separator just before (or the start) and
    /// just after, none inside.
    private func isOneDocument(_ range: Range<Int>) -> Bool {
        let text = corpus.text
        guard range.upperBound < text.count, text[range.upperBound] == IndexBuilder.separator,
            range.lowerBound == 0 || text[range.lowerBound - 1] == IndexBuilder.separator
        else { return false }
        return range.isEmpty || memchr(text.baseAddress! + range.lowerBound, Int32(IndexBuilder.separator), range.count) == nil
    }

    /// The document whose text contains `position`: the last one starting at or before it.
    private func document(containing position: Int) throws(IndexError) -> Int {
        var low = 0
        var high = manifest.documents
        while high - low > 1 {
            let middle = (low + high) / 2
            if try documentOffsets.start(middle) <= position { low = middle } else { high = middle }
        }
        return low
    }

    private func metadata(of document: Int) throws(IndexError) -> String {
        let line = try metadataOffsets.entry(document)
        return String(decoding: metadataFile.bytes[line], as: UTF8.self)
    }
}

extension LocalIndex {
    private static func readManifest(_ path: String) throws(IndexError) -> IndexManifest {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { throw .notFound(path: path) }
        guard isFolder.boolValue else { throw .notAnIndex(path: path, reason: "it is a file, not a folder") }
        guard let data = FileManager.default.contents(atPath: path + "/" + IndexManifest.fileName) else {
            throw .notAnIndex(path: path, reason: "no \(IndexManifest.fileName); an interrupted build leaves none")
        }
        struct Header: Decodable {
            let format: String
            let version: Int
        }
        guard let header = try? JSONDecoder().decode(Header.self, from: data) else {
            throw .notAnIndex(path: path, reason: "\(IndexManifest.fileName) has no format and version")
        }
        guard header.format == IndexManifest.formatName else {
            throw .notAnIndex(path: path, reason: "\(IndexManifest.fileName) names format '\(header.format)'")
        }
        guard header.version == IndexManifest.currentVersion else {
            throw .otherVersion(path: path, found: header.version)
        }
        let manifest: IndexManifest
        do {
            manifest = try JSONDecoder().decode(IndexManifest.self, from: data)
        } catch {
            throw .damaged(path: path, reason: "\(IndexManifest.fileName) is incomplete: \(error)")
        }
        // Every document has at least its separator byte; the bound keeps the file sizes they imply within Int.
        guard manifest.documents > 0, manifest.documents <= manifest.textBytes, manifest.textBytes < Int.max / 8 else {
            throw .damaged(
                path: path,
                reason: "\(IndexManifest.fileName) lists \(manifest.documents) documents in \(manifest.textBytes) bytes "
                    + "of text")
        }
        return manifest
    }

    /// The file exists with the size the manifest lists, and that size is the one the counts imply.
    private static func check(_ file: IndexFile, in path: String, manifest: IndexManifest) throws(IndexError) {
        let name = file.rawValue
        guard let listed = manifest.files[name] else {
            throw .damaged(path: path, reason: "\(IndexManifest.fileName) does not list \(name)")
        }
        if let expected = file.expectedSize(documents: manifest.documents, textBytes: manifest.textBytes),
            expected != listed
        {
            throw .damaged(
                path: path, reason: "\(IndexManifest.fileName) lists \(name) as \(listed) bytes, not \(expected)")
        }
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path + "/" + name),
            let size = (attributes[.size] as? NSNumber)?.intValue
        else {
            throw .damaged(path: path, reason: "\(name) is missing")
        }
        guard size == listed else { throw .damaged(path: path, reason: "\(name) has \(size) bytes, not \(listed)") }
    }
}
