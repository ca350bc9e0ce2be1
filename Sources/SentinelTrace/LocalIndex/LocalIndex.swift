import Foundation
import SentinelCore

/// A corpus index on disk (built by ``IndexBuilder``), memory-mapped: opening it reads only the manifest, and a
/// query touches a few pages of the text and suffix array per word of the output.
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
    // Kept for their mappings: `corpus` reads the first two, documents and metadata the others.
    private let textFile: MappedFile
    private let suffixArrayFile: MappedFile
    private let documentOffsets: MappedFile
    private let metadataFile: MappedFile
    private let metadataOffsets: MappedFile

    /// Opens the index in `path`, checking its manifest and the sizes of its files.
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
        documentOffsets = try map(.documentOffsets)
        metadataFile = try map(.metadata)
        metadataOffsets = try map(.metadataOffsets)
        corpus = SuffixArray(text: textFile.bytes, suffixes: suffixArrayFile.bytes)
        guard Self.offset(documentOffsets.bytes, manifest.documents) == manifest.textBytes,
            Self.offset(metadataOffsets.bytes, manifest.documents) == metadataFile.bytes.count
        else {
            throw .damaged(path: path, reason: "the document offsets do not end where the text ends")
        }
    }

    public func trace(_ text: String, options: TraceOptions) async throws -> TraceResult {
        let started = ContinuousClock.now
        if let problem = options.problem { throw TraceError.invalidOptions(problem) }
        let output = OutputText(text)
        let (candidates, ranks) = maximalSpans(output, options: options)
        let spans = try candidates.rarest(options.spanBudget(words: output.words.count), in: output).map {
            index throws(IndexError) in
            let candidate = candidates[index]
            let range = output.bytes(from: candidate.word, to: candidate.stop)
            let seed = DocumentSample.seed(options.seed, span: output.text(range))
            return output.traceSpan(
                candidate, documents: try documents(ranks[index], length: range.count, seed: seed, options: options))
        }
        return TraceResult(
            backend: "local", index: path, spans: spans, candidates: candidates.count,
            outputWords: output.words.count, latencyMilliseconds: (ContinuousClock.now - started).milliseconds)
    }

    /// infini-gram's `attribute()` on bytes: from each word, the longest prefix of the rest of its sentence that
    /// occurs in the corpus, cut back to a stop; kept when long enough, rare enough and reaching further than
    /// the span kept before it. Each candidate comes with its suffix-array ranks.
    func maximalSpans(_ output: OutputText, options: TraceOptions) -> ([SpanCandidate], [Range<Int>]) {
        var candidates: [SpanCandidate] = []
        var ranks: [Range<Int>] = []
        var lastEnd = -1
        output.bytes.withUnsafeBufferPointer { bytes in
            for word in output.words.indices {
                let stops = output.stopsFromWord[word]
                let furthest = stops.upperBound - 1
                guard output.wordCount(from: word, to: furthest) >= options.minSpanLength,
                    output.stops[furthest].byte > lastEnd
                else { continue }
                let start = output.words[word].lowerBound
                let matched = corpus.longestMatch(
                    UnsafeBufferPointer(rebasing: bytes[start..<output.stops[furthest].byte]))
                guard let stop = stops.last(where: { output.stops[$0].byte - start <= matched }),
                    output.wordCount(from: word, to: stop) >= options.minSpanLength, output.stops[stop].byte > lastEnd
                else { continue }
                let found = corpus.ranks(of: UnsafeBufferPointer(rebasing: bytes[output.bytes(from: word, to: stop)]))
                guard found.count <= options.maxFrequency else { continue }
                candidates.append(SpanCandidate(word: word, stop: stop, count: found.count))
                ranks.append(found)
                lastEnd = output.stops[stop].byte
            }
        }
        return (candidates, ranks)
    }

    /// The documents of a sample of a span's occurrences (its suffix-array `ranks`, `length` bytes each), one
    /// entry per document, by document index. Offsets that contradict each other (an index damaged after its
    /// sizes were checked) throw instead of reading outside the files.
    private func documents(_ ranks: Range<Int>, length: Int, seed: UInt64, options: TraceOptions) throws(IndexError)
        -> [TraceDocument]
    {
        var documents: [Int: TraceDocument] = [:]
        for rank in DocumentSample.ranks(count: ranks.count, limit: options.maxDocumentsPerSpan, seed: seed) {
            let position = corpus.position(ofRank: ranks.lowerBound + rank)
            let document = document(containing: position)
            guard documents[document] == nil else { continue }
            let start = Self.offset(documentOffsets.bytes, document)
            let end = Self.offset(documentOffsets.bytes, document + 1) - 1
            guard 0 <= start, start <= position, position + length <= end, end < corpus.text.count else {
                throw .damaged(
                    path: path, reason: "document \(document) does not hold the occurrence at byte \(position)")
            }
            let context = TraceExcerpt(
                document: corpus.text[start..<end], match: position..<position + length,
                characters: max(options.contextLength, options.snippetLength))
            documents[document] = TraceDocument(
                index: document, metadata: try metadata(of: document),
                context: context.trimmed(to: options.contextLength), snippet: context.trimmed(to: options.snippetLength)
            )
        }
        return documents.keys.sorted().map { documents[$0]! }
    }

    /// The document whose text contains `position`: the last one starting at or before it.
    private func document(containing position: Int) -> Int {
        var low = 0
        var high = manifest.documents
        while high - low > 1 {
            let middle = (low + high) / 2
            if Self.offset(documentOffsets.bytes, middle) <= position { low = middle } else { high = middle }
        }
        return low
    }

    private func metadata(of document: Int) throws(IndexError) -> String {
        let start = Self.offset(metadataOffsets.bytes, document)
        let end = Self.offset(metadataOffsets.bytes, document + 1) - 1
        guard 0 <= start, start <= end, end < metadataFile.bytes.count else {
            throw .damaged(path: path, reason: "the metadata offsets of document \(document) are out of order")
        }
        return String(decoding: metadataFile.bytes[start..<end], as: UTF8.self)
    }

    private static func offset(_ offsets: UnsafeRawBufferPointer, _ index: Int) -> Int {
        Int(UInt64(littleEndian: offsets.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self)))
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
        do {
            return try JSONDecoder().decode(IndexManifest.self, from: data)
        } catch {
            throw .damaged(path: path, reason: "\(IndexManifest.fileName) is incomplete: \(error)")
        }
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
