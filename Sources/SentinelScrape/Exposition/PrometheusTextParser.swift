#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Parses the Prometheus text exposition format 0.0.4, and tolerates OpenMetrics text (`# EOF`, `# UNIT`,
/// `_created` samples, exemplars, its extra metric types).
///
/// One forward pass over the bytes, no regular expressions; names and label strings are interned, so an
/// exposition's thousands of repeated names cost one allocation each. Any bytes give either an `Exposition` or
/// an `ExpositionError` with its line and column; like Prometheus, one malformed line fails the whole exposition.
///
/// ```swift
/// let exposition = try PrometheusTextParser.parse(body.readableBytesView)
/// for sample in exposition.samples where !sample.isCreated { ... }
/// ```
public struct PrometheusTextParser {
    let b: UnsafeBufferPointer<UInt8>
    var i = 0
    var line = 1
    var lineStart = 0
    var sawEOF = false
    let sampleLimit: Int

    var strings = StringInterner()
    var families: [MetricFamily] = []
    var familyIndex: [String: Int] = [:]
    /// Families with a `# TYPE` line, which is what attributes suffixed samples to them.
    var declaredTypes: [String: MetricType] = [:]
    /// Each interned sample name's type, valid while its `version` is `metadataVersion` (bumped by `# TYPE`).
    var resolutions: [Resolution] = []
    var metadataVersion = 0
    var samples: [MetricSample] = []

    /// The previous sample line's name, and its label names and values by position: most lines repeat them.
    var recentName = RecentToken()
    var recentLabelNames: [RecentToken] = []
    var recentLabelValues: [RecentToken] = []
    /// By interned string: the last line that has it as a label name (0: none), so a duplicate label is found in
    /// constant time however many labels a line has.
    var labelNameLines: [Int] = []
    /// Reused per escaped label value.
    var unescaped: [UInt8] = []

    /// Where an interned token was last read.
    struct RecentToken {
        var start = 0
        var length = -1
        var id: Int32 = -1
    }

    struct Resolution {
        var type = MetricType.untyped
        var isCreated = false
        var version = -1
    }

    private init(_ bytes: UnsafeBufferPointer<UInt8>, sampleLimit: Int) {
        b = bytes
        self.sampleLimit = sampleLimit
    }

    /// Parses a whole exposition: a `/metrics` body, or a `String`'s `utf8`. With more than `sampleLimit` samples
    /// it stops there, with an error whose `sampleLimit` is set.
    public static func parse<Bytes: Collection<UInt8>>(_ bytes: Bytes, sampleLimit: Int = .max)
        throws(ExpositionError) -> Exposition
    {
        let parse = { (buffer: UnsafeBufferPointer<UInt8>) in Self.parse(buffer: buffer, sampleLimit: sampleLimit) }
        let result = bytes.withContiguousStorageIfAvailable(parse) ?? Array(bytes).withUnsafeBufferPointer(parse)
        return try result.get()
    }

    private static func parse(buffer: UnsafeBufferPointer<UInt8>, sampleLimit: Int) -> Result<Exposition, ExpositionError> {
        var parser = PrometheusTextParser(buffer, sampleLimit: sampleLimit)
        return Result { () throws(ExpositionError) in try parser.parseAll() }
    }

    private mutating func parseAll() throws(ExpositionError) -> Exposition {
        while i < b.count && !sawEOF {
            skipBlanks()
            if !atLineEnd {
                if b[i] == UInt8(ascii: "#") { try parseComment() } else { try parseSample() }
            }
            endLine()
        }
        while i < b.count {
            skipBlanks()
            guard atLineEnd else { throw error(at: i, "unexpected content after '# EOF'") }
            endLine()
        }
        return Exposition(families: families, samples: samples)
    }

    // MARK: - Bytes and lines

    @inline(__always)
    static func isBlank(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 }

    @inline(__always)
    static func isLabelNameStart(_ c: UInt8) -> Bool { (c | 0x20) &- 0x61 < 26 || c == 0x5F }

    @inline(__always)
    static func isMetricNameStart(_ c: UInt8) -> Bool { isLabelNameStart(c) || c == 0x3A }

    @inline(__always)
    static func isDigit(_ c: UInt8) -> Bool { c &- 0x30 < 10 }

    /// At `\n`, at a `\r` that ends the line or the input (CRLF), or at the end.
    var atLineEnd: Bool {
        i == b.count || b[i] == 0x0A || (b[i] == 0x0D && (i + 1 == b.count || b[i + 1] == 0x0A))
    }

    var atTokenEnd: Bool { atLineEnd || Self.isBlank(b[i]) }

    mutating func skipBlanks() {
        while i < b.count && Self.isBlank(b[i]) { i += 1 }
    }

    mutating func skipToLineEnd() {
        while !atLineEnd { i += 1 }
    }

    /// Steps over the line end at `i`.
    mutating func endLine() {
        if i < b.count && b[i] == 0x0D { i += 1 }
        if i < b.count { i += 1 }
        line += 1
        lineStart = i
    }

    func text(_ start: Int, _ end: Int) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: b[start..<end]), as: UTF8.self)
    }

    /// `token` in quotes as an error message shows it: its first 64 characters and how long it is when longer, so
    /// a 4 MB token does not make each failed scrape a 4 MB log line and event.
    func quoted(_ token: String) -> String {
        // Counted in Unicode scalars: one character can hold any number of combining marks.
        let scalars = token.unicodeScalars
        guard scalars.count > 64 else { return "'\(token)'" }
        return "'\(String(String.UnicodeScalarView(scalars.prefix(64))))…' (\(scalars.count) characters)"
    }

    /// The byte at `position` as an error message shows it.
    func describe(_ position: Int) -> String {
        guard position < b.count else { return "end of input" }
        let c = b[position]
        if c == 0x0A || c == 0x0D { return "end of line" }
        if Self.isBlank(c) { return "whitespace" }
        if c > 0x20 && c < 0x7F { return "'\(Character(Unicode.Scalar(c)))'" }
        let hex = String(c, radix: 16, uppercase: true)
        return "byte 0x" + (hex.count == 1 ? "0" + hex : hex)
    }

    /// An error at byte `position` of the current line; the column counts characters, not bytes.
    func error(at position: Int, _ message: String) -> ExpositionError {
        var column = 1
        var k = lineStart
        while k < position && k < b.count {
            if b[k] & 0xC0 != 0x80 { column += 1 }
            k += 1
        }
        return ExpositionError(line: line, column: column, message: message)
    }

    /// Scans `[a-zA-Z_:][a-zA-Z0-9_:]*` at `i`; otherwise fails with "<expected>, found …".
    mutating func scanMetricName(expected: String) throws(ExpositionError) -> Range<Int> {
        let start = i
        guard i < b.count && Self.isMetricNameStart(b[i]) else {
            throw error(at: i, "\(expected), found \(describe(i))")
        }
        repeat { i += 1 } while i < b.count && (Self.isMetricNameStart(b[i]) || Self.isDigit(b[i]))
        return start..<i
    }

    /// Interns `bytes`, comparing them first with `recent`, the token read at the same place on the line before,
    /// which then becomes this one.
    mutating func intern(_ bytes: Range<Int>, recent: inout RecentToken) throws(ExpositionError) -> Int32 {
        if repeats(bytes, recent) {
            recent.start = bytes.lowerBound
            return recent.id
        }
        let id = try intern(bytes)
        recent = RecentToken(start: bytes.lowerBound, length: bytes.count, id: id)
        return id
    }

    /// Appends `bytes` to `out` with `\\` and `\n` unescaped, and `\"` too when `quotes` (label values, not HELP
    /// text); other backslashes are kept, as Prometheus keeps them.
    func unescape(_ bytes: Range<Int>, quotes: Bool, into out: inout [UInt8]) {
        var k = bytes.lowerBound
        while k < bytes.upperBound {
            let c = b[k]
            guard c == UInt8(ascii: "\\") && k + 1 < bytes.upperBound else {
                out.append(c)
                k += 1
                continue
            }
            switch b[k + 1] {
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "\\"): out.append(c)
            case UInt8(ascii: "\"") where quotes: out.append(b[k + 1])
            default: out.append(contentsOf: [c, b[k + 1]])
            }
            k += 2
        }
    }

    /// Whether `bytes` equal the token `recent`.
    @inline(__always)
    func repeats(_ bytes: Range<Int>, _ recent: RecentToken) -> Bool {
        guard recent.length == bytes.count, let base = b.baseAddress else { return false }
        return memcmp(base + bytes.lowerBound, base + recent.start, bytes.count) == 0
    }

    mutating func intern(_ bytes: Range<Int>) throws(ExpositionError) -> Int32 {
        guard let id = strings.intern(UnsafeBufferPointer(rebasing: b[bytes])) else {
            throw error(at: bytes.lowerBound, "text that is not valid UTF-8")
        }
        return id
    }
}
