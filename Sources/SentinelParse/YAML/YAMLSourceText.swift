import SentinelCore

/// The UTF-8 bytes of one YAML file with the tables that turn libyaml marks and byte offsets into
/// `SourceLocation`s.
///
/// libyaml's `mark.index` and `mark.column` count characters (Unicode scalars), not bytes. Lines here break at
/// LF, CR LF and a lone CR (old Mac files), like `SourceCache`, so positions agree with the snippets the renderer
/// prints; NEL, LS and PS, which libyaml also counts as breaks, are left inside lines as editors show them. A
/// leading UTF-8 BOM is not counted as a column, and libyaml never sees it (`yamlStart`): forced to UTF-8, it
/// would read the BOM as indentation of the first line. Lookups remember the last line found, so the mostly
/// increasing positions of a parse cost O(1) each.
final class YAMLSourceText {
    let bytes: [UInt8]
    let file: String
    /// Where the text libyaml parses starts: 3 after a BOM, else 0. Its marks and offsets count from here.
    let yamlStart: Int
    /// Byte offset of every Unicode scalar (every byte that is not a UTF-8 continuation byte), plus the byte
    /// count. Nil when the text is ASCII, where scalar index and byte offset coincide.
    private let scalarOffsets: [Int]?
    /// Byte offset of the first column of each line.
    private let lineStarts: [Int]
    private var lastLine = 0

    init(bytes: [UInt8], file: String) {
        self.bytes = bytes
        self.file = file
        yamlStart = Self.hasBOM(bytes) ? 3 : 0
        var lineStarts = [yamlStart]
        var isASCII = true
        for offset in bytes.indices {
            if Self.endsLine(bytes, at: offset) { lineStarts.append(offset + 1) }
            if bytes[offset] >= 0x80 { isASCII = false }
        }
        self.lineStarts = lineStarts
        if isASCII {
            scalarOffsets = nil
        } else {
            var offsets: [Int] = []
            offsets.reserveCapacity(bytes.count + 1)
            for (offset, byte) in bytes.enumerated() where byte & 0xC0 != 0x80 {
                offsets.append(offset)
            }
            offsets.append(bytes.count)
            scalarOffsets = offsets
        }
    }

    /// Whether the byte at `offset` is the last of a line break: an LF, or a CR not followed by LF.
    static func endsLine<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes, at offset: Bytes.Index) -> Bool {
        switch bytes[offset] {
        case 0x0A: true
        case 0x0D: bytes.index(after: offset) == bytes.endIndex || bytes[bytes.index(after: offset)] != 0x0A
        default: false
        }
    }

    private static func hasBOM(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
    }

    /// The location of the scalar with index `scalarIndex` (libyaml's `mark.index`, which does not count the BOM).
    func location(scalarIndex: Int) -> SourceLocation {
        guard let scalarOffsets else { return location(byteOffset: scalarIndex) }
        let index = scalarIndex + (yamlStart > 0 ? 1 : 0)
        return location(byteOffset: scalarOffsets[min(max(0, index), scalarOffsets.count - 1)])
    }

    /// The location of byte `offset` of the text libyaml parses (its reader errors' `problem_offset`).
    func location(yamlOffset offset: Int) -> SourceLocation {
        location(byteOffset: yamlStart + offset)
    }

    /// The location of byte `byteOffset` (clamped to the text).
    func location(byteOffset: Int) -> SourceLocation {
        let offset = min(max(0, byteOffset), bytes.count)
        let line = lineIndex(containing: offset)
        let lineStart = min(lineStarts[line], offset)
        return SourceLocation(
            file: file, line: line + 1, column: scalarCount(from: lineStart, to: offset) + 1, offset: offset)
    }

    private func lineIndex(containing offset: Int) -> Int {
        if lineStarts[lastLine] <= offset {
            // Usually the same line or one of the next few.
            var line = lastLine
            while line + 1 < lineStarts.count, lineStarts[line + 1] <= offset, line < lastLine + 8 { line += 1 }
            if line + 1 == lineStarts.count || lineStarts[line + 1] > offset {
                lastLine = line
                return line
            }
        }
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        lastLine = low
        return low
    }

    private func scalarCount(from start: Int, to end: Int) -> Int {
        guard scalarOffsets != nil else { return end - start }
        return scalarIndex(atByte: end) - scalarIndex(atByte: start)
    }

    /// Index of the first scalar that starts at or after `offset`.
    private func scalarIndex(atByte offset: Int) -> Int {
        guard let scalarOffsets else { return offset }
        var low = 0
        var high = scalarOffsets.count - 1
        while low < high {
            let mid = (low + high) / 2
            if scalarOffsets[mid] < offset { low = mid + 1 } else { high = mid }
        }
        return low
    }
}

/// A position that walks forward through the bytes of a `YAMLSourceText` one Unicode scalar at a time,
/// keeping line and column in step.
struct YAMLSourceCursor: Sendable {
    var offset: Int
    var line: Int
    var column: Int

    init(_ location: SourceLocation) {
        offset = location.offset
        line = location.line
        column = location.column
    }

    func location(in file: String) -> SourceLocation {
        SourceLocation(file: file, line: line, column: column, offset: offset)
    }

    /// Moves past the scalar at `offset`, never beyond `limit`. Lines break where `YAMLSourceText` breaks them,
    /// whatever `limit` cuts off: the CR of a CR LF is still on its line.
    mutating func advance(in bytes: UnsafeBufferPointer<UInt8>, limit: Int) {
        guard offset < limit else { return }
        let byte = bytes[offset]
        let endsLine = YAMLSourceText.endsLine(bytes, at: offset)
        offset = min(offset + YAMLUTF8.width(ofLeadByte: byte), limit)
        if endsLine {
            line += 1
            column = 1
        } else {
            column += 1
        }
    }
}

/// Minimal UTF-8 decoding over raw bytes that may be invalid (each stray byte counts as one scalar).
enum YAMLUTF8 {
    static func width(ofLeadByte byte: UInt8) -> Int {
        switch byte {
        case 0xC0...0xDF: 2
        case 0xE0...0xEF: 3
        case 0xF0...0xF7: 4
        default: 1
        }
    }

    /// The scalar value starting at `offset`, or U+FFFD when the bytes there are not valid UTF-8.
    static func scalar(in bytes: UnsafeBufferPointer<UInt8>, at offset: Int, limit: Int) -> UInt32 {
        let lead = bytes[offset]
        let width = width(ofLeadByte: lead)
        guard width > 1 else { return lead < 0x80 ? UInt32(lead) : 0xFFFD }
        guard offset + width <= limit else { return 0xFFFD }
        var value = UInt32(lead) & (0x7F >> UInt32(width))
        for i in 1..<width {
            let next = bytes[offset + i]
            guard next & 0xC0 == 0x80 else { return 0xFFFD }
            value = value << 6 | UInt32(next & 0x3F)
        }
        return value
    }
}
