import CDivSufSort
import Foundation
import SentinelCore

/// Builds a local index folder from a JSONL corpus (`{"text": ..., other fields → metadata}` a line).
///
/// The corpus is streamed into the index's text and metadata files, then libdivsufsort sorts the suffixes of the
/// text, reading the text through a memory map and writing the suffix array into one: memory holds about the text
/// and the suffix array (9 bytes per text byte), and the kernel can page both out to their files.
///
/// ```swift
/// let summary = try IndexBuilder.build(corpus: "corpus.jsonl", output: "corpus.index")
/// print(summary)  // indexed 20000 documents, 95.4 MiB of text in ...
/// ```
public enum IndexBuilder {
    /// How far a build is, for a progress line.
    public enum Progress: Sendable {
        case reading(bytes: Int, of: Int, documents: Int)
        case sorting(bytes: Int)
    }

    /// What a build did.
    public struct Summary: Sendable, Hashable, CustomStringConvertible {
        public var documents: Int
        /// Lines skipped as not corpus documents (with `skipBadLines`).
        public var skippedLines: Int
        public var corpusBytes: Int
        public var textBytes: Int
        /// The index folder's size on disk.
        public var indexBytes: Int
        public var readSeconds: Double
        public var sortSeconds: Double

        public var seconds: Double { readSeconds + sortSeconds }

        public var description: String {
            let rate = seconds > 0 ? Double(corpusBytes) / seconds / 1_048_576 : 0
            var text = "indexed \(documents) documents, \(Self.mebibytes(textBytes)) of text, in "
            text += String(
                format: "%.1f s (%.1f MiB/s of corpus; reading %.1f s, sorting %.1f s)", seconds, rate, readSeconds,
                sortSeconds)
            text += "; index \(Self.mebibytes(indexBytes))"
            text += String(
                format: " (%.1f× the corpus)", corpusBytes > 0 ? Double(indexBytes) / Double(corpusBytes) : 0)
            if skippedLines > 0 { text += "; \(skippedLines) lines skipped" }
            return text
        }

        static func mebibytes(_ bytes: Int) -> String {
            String(format: "%.1f MiB", Double(bytes) / 1_048_576)
        }
    }

    /// Builds the index of `corpus` in the folder `output`, which must not exist or be empty.
    ///
    /// A corpus line that is not a JSON object with a string `text` stops the build with `.badLine`, unless
    /// `skipBadLines`, which hands it to `skipped` and goes on. Nothing is left behind by a failed build.
    @discardableResult
    public static func build(
        corpus: String, output: String, skipBadLines: Bool = false, skipped: (IndexError) -> Void = { _ in },
        progress: (Progress) -> Void = { _ in }
    ) throws(IndexError) -> Summary {
        let reader = try CorpusReader(path: corpus)
        let createdFolder = try prepare(output)
        do throws(IndexError) {
            var summary = try writeFiles(
                reader, output: output, skipBadLines: skipBadLines, skipped: skipped, progress: progress)
            let sorting = ContinuousClock.now
            progress(.sorting(bytes: summary.textBytes))
            try sortSuffixes(output, textBytes: summary.textBytes)
            summary.sortSeconds = (ContinuousClock.now - sorting).seconds
            summary.indexBytes = try writeManifest(output, corpus: corpus, summary: summary)
            return summary
        } catch {
            remove(output, folder: createdFolder)
            throw error
        }
    }

    /// Creates the output folder unless it exists empty; whether it was created.
    private static func prepare(_ output: String) throws(IndexError) -> Bool {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: output, isDirectory: &isFolder) {
            guard isFolder.boolValue, (try? FileManager.default.contentsOfDirectory(atPath: output))?.isEmpty == true
            else {
                throw .outputExists(path: output)
            }
            return false
        }
        do {
            try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        } catch {
            throw .writeFailed(path: output, reason: error.localizedDescription)
        }
        return true
    }

    /// Streams the corpus into text, offsets and metadata files.
    private static func writeFiles(
        _ reader: CorpusReader, output: String, skipBadLines: Bool, skipped: (IndexError) -> Void,
        progress: (Progress) -> Void
    ) throws(IndexError) -> Summary {
        let started = ContinuousClock.now
        let text = try FileWriter(creating: output + "/" + IndexFile.text.rawValue)
        let documentOffsets = try FileWriter(creating: output + "/" + IndexFile.documentOffsets.rawValue)
        let metadata = try FileWriter(creating: output + "/" + IndexFile.metadata.rawValue)
        let metadataOffsets = try FileWriter(creating: output + "/" + IndexFile.metadataOffsets.rawValue)
        var documents = 0
        var skippedLines = 0
        var reported = 0
        while true {
            let document: CorpusReader.Document?
            do throws(IndexError) {
                document = try reader.next()
            } catch {
                guard skipBadLines, case .badLine = error else { throw error }
                skipped(error)
                skippedLines += 1
                continue
            }
            guard let document else { break }
            try documentOffsets.append(text.size)
            try text.append(document.text.utf8)
            try text.append(CollectionOfOne(separator))
            try metadataOffsets.append(metadata.size)
            try metadata.append(document.metadata.utf8)
            try metadata.append(CollectionOfOne(UInt8(ascii: "\n")))
            documents += 1
            if reader.consumed - reported >= 4 << 20 {
                reported = reader.consumed
                progress(.reading(bytes: reported, of: reader.size, documents: documents))
            }
        }
        guard documents > 0 else { throw .emptyCorpus(path: reader.path) }
        try documentOffsets.append(text.size)
        try metadataOffsets.append(metadata.size)
        for file in [text, documentOffsets, metadata, metadataOffsets] { try file.close() }
        return Summary(
            documents: documents, skippedLines: skippedLines, corpusBytes: reader.consumed, textBytes: text.size,
            indexBytes: 0, readSeconds: (ContinuousClock.now - started).seconds, sortSeconds: 0)
    }

    /// Sorts the suffixes of the text file into the suffix-array file, both memory-mapped.
    private static func sortSuffixes(_ output: String, textBytes: Int) throws(IndexError) {
        let textPath = output + "/" + IndexFile.text.rawValue
        let suffixesPath = output + "/" + IndexFile.suffixArray.rawValue
        let text: MappedFile
        let suffixes: MappedFile
        do {
            text = try MappedFile(reading: textPath, randomAccess: false)
        } catch {
            throw .writeFailed(path: textPath, reason: error.reason)
        }
        do {
            suffixes = try MappedFile(creating: suffixesPath, size: textBytes * 8)
        } catch {
            throw .writeFailed(path: suffixesPath, reason: error.reason)
        }
        // divsufsort64 writes native Int64s; the file format is little-endian, which every host Swift runs on
        // but s390x is.
        let code = divsufsort64(
            text.bytes.baseAddress!.assumingMemoryBound(to: UInt8.self),
            suffixes.mutableBytes.baseAddress!.assumingMemoryBound(to: Int64.self), Int64(textBytes))
        guard code == 0 else { throw .sortFailed(path: output, code: code) }
        #if _endian(big)
            let entries = suffixes.mutableBytes.bindMemory(to: Int64.self)
            for rank in entries.indices { entries[rank] = entries[rank].littleEndian }
        #endif
    }

    /// Writes `index.json` and returns the index's size on disk.
    private static func writeManifest(_ output: String, corpus: String, summary: Summary) throws(IndexError) -> Int {
        var files: [String: Int] = [:]
        for file in IndexFile.allCases {
            let attributes = try? FileManager.default.attributesOfItem(atPath: output + "/" + file.rawValue)
            files[file.rawValue] = (attributes?[.size] as? NSNumber)?.intValue ?? 0
        }
        let manifest = IndexManifest(
            format: IndexManifest.formatName, version: IndexManifest.currentVersion, documents: summary.documents,
            textBytes: summary.textBytes, source: corpus, corpusBytes: summary.corpusBytes,
            builtAt: ISO8601DateFormatter().string(from: Date()),
            buildSeconds: (summary.seconds * 1000).rounded() / 1000, files: files)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let path = output + "/" + IndexManifest.fileName
        do {
            try encoder.encode(manifest).write(to: URL(fileURLWithPath: path))
        } catch {
            throw .writeFailed(path: path, reason: error.localizedDescription)
        }
        return manifest.totalBytes
    }

    /// Removes what a failed build wrote.
    private static func remove(_ output: String, folder: Bool) {
        for name in IndexFile.allCases.map(\.rawValue) + [IndexManifest.fileName] {
            try? FileManager.default.removeItem(atPath: output + "/" + name)
        }
        if folder { try? FileManager.default.removeItem(atPath: output) }
    }

    /// Ends every document in the text: 0xFF never occurs in UTF-8, so no match runs from one document into the
    /// next.
    static let separator: UInt8 = 0xFF
}
