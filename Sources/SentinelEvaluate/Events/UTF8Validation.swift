/// UTF-8 well-formedness (RFC 3629: no overlong forms, no surrogates, nothing past U+10FFFF).
enum UTF8Validation {
    /// Offset of the first byte that does not start or continue a well-formed sequence; nil when all do.
    static func firstInvalid(_ start: UnsafePointer<UInt8>, count: Int) -> Int? {
        var i = 0
        while i < count {
            // ASCII runs, eight bytes at a time.
            while count - i >= 8, UnsafeRawPointer(start + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                i += 8
            }
            guard i < count else { return nil }
            let b = start[i]
            if b < 0x80 {
                i += 1
                continue
            }
            // The allowed range of the second byte depends on the first; later bytes are 0x80...0xBF.
            let length: Int
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            switch b {
            case 0xC2...0xDF: length = 2
            case 0xE0: (length, low) = (3, 0xA0)
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: (length, high) = (3, 0x9F)
            case 0xF0: (length, low) = (4, 0x90)
            case 0xF1...0xF3: length = 4
            case 0xF4: (length, high) = (4, 0x8F)
            default: return i
            }
            guard count - i >= length else { return i }
            guard start[i + 1] >= low, start[i + 1] <= high else { return i }
            for k in 2..<length where start[i + k] & 0xC0 != 0x80 { return i }
            i += length
        }
        return nil
    }
}
