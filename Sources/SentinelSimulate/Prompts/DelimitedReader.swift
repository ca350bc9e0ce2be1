/// Records of a CSV (RFC 4180) or TSV file, as pandas writes both: fields in double quotes when they hold the
/// delimiter, a quote or a line break, quotes doubled inside; `\n` or `\r\n` line ends; a byte-order mark skipped.
///
/// Lenient where Python's `csv` module is: text after a closing quote is kept, a quote inside an unquoted field is
/// literal. Only a quote left open at the end of the file is an error.
struct DelimitedReader {
    struct UnterminatedQuote: Error {
        /// The line the record with the open quote started on.
        var line: Int
    }

    private let bytes: [UInt8]
    private let delimiter: UInt8
    private var position = 0
    /// The 1-based line the next record starts on.
    private var line = 1

    init(bytes: [UInt8], delimiter: UInt8) {
        self.bytes = bytes
        self.delimiter = delimiter
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
    }

    /// The next record and the line it starts on; nil at the end. Blank lines are skipped.
    mutating func next() throws(UnterminatedQuote) -> (fields: [String], line: Int)? {
        while position < bytes.count, bytes[position] == 0x0A || bytes[position] == 0x0D {
            if bytes[position] == 0x0A { line += 1 }
            position += 1
        }
        guard position < bytes.count else { return nil }
        let start = line
        var fields: [String] = []
        var field: [UInt8] = []
        var quoted = false
        var atFieldStart = true
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            if quoted {
                if byte == 0x22 {
                    if position < bytes.count, bytes[position] == 0x22 {
                        field.append(0x22)
                        position += 1
                    } else {
                        quoted = false
                    }
                } else {
                    if byte == 0x0A { line += 1 }
                    field.append(byte)
                }
                continue
            }
            switch byte {
            case 0x22 where atFieldStart:
                quoted = true
                atFieldStart = false
            case delimiter:
                fields.append(String(decoding: field, as: UTF8.self))
                field.removeAll(keepingCapacity: true)
                atFieldStart = true
            case 0x0A, 0x0D:
                if byte == 0x0D, position < bytes.count, bytes[position] == 0x0A { position += 1 }
                line += 1
                fields.append(String(decoding: field, as: UTF8.self))
                return (fields, start)
            default:
                field.append(byte)
                atFieldStart = false
            }
        }
        if quoted { throw UnterminatedQuote(line: start) }
        fields.append(String(decoding: field, as: UTF8.self))
        return (fields, start)
    }
}
