/// An `application/x-www-form-urlencoded` body, as browsers send the review page's forms: `name=value` pairs
/// joined by `&`, `+` for a space and `%XX` for any byte. A repeated name keeps its last value.
struct FormBody {
    /// A body that is not form-encoded: where (byte offset) and what is wrong.
    struct Malformed: Error, CustomStringConvertible {
        var offset: Int
        var reason: String

        var description: String { "the form is not URL-encoded at byte \(offset): \(reason)" }
    }

    private(set) var fields: [String: String] = [:]

    init(_ body: [UInt8]) throws(Malformed) {
        var start = 0
        while start < body.count {
            let end = body[start...].firstIndex(of: UInt8(ascii: "&")) ?? body.count
            if start < end {
                let eq = body[start..<end].firstIndex(of: UInt8(ascii: "=")) ?? end
                let name = try Self.decode(body, start..<eq)
                fields[name] = eq < end ? try Self.decode(body, (eq + 1)..<end) : ""
            }
            start = end + 1
        }
    }

    subscript(name: String) -> String? { fields[name] }

    /// One name or value: `+` is a space, `%XX` a byte; the bytes must be UTF-8.
    private static func decode(_ body: [UInt8], _ range: Range<Int>) throws(Malformed) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(range.count)
        var i = range.lowerBound
        while i < range.upperBound {
            switch body[i] {
            case UInt8(ascii: "+"):
                bytes.append(0x20)
            case UInt8(ascii: "%"):
                guard i + 2 < range.upperBound, let high = hexValue(body[i + 1]), let low = hexValue(body[i + 2]) else {
                    throw Malformed(offset: i, reason: "'%' must be followed by two hexadecimal digits")
                }
                bytes.append(high << 4 | low)
                i += 2
            case let byte:
                bytes.append(byte)
            }
            i += 1
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw Malformed(offset: range.lowerBound, reason: "the decoded text is not UTF-8")
        }
        return text
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
