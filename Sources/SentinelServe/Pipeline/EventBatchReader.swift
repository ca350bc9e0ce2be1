#if canImport(Glibc)
    import Glibc
#endif
import SentinelCore
import SentinelEvaluate

/// Turns a request body (NDJSON, a JSON array of events, or one JSON object) into an `EventBatch` of validated
/// single-line events, or the list of what is wrong with it.
///
/// Every event is validated completely (JSON syntax, `ts`, `kind`, and the types of the fields the running graph
/// reads, as the engine checks them) before anything is queued, so a batch is accepted or refused as a whole and
/// the evaluation thread never sees a malformed line. Line breaks between the tokens of an event (pretty-printed
/// JSON) are folded to spaces, so every event is one line of recorded traffic; one inside a string is invalid JSON,
/// refused as such.
public final class EventBatchReader {
    /// One malformed event: `line` is 1-based (the NDJSON line, or the array element's number for arrays),
    /// `offset` a byte offset into the body.
    public struct Problem: Sendable, Equatable {
        public var line: Int
        public var offset: Int
        public var field: String?
        public var message: String
    }

    private let fieldTypes: EventFieldTypes
    /// Decodes the checked fields, then the overview's (`AnswerObservation.paths`).
    private let decoder: EventDecoder
    private let slots: UnsafeMutablePointer<Value>
    /// At most this many problems are listed; the count is always exact.
    public let maxProblems: Int

    /// A reader checking the field types `fieldTypes` gives (those of the graph the events are for).
    public init(fieldTypes: EventFieldTypes = EventFieldTypes(), maxProblems: Int = 20) {
        self.fieldTypes = fieldTypes
        self.maxProblems = maxProblems
        decoder = EventDecoder(paths: fieldTypes.paths + AnswerObservation.paths)
        slots = .allocate(capacity: decoder.slotCount)
        slots.initialize(repeating: .missing, count: decoder.slotCount)
    }

    deinit { slots.deallocate() }

    /// Validates one event line; returns its header and, for a completion, what the overview charts of it.
    public func readLine(_ line: UnsafeRawBufferPointer) throws(EventDecodeError) -> (header: EventHeader, answer: AnswerObservation?) {
        let header = try decoder.decode(line, into: slots)
        try fieldTypes.check(header, slots: slots, line: line)
        return (header, AnswerObservation(header: header, slots: slots + fieldTypes.paths.count))
    }

    public struct Outcome {
        public var batch: EventBatch
        public var problems: [Problem]
        public var problemCount: Int
    }

    /// Reads `body`. The batch holds the valid events; check `problemCount` before queueing it. With `latest`
    /// (`future` to say where it comes from), an event whose `ts` is after it is a problem: one event from the
    /// future would move event time there, and every event after it would be late.
    public func read(_ body: [UInt8], source: EventBatch.Source, latest: Int64? = nil, future: String = "") -> Outcome {
        var out: [UInt8] = []
        out.reserveCapacity(body.count)
        var lines: [Range<Int>] = []
        var problems: [Problem] = []
        var problemCount = 0
        var minTimestamp = Int64.max
        var maxTimestamp = Int64.min
        var answers: [AnswerObservation] = []

        func add(_ start: Int, _ end: Int, number: Int, fold: Bool) {
            var a = start
            var b = end
            while a < b, Self.isSpace(body[a]) { a += 1 }
            while b > a, Self.isSpace(body[b - 1]) { b -= 1 }
            let outStart = out.count
            out.append(contentsOf: body[a..<b])
            if fold {
                // Collected, then folded: writing to `out` while it is scanned would copy it.
                var breaks: [Int] = []
                Self.forEachStructuralByte(out, in: outStart..<out.count) { i, c, _ in
                    if c == 0x0A || c == 0x0D { breaks.append(i) }
                    return true
                }
                for i in breaks { out[i] = 0x20 }
            }
            let decoded = out.withUnsafeBytes { raw in
                Result { () throws(EventDecodeError) in try readLine(UnsafeRawBufferPointer(rebasing: raw[outStart...])) }
            }
            switch decoded {
            case .success(let (header, _)) where latest.map({ header.timestamp > $0 }) ?? false:
                let ts = Self.valueOffset(ofTopLevelKey: "ts", in: out, range: outStart..<out.count) ?? 0
                out.removeSubrange(outStart...)
                problemCount += 1
                if problems.count < maxProblems {
                    let ahead = DurationLiteral.format(milliseconds: header.timestamp - latest!)
                    problems.append(
                        Problem(
                            line: number, offset: a + ts, field: "ts",
                            message: "'ts' \(Timestamp.format(header.timestamp)) is \(ahead) past \(future)"))
                }
            case .success(let (header, answer)):
                minTimestamp = min(minTimestamp, header.timestamp)
                maxTimestamp = max(maxTimestamp, header.timestamp)
                lines.append(outStart..<out.count)
                if let answer { answers.append(answer) }
            case .failure(let error):
                out.removeSubrange(outStart...)
                problemCount += 1
                if problems.count < maxProblems {
                    problems.append(Problem(line: number, offset: a + error.offset, field: error.field, message: error.message))
                }
            }
        }

        var start = 0
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }
        var first = start
        while first < body.count, Self.isSpace(body[first]) { first += 1 }
        if first < body.count, body[first] == UInt8(ascii: "[") {
            splitArray(body, from: first, add: add, problem: { offset, message in
                problemCount += 1
                if problems.count < maxProblems { problems.append(Problem(line: 0, offset: offset, field: nil, message: message)) }
            })
        } else if first < body.count, body[first] == UInt8(ascii: "{"), Self.isSingleObject(body, from: first) {
            add(first, body.count, number: 1, fold: true)
        } else {
            var number = 0
            var lineStart = start
            while lineStart <= body.count {
                let end = Self.newline(in: body, from: lineStart) ?? body.count
                number += 1
                if (lineStart..<end).contains(where: { !Self.isSpace(body[$0]) }) {
                    add(lineStart, end, number: number, fold: false)
                }
                lineStart = end + 1
            }
        }
        var batch = EventBatch(bytes: out, lines: lines, source: source)
        batch.minTimestamp = minTimestamp
        batch.maxTimestamp = maxTimestamp
        batch.answers = answers
        return Outcome(batch: batch, problems: problems, problemCount: problemCount)
    }

    /// Calls `add` with the byte range of each top-level element of the JSON array starting at `from`.
    private func splitArray(
        _ body: [UInt8], from: Int, add: (Int, Int, Int, Bool) -> Void, problem: (Int, String) -> Void
    ) {
        var elementStart = from + 1
        var number = 0
        var closedAt: Int?
        let mismatch = Self.forEachStructuralByte(body, in: from..<body.count) { i, c, depth in
            if depth == 0 {
                if (elementStart..<i).contains(where: { !Self.isSpace(body[$0]) }) || number > 0 {
                    number += 1
                    add(elementStart, i, number, true)
                }
                closedAt = i
                return false
            }
            if c == UInt8(ascii: ","), depth == 1 {
                number += 1
                add(elementStart, i, number, true)
                elementStart = i + 1
            }
            return true
        }
        if let mismatch {
            problem(mismatch, "'\(Character(UnicodeScalar(body[mismatch])))' does not close the bracket before it")
            return
        }
        guard let closedAt else {
            problem(body.count, "unterminated JSON array")
            return
        }
        if body[(closedAt + 1)...].contains(where: { !Self.isSpace($0) }) {
            problem(closedAt + 1, "unexpected characters after the JSON array")
        }
    }

    /// Whether the body is one JSON object (possibly pretty-printed) rather than NDJSON: true when nothing but
    /// whitespace follows the object that starts at `from`.
    private static func isSingleObject(_ body: [UInt8], from: Int) -> Bool {
        var single = false
        forEachStructuralByte(body, in: from..<body.count) { i, _, depth in
            guard depth == 0 else { return true }
            single = !body[(i + 1)...].contains { !isSpace($0) }
            return false
        }
        return single
    }

    /// Visits each byte of `range` outside string literals, and the quotes that open and close them, with the
    /// bracket depth after it (`[` and `{` open, `]` and `}` close), until `visit` returns false. Returns the
    /// offset of a bracket that closes one of the other kind (`[ … }`), where the visit stops, or nil.
    @discardableResult
    private static func forEachStructuralByte(
        _ body: [UInt8], in range: Range<Int>, _ visit: (Int, UInt8, Int) -> Bool
    ) -> Int? {
        var open: [UInt8] = []
        var inString = false
        var escaped = false
        for i in range {
            let c = body[i]
            if inString {
                if escaped {
                    escaped = false
                } else if c == UInt8(ascii: "\\") {
                    escaped = true
                } else if c == UInt8(ascii: "\"") {
                    inString = false
                    if !visit(i, c, open.count) { return nil }
                }
                continue
            }
            switch c {
            case UInt8(ascii: "\""):
                inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"): open.append(c)
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                // `[` and `]` are 0x5B and 0x5D, `{` and `}` 0x7B and 0x7D.
                guard open.last == c - 2 else { return i }
                open.removeLast()
            default: break
            }
            if !visit(i, c, open.count) { return nil }
        }
        return nil
    }

    /// Where the value of the top-level member `key` starts in bytes `range` of `body` (a valid JSON object),
    /// from the range's start.
    static func valueOffset(ofTopLevelKey key: String, in body: [UInt8], range: Range<Int>) -> Int? {
        let name = Array(key.utf8)
        var quotes: [Int] = []  // the last string's quotes at depth 1, while a colon may follow it
        var found: Int?
        var colon = false
        forEachStructuralByte(body, in: range) { i, c, depth in
            if colon {
                if isSpace(c) { return true }
                found = i - range.lowerBound
                return false
            }
            if c == UInt8(ascii: "\""), depth == 1 {
                quotes = quotes.count == 1 ? quotes + [i] : [i]
            } else if c == UInt8(ascii: ":"), depth == 1, quotes.count == 2,
                body[(quotes[0] + 1)..<quotes[1]].elementsEqual(name)
            {
                colon = true
            } else if !isSpace(c) {
                quotes = []
            }
            return true
        }
        return found
    }

    /// The index of the first `\n` at or after `from`, found with `memchr`.
    private static func newline(in body: [UInt8], from: Int) -> Int? {
        guard from < body.count else { return nil }
        return body.withUnsafeBytes { raw in
            memchr(raw.baseAddress! + from, 0x0A, raw.count - from).map { raw.baseAddress!.distance(to: UnsafeRawPointer($0)) }
        }
    }

    private static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 }
}
