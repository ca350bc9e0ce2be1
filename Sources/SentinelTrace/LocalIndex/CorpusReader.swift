import Foundation
import SentinelCore

/// A JSONL corpus read a buffer at a time, so a multi-gigabyte file never sits in memory whole: each line's
/// `text` and its other fields, as metadata.
final class CorpusReader {
    struct Document {
        let text: String
        /// The line's fields other than `text`, as a JSON object with sorted keys (`{}` when there are none).
        let metadata: String
    }

    let path: String
    /// The file's size in bytes.
    let size: Int
    /// The longest line read by default, as `dry-run` reads traffic: 64 MiB.
    static let maxLineLength = 64 << 20
    let maxLineLength: Int
    /// Whether the corpus is a regular file: past an over-long line, reading goes on only in one (a device such as
    /// `/dev/zero` may never end the line).
    private let isRegularFile: Bool
    /// The line last read, from 1.
    private(set) var line = 0
    /// Bytes consumed so far, up to the end of the last line read.
    private(set) var consumed = 0
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private var cursor = 0
    private var scanned = 0
    private var atEnd = false

    init(path: String, maxLineLength: Int = CorpusReader.maxLineLength) throws(IndexError) {
        self.path = path
        self.maxLineLength = maxLineLength
        descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw .corpusUnreadable(path: path, reason: String(cString: strerror(errno))) }
        var status = stat()
        fstat(descriptor, &status)
        guard status.st_mode & S_IFMT != S_IFDIR else {
            close(descriptor)
            throw .corpusUnreadable(path: path, reason: "it is a folder")
        }
        size = Int(status.st_size)
        isRegularFile = status.st_mode & S_IFMT == S_IFREG
    }

    deinit {
        close(descriptor)
    }

    /// The next document, nil at the end of the file. Blank lines are skipped. A line that is not a JSON object
    /// with a string `text` throws `.badLine`; reading goes on after it.
    func next() throws(IndexError) -> Document? {
        while let bytes = try nextLine() {
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            return try document(bytes)
        }
        return nil
    }

    private func document(_ bytes: ArraySlice<UInt8>) throws(IndexError) -> Document {
        var fields: [String: Any]
        do {
            fields = try JSONSyntaxProblem.object(Data(bytes))
        } catch {
            throw .badLine(path: path, line: line, reason: error.message)
        }
        guard let value = fields.removeValue(forKey: "text") else {
            let keys = fields.keys.sorted().prefix(8).joined(separator: ", ")
            throw .badLine(
                path: path, line: line, reason: "no \"text\" field" + (keys.isEmpty ? "" : " (it has \(keys))"))
        }
        guard let text = value as? String else {
            throw .badLine(path: path, line: line, reason: "\"text\" is not a string")
        }
        guard !fields.isEmpty,
            let metadata = try? JSONSerialization.data(
                withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes])
        else {
            return Document(text: text, metadata: "{}")
        }
        return Document(text: text, metadata: String(decoding: metadata, as: UTF8.self))
    }

    /// The next line without its line break, nil at the end of the file.
    private func nextLine() throws(IndexError) -> ArraySlice<UInt8>? {
        while true {
            if let newline = buffer[scanned...].firstIndex(of: 0x0A) {
                if LineLimit.isExceeded(length: newline - cursor, last: buffer[newline - 1], limit: maxLineLength) {
                    try skipLongLine()
                }
                return take(upTo: newline, skipping: 1)
            }
            scanned = buffer.count
            if buffer.count - cursor > maxLineLength { try skipLongLine() }
            if atEnd {
                return cursor < buffer.count ? take(upTo: buffer.count, skipping: 0) : nil
            }
            try fill()
        }
    }

    /// Drops the line at `cursor`, over `maxLineLength`, through its end, then reports it (`.badLine`, after which
    /// reading goes on), or stops reading where the corpus is not a regular file.
    private func skipLongLine() throws(IndexError) {
        line += 1
        let limit = "longer than the limit of \(ByteCount.text(maxLineLength))"
        while true {
            if let newline = buffer[scanned...].firstIndex(of: 0x0A) {
                consumed += newline + 1 - cursor
                cursor = newline + 1
                scanned = cursor
                throw .badLine(path: path, line: line, reason: limit)
            }
            consumed += buffer.count - cursor
            cursor = buffer.count
            scanned = cursor
            if atEnd { throw .badLine(path: path, line: line, reason: limit) }
            guard isRegularFile else {
                throw .corpusUnreadable(path: path, reason: "line \(line) is \(limit), and the corpus is not a regular file")
            }
            try fill()
        }
    }

    private func take(upTo end: Int, skipping: Int) -> ArraySlice<UInt8> {
        var bytes = buffer[cursor..<end]
        if bytes.last == 0x0D { bytes = bytes.dropLast() }
        consumed += end + skipping - cursor
        cursor = end + skipping
        scanned = cursor
        line += 1
        return bytes
    }

    /// Reads the next chunk, first dropping the lines already returned.
    private func fill() throws(IndexError) {
        buffer.removeSubrange(..<cursor)
        scanned -= cursor
        cursor = 0
        let chunk = 1 << 20
        let old = buffer.count
        // Grown by `append`, geometrically: reserving the exact size at every chunk copied a long line each time.
        buffer.append(contentsOf: repeatElement(0, count: chunk))
        let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + old, chunk) }
        guard count >= 0 else { throw .corpusUnreadable(path: path, reason: String(cString: strerror(errno))) }
        buffer.removeSubrange((old + count)...)
        if count == 0 { atEnd = true }
    }
}
