import SentinelCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
#if arch(x86_64)
    import _Builtin_intrinsics.intel
#endif

/// Why a scan stopped; turned into an `EventDecodeError` message at the public boundary.
enum ScanCode: UInt8 {
    case expectedObject
    case unterminatedString
    case controlCharacter
    case invalidEscape
    case invalidUnicodeEscape
    case expectedKey
    case expectedKeyOrBrace
    case expectedColon
    case expectedCommaOrBrace
    case expectedCommaOrBracket
    case expectedValue
    case invalidLiteral
    case invalidNumber
    case tooDeep
    case trailingCharacters
    /// `ts` is neither a string nor a number.
    case badTimestamp
    /// `ts` is a string that is not an RFC 3339 time.
    case badTimestampText
    /// `ts` is a number outside years 0000–9999 as epoch seconds.
    case timestampOutOfRange
    case kindNotString
    /// `kind` is empty or holds whitespace or a control character.
    case badKind
    /// A second top-level `ts` or `kind`: which one orders the event would be a guess.
    case duplicateTimestamp
    case duplicateKind
    /// Bytes that are not UTF-8 (JSON text must be, RFC 8259 §8.1).
    case invalidUTF8
    /// Internal: the quote index disagrees with the line; decode again with the sequential scanner.
    case reindex

    var message: String {
        switch self {
        case .expectedObject: "expected a JSON object"
        case .unterminatedString: "unterminated string"
        case .controlCharacter: "control character in string"
        case .invalidEscape: "invalid escape sequence"
        case .invalidUnicodeEscape: "invalid \\u escape (expected 4 hex digits)"
        case .expectedKey: "expected a string key"
        case .expectedKeyOrBrace: "expected a string key or '}'"
        case .expectedColon: "expected ':' after an object key"
        case .expectedCommaOrBrace: "expected ',' or '}' after a value"
        case .expectedCommaOrBracket: "expected ',' or ']' after a value"
        case .expectedValue: "expected a value"
        case .invalidLiteral: "invalid literal"
        case .invalidNumber: "invalid number"
        case .tooDeep: "nesting deeper than \(JSONBytes.maxDepth) levels"
        case .trailingCharacters: "unexpected characters after the object"
        case .badTimestamp: "'ts' is not an RFC 3339 time or epoch seconds"
        case .badTimestampText:
            "'ts' is not an RFC 3339 time in years 0000-9999 UTC (such as 2026-05-01T12:00:00Z or 2026-05-01T14:00:00.5+02:00)"
        case .timestampOutOfRange:
            "'ts' is outside years 0000-9999 as epoch seconds (milliseconds since the epoch? 'ts' takes seconds, "
                + "with a fraction)"
        case .kindNotString: "'kind' is not a string"
        case .badKind: "'kind' must be a name without whitespace or control characters (completion, metric, error, ...)"
        case .duplicateTimestamp: "'ts' appears twice"
        case .duplicateKind: "'kind' appears twice"
        case .invalidUTF8: "invalid UTF-8"
        case .reindex: "internal: inconsistent quote index"
        }
    }
}

/// A scan failure: trivial (no reference counting) so that the throwing hot path stays cheap.
struct ScanFailure: Error, @unchecked Sendable {
    var code: ScanCode
    var at: UnsafePointer<UInt8>

    @inline(__always)
    init(_ code: ScanCode, _ at: UnsafePointer<UInt8>) {
        self.code = code
        self.at = at
    }
}

/// The result of scanning one JSON number: its end and, when it fits, the decimal significand and exponent.
struct NumberScan {
    var end: UnsafePointer<UInt8>
    var significand: UInt64
    var exponent10: Int
    var negative: Bool
    /// `false` when the significand has more than 19 digits (then only `strtod` is exact).
    var fits: Bool
    var hasExponent: Bool
    /// Significant digits in `significand` (trailing zeros included).
    var digits: Int

    /// Whether the number's double reads back as exactly its decimal value: up to 15 significant digits with a
    /// power of ten Clinger's fast path takes, so well inside the double's range. Others keep their text for
    /// their label.
    var isExactDouble: Bool { digits <= 15 && exponent10 >= -22 && exponent10 <= 22 }
}

/// Byte-level JSON primitives shared by the event decoder and the `Value` helpers.
enum JSONBytes {
    static let maxDepth = 128

    @inline(__always)
    static func isWhitespace(_ c: UInt8) -> Bool {
        c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09
    }

    @inline(__always)
    static func skipWhitespace(_ p: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> UnsafePointer<UInt8> {
        var q = p
        while q < end {
            let c = q[0]
            if c > 0x20 || !isWhitespace(c) { return q }
            q += 1
        }
        return q
    }

    @inline(__always)
    static func hexValue(_ c: UInt8) -> UInt32 {
        let d = c &- 0x30
        if d < 10 { return UInt32(d) }
        let l = (c | 0x20) &- 0x61
        if l < 6 { return UInt32(l) + 10 }
        return 0xFF
    }

    /// The first `"`, `\\` or control character at or after `q`, or `end`. 16 bytes per step with SSE2 on x86-64,
    /// 8 bytes per step (SWAR) elsewhere and near the end of the line; never reads outside `[q, end)`.
    @inline(__always)
    static func nextSpecial(_ from: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> UnsafePointer<UInt8> {
        var q = from
        #if arch(x86_64)
            while end - q >= 16 {
                let m = specialMask16(q)
                if m != 0 { return q + Int(m.trailingZeroBitCount) }
                q += 16
            }
        #endif
        while end - q >= 8 {
            let m = JSONText.escapeMask(UInt64(littleEndian: UnsafeRawPointer(q).loadUnaligned(as: UInt64.self)))
            if m != 0 { return q + (m.trailingZeroBitCount &>> 3) }
            q += 8
        }
        while q < end {
            let c = q[0]
            if c == 0x22 || c == 0x5C || c < 0x20 { return q }
            q += 1
        }
        return end
    }

    #if arch(x86_64)
        /// Bit i set when byte i of the 16 at `q` is `"`, `\\` or a control character.
        @inline(__always)
        static func specialMask16(_ q: UnsafePointer<UInt8>) -> UInt32 {
            let v = _mm_loadu_si128(UnsafeRawPointer(q).assumingMemoryBound(to: __m128i.self))
            let quote = _mm_cmpeq_epi8(v, _mm_set1_epi8(0x22))
            let backslash = _mm_cmpeq_epi8(v, _mm_set1_epi8(0x5C))
            let control = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1F)), v)
            return UInt32(bitPattern: _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(quote, backslash), control)))
        }
    #endif

    /// The low `n` bytes set (n in 0...8).
    @inline(__always)
    static func lowBytesMask(_ n: Int) -> UInt64 {
        n >= 8 ? ~0 : (UInt64(1) << UInt64(n &* 8)) &- 1
    }

    /// The first 16 bytes of a key as two zero-padded little-endian words (any length; a key shorter than 16
    /// bytes is read byte by byte, as it may end the buffer).
    static func keyWords(_ k: UnsafePointer<UInt8>, _ n: Int) -> (UInt64, UInt64) {
        if n >= 16 {
            let raw = UnsafeRawPointer(k)
            return (
                UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self)),
                UInt64(littleEndian: (raw + 8).loadUnaligned(as: UInt64.self))
            )
        }
        var w0: UInt64 = 0
        var w1: UInt64 = 0
        for i in 0..<min(n, 16) {
            if i < 8 { w0 |= UInt64(k[i]) << UInt64(8 * i) } else { w1 |= UInt64(k[i]) << UInt64(8 * (i - 8)) }
        }
        return (w0, w1)
    }

    /// Scans a string whose opening quote is at `open`; returns the closing quote. Validates escapes and rejects
    /// control characters. `escaped` becomes true when the body has a backslash.
    @inline(__always)
    static func scanString(
        open: UnsafePointer<UInt8>, end: UnsafePointer<UInt8>, escaped: inout Bool
    ) throws(ScanFailure) -> UnsafePointer<UInt8> {
        var q = open + 1
        while true {
            q = nextSpecial(q, end)
            if q >= end { throw ScanFailure(.unterminatedString, open) }
            let c = q[0]
            if c == 0x22 { return q }
            if c != 0x5C { throw ScanFailure(.controlCharacter, q) }
            escaped = true
            try validateEscape(&q, end: end, open: open)
        }
    }

    /// `q` at a backslash; moves past the escape.
    @inline(__always)
    static func validateEscape(
        _ q: inout UnsafePointer<UInt8>, end: UnsafePointer<UInt8>, open: UnsafePointer<UInt8>
    ) throws(ScanFailure) {
        guard end - q >= 2 else { throw ScanFailure(.unterminatedString, open) }
        switch q[1] {
        case 0x22, 0x5C, 0x2F, 0x62, 0x66, 0x6E, 0x72, 0x74:
            q += 2
        case 0x75:
            guard end - q >= 6 else {
                // Report the first non-hex byte if any, otherwise the string is cut off.
                var r = q + 2
                while r < end {
                    if hexValue(r[0]) == 0xFF { throw ScanFailure(.invalidUnicodeEscape, q) }
                    r += 1
                }
                throw ScanFailure(.unterminatedString, open)
            }
            if hex4(q + 2) == nil { throw ScanFailure(.invalidUnicodeEscape, q) }
            q += 6
        default:
            throw ScanFailure(.invalidEscape, q)
        }
    }

    /// Decodes the string body `[p, q)` (escapes included) into `out`; returns the number of bytes written.
    /// Never writes more than `q - p` bytes. `\u` escapes become UTF-8; unpaired surrogates become U+FFFD.
    /// Tolerates malformed escapes (copies them verbatim) so it is memory-safe on unvalidated input.
    static func unescape(_ p: UnsafePointer<UInt8>, _ q: UnsafePointer<UInt8>, into out: UnsafeMutablePointer<UInt8>)
        -> Int
    {
        var r = p
        var w = out
        while r < q {
            guard let found = memchr(r, 0x5C, q - r) else {
                let n = q - r
                w.update(from: r, count: n)
                w += n
                break
            }
            let bs = UnsafePointer<UInt8>(found.assumingMemoryBound(to: UInt8.self))
            let n = bs - r
            if n > 0 {
                w.update(from: r, count: n)
                w += n
            }
            r = bs
            guard q - r >= 2 else {
                w[0] = r[0]
                w += 1
                r += 1
                continue
            }
            let e = r[1]
            var byte: UInt8 = 0
            switch e {
            case 0x22, 0x5C, 0x2F: byte = e
            case 0x62: byte = 0x08
            case 0x66: byte = 0x0C
            case 0x6E: byte = 0x0A
            case 0x72: byte = 0x0D
            case 0x74: byte = 0x09
            case 0x75:
                guard q - r >= 6, let hi = hex4(r + 2) else {
                    w[0] = r[0]
                    w += 1
                    r += 1
                    continue
                }
                r += 6
                var scalar = hi
                if hi & 0xFC00 == 0xD800 {
                    if q - r >= 6, r[0] == 0x5C, r[1] == 0x75, let lo = hex4(r + 2), lo & 0xFC00 == 0xDC00 {
                        scalar = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                        r += 6
                    } else {
                        scalar = 0xFFFD
                    }
                } else if hi & 0xFC00 == 0xDC00 {
                    scalar = 0xFFFD
                }
                w += writeUTF8(scalar, to: w)
                continue
            default:
                w[0] = r[0]
                w += 1
                r += 1
                continue
            }
            w[0] = byte
            w += 1
            r += 2
        }
        return w - out
    }

    @inline(__always)
    static func hex4(_ p: UnsafePointer<UInt8>) -> UInt32? {
        let a = hexValue(p[0])
        let b = hexValue(p[1])
        let c = hexValue(p[2])
        let d = hexValue(p[3])
        if a == 0xFF || b == 0xFF || c == 0xFF || d == 0xFF { return nil }
        return a << 12 | b << 8 | c << 4 | d
    }

    /// Writes a scalar (or a U+FFFD-replaced surrogate) as UTF-8; at most 4 bytes, never more than the 6 escape
    /// bytes it replaces.
    @inline(__always)
    static func writeUTF8(_ s: UInt32, to w: UnsafeMutablePointer<UInt8>) -> Int {
        if s < 0x80 {
            w[0] = UInt8(s)
            return 1
        } else if s < 0x800 {
            w[0] = UInt8(0xC0 | (s >> 6))
            w[1] = UInt8(0x80 | (s & 0x3F))
            return 2
        } else if s < 0x10000 {
            w[0] = UInt8(0xE0 | (s >> 12))
            w[1] = UInt8(0x80 | ((s >> 6) & 0x3F))
            w[2] = UInt8(0x80 | (s & 0x3F))
            return 3
        } else {
            w[0] = UInt8(0xF0 | (s >> 18))
            w[1] = UInt8(0x80 | ((s >> 12) & 0x3F))
            w[2] = UInt8(0x80 | ((s >> 6) & 0x3F))
            w[3] = UInt8(0x80 | (s & 0x3F))
            return 4
        }
    }

    /// Validates the number at `p` and returns its end. Integers inline; fractions and exponents via `scanNumber`.
    @inline(__always)
    static func skipNumber(_ p: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) throws(ScanFailure)
        -> UnsafePointer<UInt8>
    {
        var q = p
        if q[0] == 0x2D { q += 1 }
        guard q < end else { throw ScanFailure(.invalidNumber, p) }
        let first = q[0] &- 0x30
        guard first < 10 else { throw ScanFailure(.invalidNumber, p) }
        q += 1
        if first == 0 {
            if q < end, q[0] &- 0x30 < 10 { throw ScanFailure(.invalidNumber, p) }
        } else {
            while q < end && q[0] &- 0x30 < 10 { q += 1 }
        }
        if q < end && (q[0] == 0x2E || q[0] | 0x20 == 0x65) { return try scanNumber(p, end).end }
        return q
    }

    /// Parses the number at `p`: integers of up to 15 digits inline (exact), everything else via `scanNumber`.
    /// `exact` is false when the double may not be the number (see `NumberScan.isExactDouble`): its `Value`
    /// then keeps the text at `p`.
    @inline(__always)
    static func parseNumber(_ p: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) throws(ScanFailure) -> (
        end: UnsafePointer<UInt8>, value: Double, exact: Bool
    ) {
        var q = p
        let negative = q[0] == 0x2D
        if negative { q += 1 }
        guard q < end else { throw ScanFailure(.invalidNumber, p) }
        let first = q[0] &- 0x30
        guard first < 10 else { throw ScanFailure(.invalidNumber, p) }
        let digitsStart = q
        var m = UInt64(first)
        q += 1
        if first == 0 {
            if q < end, q[0] &- 0x30 < 10 { throw ScanFailure(.invalidNumber, p) }
        } else {
            while q < end {
                let d = q[0] &- 0x30
                if d >= 10 { break }
                m = m &* 10 &+ UInt64(d)
                q += 1
            }
        }
        if (q < end && (q[0] == 0x2E || q[0] | 0x20 == 0x65)) || q - digitsStart > 15 {
            let n = try scanNumber(p, end)
            return (n.end, numberValue(n, text: p), n.isExactDouble)
        }
        let v = Double(m)
        return (q, negative ? -v : v, true)
    }

    /// The value of a scanned number (`text` is where it starts), with its text unless the double is exact.
    @inline(__always)
    static func value(_ n: NumberScan, text: UnsafePointer<UInt8>) -> Value {
        .number(numberValue(n, text: text), text: n.isExactDouble ? nil : text)
    }

    /// The text of the (validated) number starting at `p`: it ends at the first byte that cannot be part of a
    /// number, which a valid line always has after it.
    static func numberText(at p: UnsafePointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var q = p
        while true {
            let c = q[0]
            guard c &- 0x30 < 10 || c == 0x2E || c | 0x20 == 0x65 || c == 0x2B || c == 0x2D else { break }
            q += 1
        }
        return UnsafeBufferPointer(start: p, count: q - p)
    }

    /// Scans a JSON number starting at `p` (a `-` or a digit) following the JSON grammar strictly.
    @inline(never)
    static func scanNumber(_ p: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) throws(ScanFailure) -> NumberScan {
        var q = p
        let negative = q[0] == 0x2D
        if negative { q += 1 }
        var m: UInt64 = 0
        var digits = 0  // significant digits accumulated into m
        var fits = true
        var exp10 = 0
        guard q < end else { throw ScanFailure(.invalidNumber, p) }
        var d = q[0] &- 0x30
        guard d < 10 else { throw ScanFailure(.invalidNumber, p) }
        if d == 0 {
            q += 1
            if q < end, q[0] &- 0x30 < 10 { throw ScanFailure(.invalidNumber, p) }
        } else {
            repeat {
                if digits < 19 {
                    m = m &* 10 &+ UInt64(d)
                    digits += 1
                } else {
                    fits = false
                }
                q += 1
                if q >= end { break }
                d = q[0] &- 0x30
            } while d < 10
        }
        if q < end, q[0] == 0x2E {
            q += 1
            guard q < end, q[0] &- 0x30 < 10 else { throw ScanFailure(.invalidNumber, p) }
            repeat {
                d = q[0] &- 0x30
                if m == 0 && d == 0 {
                    exp10 -= 1
                } else if digits < 19 {
                    m = m &* 10 &+ UInt64(d)
                    digits += 1
                    exp10 -= 1
                } else {
                    fits = false
                }
                q += 1
            } while q < end && q[0] &- 0x30 < 10
        }
        var hasExponent = false
        if q < end, q[0] | 0x20 == 0x65 {
            hasExponent = true
            q += 1
            var expNegative = false
            if q < end, q[0] == 0x2B || q[0] == 0x2D {
                expNegative = q[0] == 0x2D
                q += 1
            }
            guard q < end, q[0] &- 0x30 < 10 else { throw ScanFailure(.invalidNumber, p) }
            var e = 0
            repeat {
                if e < 100_000 { e = e * 10 + Int(q[0] &- 0x30) }
                q += 1
            } while q < end && q[0] &- 0x30 < 10
            exp10 += expNegative ? -e : e
        }
        return NumberScan(
            end: q, significand: m, exponent10: exp10, negative: negative, fits: fits, hasExponent: hasExponent,
            digits: digits)
    }

    @inline(__always)
    static func exactPowerOfTen(_ e: Int) -> Double {
        switch e {
        case 0: 1e0
        case 1: 1e1
        case 2: 1e2
        case 3: 1e3
        case 4: 1e4
        case 5: 1e5
        case 6: 1e6
        case 7: 1e7
        case 8: 1e8
        case 9: 1e9
        case 10: 1e10
        case 11: 1e11
        case 12: 1e12
        case 13: 1e13
        case 14: 1e14
        case 15: 1e15
        case 16: 1e16
        case 17: 1e17
        case 18: 1e18
        case 19: 1e19
        case 20: 1e20
        case 21: 1e21
        default: 1e22
        }
    }

    /// The correctly rounded value of a scanned number (`text` is where it starts). Clinger's exact fast path
    /// when the significand and the power of ten are both exact doubles; `strtod` otherwise.
    @inline(__always)
    static func numberValue(_ n: NumberScan, text: UnsafePointer<UInt8>) -> Double {
        if n.fits {
            let m = n.significand
            if m == 0 { return n.negative ? -0.0 : 0.0 }
            var v: Double
            if n.exponent10 == 0 {
                v = Double(m)
            } else if m <= 1 << 53 && n.exponent10 >= -22 && n.exponent10 <= 22 {
                v = Double(m)
                if n.exponent10 > 0 {
                    v *= exactPowerOfTen(n.exponent10)
                } else {
                    v /= exactPowerOfTen(-n.exponent10)
                }
            } else {
                return slowNumber(text, n.end - text)
            }
            return n.negative ? -v : v
        }
        return slowNumber(text, n.end - text)
    }

    @inline(never)
    static func slowNumber(_ p: UnsafePointer<UInt8>, _ count: Int) -> Double {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: count + 1) { buf in
            let b = buf.baseAddress!
            UnsafeMutableRawPointer(b).copyMemory(from: p, byteCount: count)
            b[count] = 0
            return strtod(b, nil)
        }
    }

    /// Validates `true`, `false` or `null` at `p`; returns the end and the value.
    @inline(__always)
    static func scanLiteral(_ p: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) throws(ScanFailure) -> (
        UnsafePointer<UInt8>, Value
    ) {
        let left = end - p
        switch p[0] {
        case 0x74:
            if left >= 4, p[1] == 0x72, p[2] == 0x75, p[3] == 0x65 { return (p + 4, .bool(true)) }
        case 0x66:
            if left >= 5, p[1] == 0x61, p[2] == 0x6C, p[3] == 0x73, p[4] == 0x65 { return (p + 5, .bool(false)) }
        case 0x6E:
            if left >= 4, p[1] == 0x75, p[2] == 0x6C, p[3] == 0x6C { return (p + 4, .null) }
        default:
            throw ScanFailure(.expectedValue, p)
        }
        throw ScanFailure(.invalidLiteral, p)
    }

    /// Validates the array or object whose opening bracket is at `start` (which sits at nesting level `depth`)
    /// without recursion; returns the position after its closing bracket. Flat containers (only scalars inside)
    /// take a short path; anything nested goes to the general state machine.
    static func skipContainer(
        _ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, depth: Int
    ) throws(ScanFailure) -> UnsafePointer<UInt8> {
        if depth > maxDepth { throw ScanFailure(.tooDeep, start) }
        let isObject = start[0] == 0x7B
        let close: UInt8 = isObject ? 0x7D : 0x5D
        var p = skipWhitespace(start + 1, end)
        guard p < end else { throw ScanFailure(isObject ? .expectedKeyOrBrace : .expectedValue, p) }
        if p[0] == close { return p + 1 }
        if isObject && p[0] != 0x22 { throw ScanFailure(.expectedKeyOrBrace, p) }
        while true {
            if isObject {
                guard p < end, p[0] == 0x22 else { throw ScanFailure(.expectedKey, p) }
                var escaped = false
                p = try scanString(open: p, end: end, escaped: &escaped) + 1
                if p < end && p[0] == 0x3A {
                    p += 1
                } else {
                    p = skipWhitespace(p, end)
                    guard p < end, p[0] == 0x3A else { throw ScanFailure(.expectedColon, p) }
                    p += 1
                }
                p = skipWhitespace(p, end)
            }
            guard p < end else { throw ScanFailure(.expectedValue, p) }
            let c = p[0]
            if c == 0x7B || c == 0x5B { return try skipNested(start, end, depth: depth) }
            p = try skipScalar(p, end)
            if p < end && p[0] == 0x2C {
                p = skipWhitespace(p + 1, end)
                continue
            }
            p = skipWhitespace(p, end)
            guard p < end else { throw ScanFailure(isObject ? .expectedCommaOrBrace : .expectedCommaOrBracket, p) }
            if p[0] == close { return p + 1 }
            if p[0] == 0x2C {
                p = skipWhitespace(p + 1, end)
                continue
            }
            throw ScanFailure(isObject ? .expectedCommaOrBrace : .expectedCommaOrBracket, p)
        }
    }

    /// The general state machine behind `skipContainer` (explicit bit stack, no recursion).
    @inline(never)
    static func skipNested(
        _ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, depth: Int
    ) throws(ScanFailure) -> UnsafePointer<UInt8> {
        var p = start
        var kinds0: UInt64 = 0  // bit i: level i is an object (levels 0..<64)
        var kinds1: UInt64 = 0  // levels 64..<128
        var level = -1
        var d = depth - 1
        var inObject = false
        // States: 0 = at an opening bracket, 1 = expecting an element, 2 = after an element.
        var state = 0
        while true {
            switch state {
            case 0:
                level += 1
                d += 1
                if d > maxDepth { throw ScanFailure(.tooDeep, p) }
                inObject = p[0] == 0x7B
                if level < 64 {
                    if inObject { kinds0 |= 1 << UInt64(level) } else { kinds0 &= ~(1 << UInt64(level)) }
                } else {
                    let b = UInt64(level - 64)
                    if inObject { kinds1 |= 1 << b } else { kinds1 &= ~(1 << b) }
                }
                p = skipWhitespace(p + 1, end)
                guard p < end else {
                    throw ScanFailure(inObject ? .expectedKeyOrBrace : .expectedValue, p)
                }
                if p[0] == (inObject ? 0x7D : 0x5D) {
                    p += 1
                    level -= 1
                    d -= 1
                    if level < 0 { return p }
                    inObject = (level < 64 ? kinds0 >> UInt64(level) : kinds1 >> UInt64(level - 64)) & 1 != 0
                    state = 2
                } else {
                    if inObject && p[0] != 0x22 { throw ScanFailure(.expectedKeyOrBrace, p) }
                    state = 1
                }
            case 1:
                if inObject {
                    guard p < end, p[0] == 0x22 else { throw ScanFailure(.expectedKey, p) }
                    var escaped = false
                    p = try scanString(open: p, end: end, escaped: &escaped) + 1
                    p = skipWhitespace(p, end)
                    guard p < end, p[0] == 0x3A else { throw ScanFailure(.expectedColon, p) }
                    p = skipWhitespace(p + 1, end)
                }
                guard p < end else { throw ScanFailure(.expectedValue, p) }
                let c = p[0]
                if c == 0x7B || c == 0x5B {
                    state = 0
                    continue
                }
                p = try skipScalar(p, end)
                state = 2
            default:
                p = skipWhitespace(p, end)
                guard p < end else {
                    throw ScanFailure(inObject ? .expectedCommaOrBrace : .expectedCommaOrBracket, p)
                }
                let c = p[0]
                if c == 0x2C {
                    p = skipWhitespace(p + 1, end)
                    state = 1
                } else if c == (inObject ? 0x7D : 0x5D) {
                    p += 1
                    level -= 1
                    d -= 1
                    if level < 0 { return p }
                    inObject = (level < 64 ? kinds0 >> UInt64(level) : kinds1 >> UInt64(level - 64)) & 1 != 0
                } else {
                    throw ScanFailure(inObject ? .expectedCommaOrBrace : .expectedCommaOrBracket, p)
                }
            }
        }
    }

    /// Validates a string, number or literal at `p` (not a container); returns its end.
    @inline(__always)
    static func skipScalar(_ p: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) throws(ScanFailure)
        -> UnsafePointer<UInt8>
    {
        let c = p[0]
        if c == 0x22 {
            var escaped = false
            return try scanString(open: p, end: end, escaped: &escaped) + 1
        }
        if c == 0x2D || c &- 0x30 < 10 {
            return try skipNumber(p, end)
        }
        if c == 0x74 || c == 0x66 || c == 0x6E {
            return try scanLiteral(p, end).0
        }
        throw ScanFailure(.expectedValue, p)
    }

    /// Validates any value at `p`, nested `depth` levels deep (a container here is at level `depth + 1`).
    @inline(__always)
    static func skipValue(_ p: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, depth: Int) throws(ScanFailure)
        -> UnsafePointer<UInt8>
    {
        let c = p[0]
        if c == 0x7B || c == 0x5B { return try skipContainer(p, end, depth: depth + 1) }
        return try skipScalar(p, end)
    }
}
