import SentinelCore

/// Maps each Unicode scalar of a parsed YAML scalar back to the file.
///
/// libyaml gives only the start and end of a scalar. Its value differs from the source text by quotes,
/// escapes, block headers, indentation and line folding, so the value is aligned greedily with the source
/// span: a value scalar takes the next source scalar equal to it, skipping the ones the style drops
/// (indentation after a line break, quotes, stripped blanks); a space may come from a folded line break and
/// an escape sequence yields one scalar. Every step moves forward, so the alignment is linear in the span.
struct YAMLScalarLocator {
    let bytes: UnsafeBufferPointer<UInt8>
    let file: String

    /// Skips the anchor and tag properties (and blanks, line breaks, comments after them) that libyaml
    /// includes in a node's start mark, stopping at the node's first own character or at `limit`.
    func skipProperties(from start: YAMLSourceCursor, limit: Int) -> YAMLSourceCursor {
        var cursor = start
        while cursor.offset < limit, bytes[cursor.offset] == ascii("&") || bytes[cursor.offset] == ascii("!") {
            // The characters libyaml accepts in anchor names and tags.
            let isTag = bytes[cursor.offset] == ascii("!")
            cursor.advance(in: bytes, limit: limit)
            if isTag, cursor.offset < limit, bytes[cursor.offset] == ascii("<") {
                skip(&cursor, limit: limit) { $0 != ascii(">") }
                cursor.advance(in: bytes, limit: limit)
            }
            skip(&cursor, limit: limit) { isWordCharacter($0) || (isTag && Self.tagPunctuation.contains($0)) }
            while cursor.offset < limit {
                let byte = bytes[cursor.offset]
                if byte == ascii("#") {
                    skip(&cursor, limit: limit) { !isBreak($0) }
                } else if isBlankOrBreak(byte) {
                    cursor.advance(in: bytes, limit: limit)
                } else {
                    break
                }
            }
        }
        return cursor
    }

    /// One location per scalar of `value` plus one past the end, for a scalar written in `style` whose source
    /// runs from `start` (its first character: quote, block indicator or first plain character) to byte `end`.
    func valueLocations(
        of value: String, style: YAMLScalar.Style, start: YAMLSourceCursor, end: Int
    ) -> [SourceLocation] {
        var cursor = start
        var contentEnd = max(end, start.offset)
        // Spaces to drop after a line break: all blanks in flow scalars, the block indentation otherwise.
        var indentation: Int?
        var atLineStart = false
        switch style {
        case .plain:
            break
        case .singleQuoted, .doubleQuoted:
            let quote = style == .singleQuoted ? ascii("'") : ascii("\"")
            if cursor.offset < contentEnd, bytes[cursor.offset] == quote {
                cursor.advance(in: bytes, limit: contentEnd)
            }
            if contentEnd > cursor.offset, bytes[contentEnd - 1] == quote { contentEnd -= 1 }
        case .literal, .folded:
            // The header (`|2-`, maybe a comment) ends at the first line break.
            skip(&cursor, limit: contentEnd) { !isBreak($0) }
            advance(&cursor, over: breakWidth(at: cursor.offset, limit: contentEnd), limit: contentEnd)
            indentation = blockIndentation(from: cursor.offset, end: contentEnd, value: value)
            atLineStart = true
        }

        var locations: [SourceLocation] = []
        locations.reserveCapacity(value.utf8.count + 1)
        // Characters that may stand for something else in the source; all others are copied verbatim.
        let special: UInt8 = switch style {
        case .doubleQuoted: ascii("\\")
        case .singleQuoted: ascii("'")
        default: 0
        }
        for scalar in value.unicodeScalars {
            let wanted = scalar.value
            if !atLineStart, wanted < 0x80, cursor.offset < contentEnd, bytes[cursor.offset] == UInt8(wanted),
               !isBreak(UInt8(wanted)), UInt8(wanted) != special
            {
                locations.append(cursor.location(in: file))
                cursor.offset += 1
                cursor.column += 1
                continue
            }
            locations.append(
                find(wanted, from: &cursor, atLineStart: &atLineStart, style: style, indentation: indentation,
                     end: contentEnd))
        }
        locations.append(cursor.location(in: file))
        return locations
    }

    /// Moves `cursor` past the source of the value scalar `wanted`, skipping what the style drops, and returns
    /// where that source starts (the end of the span when it is never found).
    private func find(
        _ wanted: UInt32, from cursor: inout YAMLSourceCursor, atLineStart: inout Bool, style: YAMLScalar.Style,
        indentation: Int?, end: Int
    ) -> SourceLocation {
        while cursor.offset < end {
            if atLineStart {
                skipIndentation(&cursor, indentation: indentation, limit: end)
                atLineStart = false
                continue
            }
            let here = cursor
            let byte = bytes[cursor.offset]
            if style == .doubleQuoted, byte == ascii("\\") {
                let escape = self.escape(at: cursor.offset, limit: end)
                advance(&cursor, over: escape.length, limit: end)
                guard let produced = escape.value else {
                    atLineStart = true  // escaped line break: produces nothing
                    continue
                }
                if produced == wanted { return here.location(in: file) }
                continue
            }
            if style == .singleQuoted, byte == ascii("'"), cursor.offset + 1 < end,
               bytes[cursor.offset + 1] == ascii("'")
            {
                advance(&cursor, over: 2, limit: end)
                if wanted == UInt32(ascii("'")) { return here.location(in: file) }
                continue
            }
            let unit = self.unit(at: cursor.offset, limit: end)
            advance(&cursor, over: unit.width, limit: end)
            if unit.isBreak { atLineStart = true }
            // A space in the value may be a folded line break.
            if unit.value == wanted || (unit.isBreak && wanted == UInt32(ascii(" "))) {
                return here.location(in: file)
            }
        }
        return cursor.location(in: file)
    }

    // MARK: Block scalars

    /// The content indentation of a block scalar whose first content line starts at `offset`, read off the
    /// first line that contributes to the value: its leading spaces minus the spaces the value keeps from it
    /// (an explicit indentation indicator may be smaller than the line's indentation). Lines are 1:1 with value
    /// lines up to there: a blank line gives an empty one, a line starting with a space keeps its line break
    /// even when folded. Nil (drop all leading spaces) when no line contributes.
    private func blockIndentation(from offset: Int, end: Int, value: String) -> Int? {
        let valueBytes = Array(value.utf8)
        var valueIndex = 0
        var lineStart = offset
        while lineStart < end, valueIndex < valueBytes.count {
            var lineEnd = lineStart
            while lineEnd < end, bytes[lineEnd] == ascii(" ") { lineEnd += 1 }
            let lineSpaces = lineEnd - lineStart
            let width = breakWidth(at: lineEnd, limit: end)
            var keptSpaces = 0
            while valueIndex + keptSpaces < valueBytes.count, valueBytes[valueIndex + keptSpaces] == ascii(" ") {
                keptSpaces += 1
            }
            if width == 0 || keptSpaces > 0 || valueBytes[valueIndex] != ascii("\n") {
                return max(0, lineSpaces - keptSpaces)
            }
            // A blank line that gave an empty value line: the indentation is at least its length.
            valueIndex += 1
            lineStart = lineEnd + width
        }
        return nil
    }

    private func skipIndentation(_ cursor: inout YAMLSourceCursor, indentation: Int?, limit: Int) {
        if let indentation {
            skip(&cursor, limit: min(limit, cursor.offset + indentation)) { $0 == ascii(" ") }
        } else {
            skip(&cursor, limit: limit) { $0 == ascii(" ") || $0 == ascii("\t") }
        }
    }

    private func skip(_ cursor: inout YAMLSourceCursor, limit: Int, while predicate: (UInt8) -> Bool) {
        while cursor.offset < limit, predicate(bytes[cursor.offset]) { cursor.advance(in: bytes, limit: limit) }
    }

    // MARK: Source units

    /// The scalar at `offset` as it would appear in a value: CR LF, CR and NEL read as one LF.
    private func unit(at offset: Int, limit: Int) -> (value: UInt32, width: Int, isBreak: Bool) {
        let byte = bytes[offset]
        if byte == ascii("\n") || byte == ascii("\r") {
            return (UInt32(ascii("\n")), breakWidth(at: offset, limit: limit), true)
        }
        if byte < 0x80 { return (UInt32(byte), 1, false) }
        let value = YAMLUTF8.scalar(in: bytes, at: offset, limit: limit)
        let width = min(YAMLUTF8.width(ofLeadByte: byte), limit - offset)
        switch value {
        case 0x85: return (UInt32(ascii("\n")), width, true)
        case 0x2028, 0x2029: return (value, width, true)
        default: return (value, width, false)
        }
    }

    /// Bytes of the line break at `offset` (CR LF, CR, LF, NEL, LS, PS), or 0 when there is none.
    private func breakWidth(at offset: Int, limit: Int) -> Int {
        guard offset < limit else { return 0 }
        switch bytes[offset] {
        case ascii("\n"): return 1
        case ascii("\r"): return offset + 1 < limit && bytes[offset + 1] == ascii("\n") ? 2 : 1
        case 0xC2 where offset + 1 < limit && bytes[offset + 1] == 0x85: return 2
        case 0xE2 where offset + 2 < limit && bytes[offset + 1] == 0x80 && (bytes[offset + 2] & 0xFE) == 0xA8: return 3
        default: return 0
        }
    }

    /// The scalar a double-quoted escape at `offset` stands for (nil for an escaped line break) and its length
    /// in bytes. A backslash that starts no known escape stands for itself.
    private func escape(at offset: Int, limit: Int) -> (value: UInt32?, length: Int) {
        guard offset + 1 < limit else { return (UInt32(ascii("\\")), 1) }
        let code = bytes[offset + 1]
        let lineBreak = breakWidth(at: offset + 1, limit: limit)
        if lineBreak > 0 { return (nil, 1 + lineBreak) }
        let hexDigits: Int
        switch code {
        case ascii("x"): hexDigits = 2
        case ascii("u"): hexDigits = 4
        case ascii("U"): hexDigits = 8
        default:
            guard let value = Self.simpleEscapes[code] else { return (UInt32(ascii("\\")), 1) }
            return (value, 2)
        }
        guard offset + 2 + hexDigits <= limit else { return (UInt32(ascii("\\")), 1) }
        var value: UInt32 = 0
        for i in 0..<hexDigits {
            guard let digit = hexValue(bytes[offset + 2 + i]) else { return (UInt32(ascii("\\")), 1) }
            value = value << 4 | digit
        }
        return (value, 2 + hexDigits)
    }

    private static let simpleEscapes: [UInt8: UInt32] = [
        UInt8(ascii: "0"): 0, UInt8(ascii: "a"): 0x07, UInt8(ascii: "b"): 0x08, UInt8(ascii: "t"): 0x09,
        UInt8(ascii: "\t"): 0x09, UInt8(ascii: "n"): 0x0A, UInt8(ascii: "v"): 0x0B, UInt8(ascii: "f"): 0x0C,
        UInt8(ascii: "r"): 0x0D, UInt8(ascii: "e"): 0x1B, UInt8(ascii: " "): 0x20, UInt8(ascii: "\""): 0x22,
        UInt8(ascii: "/"): 0x2F, UInt8(ascii: "'"): 0x27, UInt8(ascii: "\\"): 0x5C, UInt8(ascii: "N"): 0x85,
        UInt8(ascii: "_"): 0xA0, UInt8(ascii: "L"): 0x2028, UInt8(ascii: "P"): 0x2029,
    ]

    private func advance(_ cursor: inout YAMLSourceCursor, over count: Int, limit: Int) {
        let target = min(cursor.offset + count, limit)
        while cursor.offset < target { cursor.advance(in: bytes, limit: target) }
    }

    private func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case ascii("0")...ascii("9"): UInt32(byte - ascii("0"))
        case ascii("a")...ascii("f"): UInt32(byte - ascii("a") + 10)
        case ascii("A")...ascii("F"): UInt32(byte - ascii("A") + 10)
        default: nil
        }
    }

    private func isBreak(_ byte: UInt8) -> Bool { byte == ascii("\n") || byte == ascii("\r") }
    private func isBlankOrBreak(_ byte: UInt8) -> Bool { byte == ascii(" ") || byte == ascii("\t") || isBreak(byte) }
    private func isWordCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case ascii("0")...ascii("9"), ascii("A")...ascii("Z"), ascii("a")...ascii("z"), ascii("_"), ascii("-"): true
        default: false
        }
    }

    private static let tagPunctuation = Set(";/?:@&=+$.%!~*'()".utf8)
}

@inline(__always)
private func ascii(_ character: Unicode.Scalar) -> UInt8 { UInt8(ascii: character) }
