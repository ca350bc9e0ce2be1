#if canImport(Glibc)
    import Glibc
#endif
import SentinelEvaluate

/// Turns a request body (NDJSON, a JSON array of events, or one JSON object) into an `EventBatch` of validated
/// single-line events, or the list of what is wrong with it.
///
/// Every event is validated completely (JSON syntax, `ts`, `kind`) before anything is queued, so a batch is
/// accepted or refused as a whole and the evaluation thread never sees a malformed line. Line breaks inside an
/// event (pretty-printed JSON) are folded to spaces, so every event is one line of recorded traffic.
public final class EventBatchReader {
    /// One malformed event: `line` is 1-based (the NDJSON line, or the array element's number for arrays),
    /// `offset` a byte offset into the body.
    public struct Problem: Sendable, Equatable {
        public var line: Int
        public var offset: Int
        public var field: String?
        public var message: String
    }

    private let decoder = EventDecoder(paths: AnswerObservation.paths)
    private let slots = UnsafeMutablePointer<Value>.allocate(capacity: AnswerObservation.paths.count)
    /// At most this many problems are listed; the count is always exact.
    public let maxProblems: Int

    public init(maxProblems: Int = 20) {
        self.maxProblems = maxProblems
        slots.initialize(repeating: .missing, count: AnswerObservation.paths.count)
    }

    deinit { slots.deallocate() }

    public struct Outcome {
        public var batch: EventBatch
        public var problems: [Problem]
        public var problemCount: Int
    }

    /// Reads `body`. The batch holds the valid events; check `problemCount` before queueing it.
    public func read(_ body: [UInt8], source: EventBatch.Source) -> Outcome {
        var out: [UInt8] = []
        out.reserveCapacity(body.count)
        var lines: [Range<Int>] = []
        var problems: [Problem] = []
        var problemCount = 0
        var maxTimestamp = Int64.min
        var answers: [AnswerObservation] = []

        func add(_ start: Int, _ end: Int, number: Int, fold: Bool) {
            var a = start
            var b = end
            while a < b, Self.isSpace(body[a]) { a += 1 }
            while b > a, Self.isSpace(body[b - 1]) { b -= 1 }
            let outStart = out.count
            if fold {
                for i in a..<b { out.append(body[i] == 0x0A || body[i] == 0x0D ? 0x20 : body[i]) }
            } else {
                out.append(contentsOf: body[a..<b])
            }
            let decoded = out.withUnsafeBytes { raw in
                Result { () throws(EventDecodeError) in
                    try decoder.decode(UnsafeRawBufferPointer(rebasing: raw[outStart...]), into: slots)
                }
            }
            switch decoded {
            case .success(let header):
                maxTimestamp = max(maxTimestamp, header.timestamp)
                lines.append(outStart..<out.count)
                if let answer = AnswerObservation(header: header, slots: slots) { answers.append(answer) }
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
        Self.forEachStructuralByte(body, from: from) { i, c, depth in
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
        forEachStructuralByte(body, from: from) { i, _, depth in
            guard depth == 0 else { return true }
            single = !body[(i + 1)...].contains { !isSpace($0) }
            return false
        }
        return single
    }

    /// Visits each byte outside string literals from `from` on, with the bracket depth after it (`[` and `{`
    /// open, `]` and `}` close), until `visit` returns false.
    private static func forEachStructuralByte(_ body: [UInt8], from: Int, _ visit: (Int, UInt8, Int) -> Bool) {
        var depth = 0
        var inString = false
        var escaped = false
        for i in from..<body.count {
            let c = body[i]
            if inString {
                if escaped {
                    escaped = false
                } else if c == UInt8(ascii: "\\") {
                    escaped = true
                } else if c == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch c {
            case UInt8(ascii: "\""):
                inString = true
                continue
            case UInt8(ascii: "["), UInt8(ascii: "{"): depth += 1
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            default: break
            }
            if !visit(i, c, depth) { return }
        }
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
