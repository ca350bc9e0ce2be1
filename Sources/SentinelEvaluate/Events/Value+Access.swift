#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension ByteString {
    /// The bytes of a string literal (valid forever).
    public init(_ literal: StaticString) {
        precondition(literal.hasPointerRepresentation, "ByteString needs a UTF-8 string literal")
        self.init(base: literal.utf8Start, count: literal.utf8CodeUnitCount)
    }

    public var isEmpty: Bool { count == 0 }

    @inline(__always)
    func equals(_ p: UnsafePointer<UInt8>?, _ n: Int) -> Bool {
        guard count == n else { return false }
        if n == 0 { return true }
        return memcmp(base!, p!, n) == 0
    }

    /// Byte-wise equality with a string literal.
    public func equals(_ literal: StaticString) -> Bool {
        if !literal.hasPointerRepresentation {
            return equals(Array("\(literal)".utf8))
        }
        return equals(literal.utf8Start, literal.utf8CodeUnitCount)
    }

    /// Byte-wise equality with UTF-8 bytes.
    public func equals(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { equals($0.baseAddress, $0.count) }
    }

    /// Byte-wise equality with a string's UTF-8 (no copy for native strings).
    public func equals(_ string: String) -> Bool {
        if let r = string.utf8.withContiguousStorageIfAvailable({ equals($0.baseAddress, $0.count) }) { return r }
        return equals(Array(string.utf8))
    }

    /// A 64-bit hash of the bytes (stable within a process run; for distinct counting and grouping).
    public func hash64() -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ (UInt64(count) &* 0xFF51_AFD7_ED55_8CCD)
        guard let p = base, count > 0 else { return mix64(h) }
        var i = 0
        while count - i >= 8 {
            let v = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
            h = (h ^ v) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 31
            i += 8
        }
        if i < count {
            var t: UInt64 = 0
            var shift: UInt64 = 0
            while i < count {
                t |= UInt64(p[i]) << shift
                shift += 8
                i += 1
            }
            h = (h ^ t) &* 0x94D0_49BB_1331_11EB
        }
        return mix64(h)
    }

    @inline(__always)
    private func mix64(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

// MARK: - Reading raw arrays and objects

/// Element-by-element reading of JSON bytes produced by `EventDecoder` (already validated). Memory-safe on any
/// input: malformed bytes end the iteration early.
enum RawElements {
    /// Reads the value at `p` (< end); returns it and the position after it, or nil when malformed.
    /// Strings with escapes are decoded to `scratch` (advanced) when given.
    @inline(__always)
    static func value(
        at p: UnsafePointer<UInt8>, end: UnsafePointer<UInt8>, scratch: inout UnsafeMutablePointer<UInt8>?
    ) -> (Value, UnsafePointer<UInt8>)? {
        let c = p[0]
        switch c {
        case 0x22:
            var escaped = false
            guard let close = try? JSONBytes.scanString(open: p, end: end, escaped: &escaped) else { return nil }
            if escaped, let w = scratch {
                let n = JSONBytes.unescape(p + 1, close, into: w)
                scratch = w + n
                return (.string(ByteString(base: UnsafePointer(w), count: n)), close + 1)
            }
            return (.string(ByteString(base: p + 1, count: close - p - 1)), close + 1)
        case 0x7B, 0x5B:
            guard let e = try? JSONBytes.skipContainer(p, end, depth: 1) else { return nil }
            let bytes = ByteString(base: p, count: e - p)
            return (c == 0x7B ? .object(RawObject(bytes: bytes)) : .array(RawArray(bytes: bytes)), e)
        case 0x74, 0x66, 0x6E:
            guard let (e, v) = try? JSONBytes.scanLiteral(p, end) else { return nil }
            return (v, e)
        default:
            guard c == 0x2D || c &- 0x30 < 10, let n = try? JSONBytes.scanNumber(p, end) else { return nil }
            return (JSONBytes.value(n, text: p), n.end)
        }
    }

    static func hasEscape(_ bytes: ByteString) -> Bool {
        guard let b = bytes.base, bytes.count > 0 else { return false }
        return memchr(b, 0x5C, bytes.count) != nil
    }

    /// Calls `body` for each element of the array until it returns true; returns whether it did.
    static func scanArray(
        _ bytes: ByteString, scratch: UnsafeMutablePointer<UInt8>?, _ body: (Value) -> Bool
    ) -> Bool {
        guard let base = bytes.base, bytes.count >= 2, base[0] == 0x5B else { return false }
        let end = base + bytes.count - 1  // the closing bracket
        var w = scratch
        var p = JSONBytes.skipWhitespace(base + 1, end)
        while p < end {
            guard let (v, next) = value(at: p, end: end, scratch: &w) else { return false }
            if body(v) { return true }
            p = JSONBytes.skipWhitespace(next, end)
            guard p < end, p[0] == 0x2C else { return false }
            p = JSONBytes.skipWhitespace(p + 1, end)
        }
        return false
    }

    /// Calls `body` for each member of the object until it returns true; returns whether it did.
    static func scanObject(
        _ bytes: ByteString, scratch: UnsafeMutablePointer<UInt8>?, _ body: (ByteString, Value) -> Bool
    ) -> Bool {
        guard let base = bytes.base, bytes.count >= 2, base[0] == 0x7B else { return false }
        let end = base + bytes.count - 1  // the closing brace
        var w = scratch
        var p = JSONBytes.skipWhitespace(base + 1, end)
        while p < end {
            guard p[0] == 0x22, let (k, afterKey) = value(at: p, end: end, scratch: &w),
                case .string(let key) = k
            else { return false }
            p = JSONBytes.skipWhitespace(afterKey, end)
            guard p < end, p[0] == 0x3A else { return false }
            p = JSONBytes.skipWhitespace(p + 1, end)
            guard p < end, let (v, next) = value(at: p, end: end, scratch: &w) else { return false }
            if body(key, v) { return true }
            p = JSONBytes.skipWhitespace(next, end)
            guard p < end, p[0] == 0x2C else { return false }
            p = JSONBytes.skipWhitespace(p + 1, end)
        }
        return false
    }
}

extension RawArray {
    /// Calls `body` for each element: scalars decoded (`.string`, `.number`, `.bool`, `.null`), nested arrays and
    /// objects as raw ranges. Strings with escapes are decoded into a temporary buffer valid only during the call.
    public func forEachElement(_ body: (Value) -> Void) {
        _ = anyElement { v in
            body(v)
            return false
        }
    }

    /// As `forEachElement`, with strings that have escapes decoded into `scratch`, which must hold at least
    /// `bytes.count` bytes; such strings stay valid as long as `scratch` does.
    public func forEachElement(scratch: UnsafeMutablePointer<UInt8>, _ body: (Value) -> Void) {
        _ = RawElements.scanArray(bytes, scratch: scratch) { v in
            body(v)
            return false
        }
    }

    /// Whether `predicate` holds for some element (stops at the first one).
    public func anyElement(_ predicate: (Value) -> Bool) -> Bool {
        if !RawElements.hasEscape(bytes) { return RawElements.scanArray(bytes, scratch: nil, predicate) }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(bytes.count, 1)) { buffer in
            RawElements.scanArray(bytes, scratch: buffer.baseAddress, predicate)
        }
    }

    /// The number of elements.
    public var count: Int {
        var n = 0
        _ = RawElements.scanArray(bytes, scratch: nil) { _ in
            n += 1
            return false
        }
        return n
    }

    public var isEmpty: Bool {
        guard let b = bytes.base, bytes.count >= 2 else { return true }
        return JSONBytes.skipWhitespace(b + 1, b + bytes.count - 1) == b + bytes.count - 1
    }

    /// Whether some element is a string with these bytes (escapes decoded).
    public func contains(string: ByteString) -> Bool {
        anyElement { v in
            if case .string(let s) = v { return s.equals(string) }
            return false
        }
    }

    /// Whether some element is a number equal to `number`.
    public func contains(number: Double) -> Bool {
        anyElement { v in
            if case .number(let x, _) = v { return x == number }
            return false
        }
    }
}

extension RawObject {
    /// Calls `body` for each member (duplicates included, in order); values as in `RawArray.forEachElement`.
    /// Keys and strings with escapes are decoded into a temporary buffer valid only during the call.
    public func forEachMember(_ body: (_ key: ByteString, _ value: Value) -> Void) {
        if !RawElements.hasEscape(bytes) {
            _ = RawElements.scanObject(bytes, scratch: nil) { k, v in
                body(k, v)
                return false
            }
            return
        }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(bytes.count, 1)) { buffer in
            _ = RawElements.scanObject(bytes, scratch: buffer.baseAddress) { k, v in
                body(k, v)
                return false
            }
        }
    }

    /// The number of members.
    public var count: Int {
        var n = 0
        _ = RawElements.scanObject(bytes, scratch: nil) { _, _ in
            n += 1
            return false
        }
        return n
    }
}
