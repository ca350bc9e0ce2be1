/// Bytes of a string value, borrowed from the event line, a per-event scratch buffer or the graph's constants.
/// Valid only while the event it came from is being evaluated.
public struct ByteString: @unchecked Sendable, BitwiseCopyable {
    public var base: UnsafePointer<UInt8>?
    public var count: Int

    public init(base: UnsafePointer<UInt8>?, count: Int) {
        self.base = base
        self.count = count
    }

    public var buffer: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

    /// Byte-wise equality.
    public func equals(_ other: ByteString) -> Bool {
        guard count == other.count else { return false }
        if count == 0 { return true }
        return memcmp(base!, other.base!, count) == 0
    }

    /// A Swift string copy (allocates; for output, not the hot path).
    public var string: String { String(decoding: buffer, as: UTF8.self) }
}

/// A JSON array as written in the event: the bytes from `[` to `]` inclusive, decoded lazily.
public struct RawArray: @unchecked Sendable {
    public var bytes: ByteString

    public init(bytes: ByteString) {
        self.bytes = bytes
    }
}

/// A JSON object as written in the event: the bytes from `{` to `}` inclusive.
public struct RawObject: @unchecked Sendable {
    public var bytes: ByteString

    public init(bytes: ByteString) {
        self.bytes = bytes
    }
}

/// A field value of the event being evaluated. Trivial (no reference counting), so the hot loop never retains;
/// its pointers borrow the event like `ByteString`, hence `@unchecked Sendable`.
public enum Value: @unchecked Sendable {
    case missing
    case null
    case bool(Bool)
    /// A number, and its JSON text when the double may not be its exact value (more than 15 significant digits,
    /// or a power of ten beyond the double's fast range), so its label keeps every digit.
    case number(Double, text: UnsafePointer<UInt8>? = nil)
    case string(ByteString)
    case array(RawArray)
    case object(RawObject)

    public var number: Double? {
        if case .number(let n, _) = self { return n }
        return nil
    }

    /// Truthiness where a boolean is needed: only `true` is true.
    public var isTrue: Bool {
        if case .bool(true) = self { return true }
        return false
    }

    public var isPresent: Bool {
        switch self {
        case .missing, .null: false
        default: true
        }
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
