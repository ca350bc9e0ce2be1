import SentinelCore
@testable import SentinelEvaluate
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A copy of a decoded value that outlives the line (for assertions).
enum DecodedValue: Equatable, CustomStringConvertible {
    case missing
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array(String)
    case object(String)

    init(_ v: Value) {
        switch v {
        case .missing: self = .missing
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .number(let n, _): self = .number(n)
        case .string(let s): self = .string(s.string)
        case .array(let a): self = .array(a.bytes.string)
        case .object(let o): self = .object(o.bytes.string)
        }
    }

    var description: String {
        switch self {
        case .missing: "missing"
        case .null: "null"
        case .bool(let b): "\(b)"
        case .number(let n): "\(n)"
        case .string(let s): "\"\(s)\""
        case .array(let a): "array \(a)"
        case .object(let o): "object \(o)"
        }
    }
}

struct DecodedEvent {
    var timestamp: Int64
    var kind: String
    var values: [DecodedValue]
    /// The slot just past `slotCount`, which decode must not touch.
    var guardSlot: DecodedValue
}

/// Decodes `line` with a fresh decoder for `paths`; slots are pre-filled with garbage to check every one is written.
func decodeLine(_ line: String, _ paths: [[String]]) -> Result<DecodedEvent, EventDecodeError> {
    let decoder = EventDecoder(paths: paths)
    return decodeLine(line, with: decoder)
}

func decodeLine(_ line: String, with decoder: EventDecoder) -> Result<DecodedEvent, EventDecodeError> {
    let n = decoder.slotCount
    let slots = UnsafeMutablePointer<Value>.allocate(capacity: n + 1)
    defer { slots.deallocate() }
    slots.initialize(repeating: .number(-12345), count: n + 1)
    let bytes = Array(line.utf8)
    return bytes.withUnsafeBytes { raw in
        do throws(EventDecodeError) {
            let header = try decoder.decode(raw, into: slots)
            return .success(
                DecodedEvent(
                    timestamp: header.timestamp, kind: header.kind.string,
                    values: (0..<n).map { DecodedValue(slots[$0]) }, guardSlot: DecodedValue(slots[n])))
        } catch {
            return .failure(error)
        }
    }
}

func decodeError(_ line: String, _ paths: [[String]] = [["a"]]) -> EventDecodeError? {
    if case .failure(let e) = decodeLine(line, paths) { return e }
    return nil
}

/// Wraps members into a valid event.
func event(_ members: String) -> String {
    #"{"ts":"2026-05-01T12:00:00Z","kind":"completion","# + members + "}"
}

let readmeCompletion = #"""
    {"ts":"2026-05-01T12:00:00Z","kind":"completion","id":"c-1","model":"olmo-2-1b","prompt":"...","response":"...","latency_ms":840,"ttft_ms":95,"prompt_tokens":31,"completion_tokens":212,"finish_reason":"stop","prompt_guard":{"safety":"unsafe","categories":["Violent"]},"response_guard":{"safety":"safe","categories":[],"refusal":true},"reprompt_of":null,"attrs":{"user":"u-17","dataset":"wildjailbreak","adversarial":true}}
    """#

@Suite struct EventDecoderTests {
    @Test func readmeCompletionLine() throws {
        let paths = [
            ["model"], ["response_guard", "safety"], ["response_guard", "refusal"], ["prompt_guard", "categories"],
            ["attrs", "user"], ["attrs", "adversarial"], ["latency_ms"], ["reprompt_of"], ["attrs"], ["not", "there"],
            ["response_guard", "categories"], ["ts"], ["kind"], ["attrs", "nope"], ["prompt_guard", "safety", "deeper"],
        ]
        let e = try decodeLine(readmeCompletion, paths).get()
        #expect(e.timestamp == 1_777_636_800_000)
        #expect(e.kind == "completion")
        #expect(
            e.values == [
                .string("olmo-2-1b"), .string("safe"), .bool(true), .array(#"["Violent"]"#), .string("u-17"),
                .bool(true), .number(840), .null,
                .object(#"{"user":"u-17","dataset":"wildjailbreak","adversarial":true}"#), .missing, .array("[]"),
                .string("2026-05-01T12:00:00Z"), .string("completion"), .missing, .missing,
            ])
        #expect(e.guardSlot == .number(-12345))
    }

    @Test func metricLine() throws {
        let line = #"""
            {"ts":"2026-05-01T12:00:05Z","kind":"metric","name":"vllm:request_latency_seconds_bucket","labels":{"model_name":"olmo-2-1b","le":"+Inf"},"value":3,"type":"counter"}
            """#
        let e = try decodeLine(line, [["labels", "le"], ["value"], ["name"], ["labels", "model_name"], ["type"]]).get()
        #expect(e.kind == "metric")
        #expect(e.timestamp == 1_777_636_805_000)
        #expect(
            e.values == [
                .string("+Inf"), .number(3), .string("vllm:request_latency_seconds_bucket"), .string("olmo-2-1b"),
                .string("counter"),
            ])
    }

    @Test func noPathsStillValidatesAndReturnsHeader() throws {
        let e = try decodeLine(readmeCompletion, []).get()
        #expect(e.values.isEmpty)
        #expect(e.guardSlot == .number(-12345))
        #expect(e.kind == "completion")
        #expect(decodeError(event(#""x":[1,2,}"#), []) != nil)
    }

    @Test func whitespaceEverywhere() throws {
        let line = " \t{ \"ts\" : \"2026-05-01T12:00:00Z\" ,\r\n \"kind\"\t:\"k\" , \"a\" : [ 1 , { \"b\" : 2 } ] , \"c\" : { \"d\" : \"x\" } } \r\n"
        let e = try decodeLine(line, [["a"], ["c", "d"]]).get()
        #expect(e.values == [.array(#"[ 1 , { "b" : 2 } ]"#), .string("x")])
        #expect(e.kind == "k")
    }

    @Test func emptyPathReceivesWholeObjectAndDuplicatePathsShareValue() throws {
        let line = event(#""model":"m""#)
        let e = try decodeLine("  " + line + " ", [[], ["model"], ["model"], ["kind"]]).get()
        #expect(e.values == [.object(line), .string("m"), .string("m"), .string("completion")])
    }

    // MARK: Strings

    @Test func simpleEscapes() throws {
        let e = try decodeLine(event(#""a":"q\"b\\s\/f\bx\fy\nz\rw\tv""#), [["a"]]).get()
        #expect(e.values == [.string("q\"b\\s/f\u{8}x\u{c}y\nz\rw\tv")])
    }

    @Test func unicodeEscapesAndSurrogates() throws {
        let e = try decodeLine(
            event(
                #""a":"caf\u00e9 \u20AC","b":"\ud83d\ude00!","c":"x\ud83dy","d":"\ude00","e":"\u0000","f":"\ud83d\u0041""#
            ),
            [["a"], ["b"], ["c"], ["d"], ["e"], ["f"]]
        ).get()
        #expect(
            e.values == [
                .string("café €"), .string("😀!"), .string("x\u{FFFD}y"), .string("\u{FFFD}"), .string("\u{0}"),
                .string("\u{FFFD}A"),
            ])
    }

    @Test func unicodeBytesAreExact() throws {
        // Check raw bytes (String comparison would hide normalization).
        let decoder = EventDecoder(paths: [["a"], ["b"]])
        let slots = UnsafeMutablePointer<Value>.allocate(capacity: 2)
        defer { slots.deallocate() }
        let bytes = Array(event(#""a":"\ud83d\ude00\u00e9","b":"é""#).utf8)
        try bytes.withUnsafeBytes { raw in
            _ = try decoder.decode(raw, into: slots)
            guard case .string(let a) = slots[0], case .string(let b) = slots[1] else {
                Issue.record("not strings")
                return
            }
            #expect(Array(a.buffer) == [0xF0, 0x9F, 0x98, 0x80, 0xC3, 0xA9])
            #expect(a.equals([0xF0, 0x9F, 0x98, 0x80, 0xC3, 0xA9]))
            // The unescaped string is borrowed from the line itself.
            #expect(b.base == raw.baseAddress!.assumingMemoryBound(to: UInt8.self) + (bytes.count - 4))
            #expect(b.equals("é"))
        }
    }

    @Test func manyEscapedStringsDoNotOverwriteEachOther() throws {
        var members: [String] = []
        var paths: [[String]] = []
        for i in 0..<50 {
            members.append(#""k\#(i)":"v\u00e9\n\#(i)""#)
            paths.append(["k\(i)"])
        }
        let e = try decodeLine(event(members.joined(separator: ",")), paths).get()
        #expect(e.values == (0..<50).map { .string("vé\n\($0)") })
    }

    @Test func escapedKeysMatchPaths() throws {
        let e = try decodeLine(
            event(#""mo\u0064el":"m","at\u0074rs":{"us\u0065r":"u"},"we\"ird":1"#),
            [["model"], ["attrs", "user"], ["we\"ird"]]
        ).get()
        #expect(e.values == [.string("m"), .string("u"), .number(1)])
    }

    @Test func escapedKindAndTimestamp() throws {
        let e = try decodeLine(#"{"kind":"com\u0070letion","ts":"2026-05-01T12:00:00\u005a"}"#, []).get()
        #expect(e.kind == "completion")
        #expect(e.timestamp == 1_777_636_800_000)
    }

    @Test func longStringsAcrossWordBoundaries() throws {
        // Exercise the 8-byte scanning at every alignment and with specials at every position.
        for length in 0..<40 {
            let body = String(repeating: "x", count: length)
            let e = try decodeLine(event(#""a":"\#(body)","b":"\#(body)\n\#(body)""#), [["a"], ["b"]]).get()
            #expect(e.values == [.string(body), .string(body + "\n" + body)])
            let bad = String(event(#""a":"\#(body)"#).dropLast()) + "\u{1}\"}"
            #expect(decodeError(bad)?.message == "control character in string")
            #expect(decodeError(bad)?.offset == event("").utf8.count - 1 + 5 + length)
        }
    }

    @Test func nonASCIIAndHighBytesPassThrough() throws {
        let e = try decodeLine(event("\"a\":\"日本語 ✓ \u{7f}\""), [["a"]]).get()
        #expect(e.values == [.string("日本語 ✓ \u{7f}")])
    }

    // MARK: Objects and paths

    @Test func nestedPaths() throws {
        let line = event(#""a":{"b":{"c":{"d":"deep"},"x":[{"c":1}]},"s":"str"},"n":5"#)
        let e = try decodeLine(
            line,
            [
                ["a", "b", "c", "d"], ["a", "b", "c"], ["a", "s", "t"], ["n", "x"], ["a", "b", "x"], ["a", "b", "x", "c"],
                ["a", "missing", "c"],
            ]
        ).get()
        #expect(
            e.values == [
                .string("deep"), .object(#"{"d":"deep"}"#), .missing, .missing, .array(#"[{"c":1}]"#), .missing,
                .missing,
            ])
    }

    @Test func sameKeyAtOtherLevelsIsNotConfused() throws {
        let line = event(#""attrs":{"model":"inner","ts":"x","kind":5},"model":"outer""#)
        let e = try decodeLine(line, [["model"], ["attrs", "model"], ["attrs", "ts"], ["attrs", "kind"]]).get()
        #expect(e.values == [.string("outer"), .string("inner"), .string("x"), .number(5)])
    }

    @Test func duplicateKeysLastWins() throws {
        let paths = [["a"], ["a", "b"], ["a", "c"], ["x"]]
        var e = try decodeLine(event(#""a":{"b":1},"a":2,"x":1,"x":"two""#), paths).get()
        #expect(e.values == [.number(2), .missing, .missing, .string("two")])
        e = try decodeLine(event(#""a":{"b":1},"a":{"c":2}"#), paths).get()
        #expect(e.values == [.object(#"{"c":2}"#), .missing, .number(2), .missing])
        e = try decodeLine(event(#""a":{"b":1,"b":3}"#), paths).get()
        #expect(e.values == [.object(#"{"b":1,"b":3}"#), .number(3), .missing, .missing])
    }

    /// JSON text must be UTF-8: a line with other bytes is malformed at its first bad byte, naming the member,
    /// in the indexed and the sequential scan alike; well-formed multi-byte text passes.
    @Test func invalidUTF8IsAnErrorAtTheFirstBadByte() {
        let prefix = #"{"ts":1,"kind":"completion","model":"ok ünï 日本 🙂","prompt":"ab"#
        for bad: [UInt8] in [[0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0x80]] {
            for indexed in [true, false] {
                let decoder = EventDecoder(paths: [["model"]])
                decoder.usesQuoteIndex = indexed
                // Long enough that the bad byte is past the first 64-byte block.
                let bytes = Array(prefix.utf8) + bad + Array(#"cd","x":"\#(String(repeating: "y", count: 70))"}"#.utf8)
                let error = bytes.withUnsafeBytes { raw -> EventDecodeError? in
                    let slots = UnsafeMutablePointer<Value>.allocate(capacity: 1)
                    defer { slots.deallocate() }
                    do throws(EventDecodeError) {
                        _ = try decoder.decode(raw, into: slots)
                        return nil
                    } catch { return error }
                }
                #expect(error?.message == "invalid UTF-8", "\(bad) indexed \(indexed)")
                #expect(error?.offset == prefix.utf8.count, "\(bad) indexed \(indexed)")
                #expect(error?.field == "prompt", "\(bad) indexed \(indexed)")
            }
        }
        #expect(decodeError(#"{"ts":1,"kind":"k","a":"ok ünï 日本 🙂 \u00e9"}"#) == nil)
    }

    /// The validator agrees with the standard library's on random bytes around the multi-byte boundaries.
    @Test func utf8ValidationAgreesWithTheStandardLibrary() {
        var generator = SplitMix64(seed: 3)
        let interesting: [UInt8] = [0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1,
            0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF]
        for _ in 0..<50_000 {
            let bytes = (0..<Int(generator.next() % 12)).map { _ in interesting[Int(generator.next() % UInt64(interesting.count))] }
            let valid = String(validating: bytes, as: UTF8.self) != nil
            let found = bytes.withUnsafeBufferPointer { UTF8Validation.firstInvalid($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, count: $0.count) }
            #expect((found == nil) == valid, "\(bytes)")
            if (found == nil) != valid { return }
        }
    }

    /// The event's time and kind decide its order and its rules: a second `ts` or `kind` is an error, not a guess
    /// that would differ between the re-ordering header (first) and the full decode (last).
    @Test func aSecondTimestampOrKindIsAnError() {
        let twoTimes = #"{"ts":"2026-05-01T12:00:00Z","kind":"a","ts":"2026-05-01T13:00:00Z"}"#
        var error = decodeError(twoTimes, [["model"]])
        #expect(error?.message == "'ts' appears twice")
        #expect(error?.field == "ts")
        #expect(error?.offset == twoTimes.utf8.count - 23)
        error = decodeError(#"{"ts":1,"kind":"a","x":{"kind":"inner"},"kind":"b"}"#, [["x", "kind"]])
        #expect(error?.message == "'kind' appears twice")
        #expect(error?.field == "kind")
        // Nested `ts` and `kind` are ordinary keys.
        #expect(decodeError(#"{"ts":1,"kind":"a","x":{"ts":2,"kind":"b"}}"#, [["x", "ts"]]) == nil)
    }

    /// A kind is a name (`schemas/traffic.schema.json`): an empty one or one with whitespace or a control
    /// character is a malformed line, in the fast header path as in the full decode.
    @Test(arguments: [#""""#, #""com pletion""#, #""a\u0000b""#, #""a\nb""#, #""\u0085""#, #""x\u00a0y""#])
    func aKindThatIsNoNameIsAnError(kind: String) throws {
        let line = #"{"ts":"2026-05-01T12:00:00Z","kind":\#(kind),"model":"m"}"#
        let error = try #require(decodeError(line, [["model"]]))
        #expect(error.field == "kind")
        #expect(error.offset == 36)
        #expect(error.message.hasPrefix("'kind' must be a name without whitespace or control characters"))
        var bytes = Array(line.utf8)
        let header = bytes.withUnsafeMutableBytes { raw in
            Result { () throws(EventDecodeError) in try EventDecoder(paths: []).header(of: UnsafeRawBufferPointer(raw)) }
        }
        #expect(throws: EventDecodeError.self) { try header.get() }
        #expect(decodeError(#"{"ts":1,"kind":"café.feedback"}"#) == nil)
    }

    /// The word-at-a-time check of a kind agrees with the string one for every ASCII byte at every position.
    @Test func theKindCheckAgreesWithTheStringOneForEveryByte() {
        for length in [1, 7, 8, 9, 16, 17] {
            for position in 0..<length {
                for byte in UInt8(0)...UInt8(0x7F) {
                    var bytes = [UInt8](repeating: UInt8(ascii: "k"), count: length)
                    bytes[position] = byte
                    let text = String(decoding: bytes, as: UTF8.self)
                    let fast = bytes.withUnsafeBufferPointer { EventKind.isValid(utf8: $0) }
                    #expect(fast == EventKind.isValid(text), "\(bytes)")
                }
            }
        }
        for text in ["café", "x\u{85}y", "\u{2028}", "日本語", "emoji😀kind"] {
            let fast = Array(text.utf8).withUnsafeBufferPointer { EventKind.isValid(utf8: $0) }
            #expect(fast == EventKind.isValid(text), "\(text)")
        }
    }

    @Test func pathThroughNonObjectIsMissing() throws {
        for v in [#""s""#, "1", "true", "null", "[1,{\"b\":2}]"] {
            let e = try decodeLine(event(#""a":\#(v)"#), [["a", "b"], ["a", "b", "c"]]).get()
            #expect(e.values == [.missing, .missing], "a = \(v)")
        }
    }

    @Test func emptyObjectAndEmptyKey() throws {
        let e = try decodeLine(event(#""a":{},"":"empty-key","b":{"":1}"#), [["a"], [""], ["b", ""], ["a", "x"]]).get()
        #expect(e.values == [.object("{}"), .string("empty-key"), .number(1), .missing])
    }

    @Test func manySiblingsHashTable() throws {
        // More paths than the smallest table, with similar keys.
        let names = (0..<40).map { "key_\($0)_x" } + ["k", "ke", "key", "kex", "xek"]
        let members = names.enumerated().map { #""\#($1)":\#($0)"# }.joined(separator: ",")
        let e = try decodeLine(event(members + #","unrelated":1,"key_1_y":2"#), names.map { [$0] } + [["key_1"]]).get()
        #expect(e.values == names.indices.map { .number(Double($0)) } + [.missing])
    }

    // MARK: Depth

    @Test func nestingLimitInSkippedValues() throws {
        // The event object is level 1, so 127 nested arrays reach level 128.
        let ok = event(#""x":"# + String(repeating: "[", count: 127) + String(repeating: "]", count: 127))
        #expect(throws: Never.self) { try decodeLine(ok, [["a"]]).get() }
        let prefix = event("").dropLast().count + #""x":"#.count
        let tooDeep = event(#""x":"# + String(repeating: "[", count: 128) + String(repeating: "]", count: 128))
        let err = decodeError(tooDeep)
        #expect(err?.message == "nesting deeper than 128 levels")
        #expect(err?.offset == prefix + 127)
        #expect(err?.field == "x")
        // Objects and a very deep unterminated line must not blow the stack.
        let objects = event(#""x":"# + String(repeating: #"{"a":"#, count: 200))
        #expect(decodeError(objects)?.message == "nesting deeper than 128 levels")
        let huge = "{" + #""x":"# + String(repeating: "[", count: 1_000_000)
        #expect(decodeError(huge)?.message == "nesting deeper than 128 levels")
    }

    @Test func nestingLimitAlongPaths() throws {
        let path = Array(repeating: "a", count: 130)
        func nested(_ levels: Int) -> String {
            String(repeating: #"{"a":"#, count: levels) + "1" + String(repeating: "}", count: levels)
        }
        // The event object + 127 nested objects = 128 levels.
        var e = try decodeLine(event(#""a":"# + nested(127)), [Array(path.prefix(128))]).get()
        #expect(e.values == [.number(1)])
        e = try decodeLine(event(#""a":"# + nested(127)), [Array(path.prefix(127))]).get()
        #expect(e.values == [.object(#"{"a":1}"#)])
        for paths in [[path], [["a"]], [Array(path.prefix(50))]] {
            let err = decodeError(event(#""a":"# + nested(128)), paths)
            #expect(err?.message == "nesting deeper than 128 levels")
            #expect(err?.offset == event("").utf8.count - 1 + 4 + 127 * 5)
        }
    }

    // MARK: Malformed lines

    @Test(arguments: [
        ("", "expected a JSON object", 0),
        ("   ", "expected a JSON object", 3),
        ("[1]", "expected a JSON object", 0),
        ("\"x\"", "expected a JSON object", 0),
        ("{", "expected a string key or '}'", 1),
        ("{,}", "expected a string key or '}'", 1),
        (#"{"a":1,}"#, "expected a string key", 7),
        (#"{"a":1,,"#, "expected a string key", 7),
        (#"{a:1}"#, "expected a string key or '}'", 1),
        (#"{"a" 1}"#, "expected ':' after an object key", 5),
        (#"{"a"}"#, "expected ':' after an object key", 4),
        (#"{"a":}"#, "expected a value", 5),
        (#"{"a":"#, "expected a value", 5),
        (#"{"a":1"#, "expected ',' or '}' after a value", 6),
        (#"{"a":1 "b":2}"#, "expected ',' or '}' after a value", 7),
        (#"{"a":1]"#, "expected ',' or '}' after a value", 6),
        (#"{"a":12a}"#, "expected ',' or '}' after a value", 7),
        (#"{"a":[1,2}"#, "expected ',' or ']' after a value", 9),
        (#"{"a":[1,2"#, "expected ',' or ']' after a value", 9),
        (#"{"a":[1,]}"#, "expected a value", 8),
        (#"{"a":[,]}"#, "expected a value", 6),
        (#"{"a":{"b":1]}"#, "expected ',' or '}' after a value", 11),
        (#"{"a":{"b"}}"#, "expected ':' after an object key", 9),
        (#"{"a":"abc}"#, "unterminated string", 5),
        (#"{"a":"abc\"}"#, "unterminated string", 5),
        (#"{"a":"abc\"#, "unterminated string", 5),
        (#"{"abc}"#, "unterminated string", 1),
        (#"{"a":"x\u12"#, "unterminated string", 5),
        (#"{"a":"\x"}"#, "invalid escape sequence", 6),
        (#"{"a":"ab\'"}"#, "invalid escape sequence", 8),
        (#"{"a":"\u12G4"}"#, "invalid \\u escape (expected 4 hex digits)", 6),
        (#"{"a":"\u12"}"#, "invalid \\u escape (expected 4 hex digits)", 6),
        ("{\"a\":\"x\ty\"}", "control character in string", 7),
        ("{\"a\":\"x\ny\"}", "control character in string", 7),
        ("{\"a\u{0}\":1}", "control character in string", 3),
        (#"{"a":tru}"#, "invalid literal", 5),
        (#"{"a":nul"#, "invalid literal", 5),
        (#"{"a":True}"#, "expected a value", 5),
        (#"{"a":NaN}"#, "expected a value", 5),
        (#"{"a":falsey}"#, "expected ',' or '}' after a value", 10),
        (#"{"a":01}"#, "invalid number", 5),
        (#"{"a":-01}"#, "invalid number", 5),
        (#"{"a":1.}"#, "invalid number", 5),
        (#"{"a":1.e5}"#, "invalid number", 5),
        (#"{"a":.5}"#, "expected a value", 5),
        (#"{"a":-}"#, "invalid number", 5),
        (#"{"a":-"#, "invalid number", 5),
        (#"{"a":+1}"#, "expected a value", 5),
        (#"{"a":1e}"#, "invalid number", 5),
        (#"{"a":1e+}"#, "invalid number", 5),
        (#"{"a":[1,"#, "expected a value", 8),
        (#"{"a":1}x"#, "unexpected characters after the object", 7),
        (#"{"a":1} {"b":2}"#, "unexpected characters after the object", 8),
        (#"{"a":1}}"#, "unexpected characters after the object", 7),
        ("{\"a\":1}\r{\"a\":2}", "unexpected characters after the object (after a carriage return: lines end in LF or CR LF, not CR alone)", 8),
    ])
    func malformed(line: String, message: String, offset: Int) {
        for paths in [[["a"]], [], [["a", "b"]]] {
            let e = decodeError(line, paths)
            #expect(e?.message == message, "\(line) with \(paths)")
            #expect(e?.offset == offset, "\(line) with \(paths)")
        }
    }

    @Test func errorNamesTheTopLevelField() {
        let line = event(#""attrs":{"user":"u","x":[1,{"y":tru}]}"#)
        let e = decodeError(line, [["attrs", "user"]])
        #expect(e?.message == "invalid literal")
        #expect(e?.field == "attrs")
        #expect(e?.offset == line.utf8.count - 7)
        #expect(decodeError(#"{"a":1,"b"}"#)?.field == "b")
        #expect(decodeError(#"{"a":1,}"#)?.field == nil)
        // Past the object is in no member (it named the last one).
        #expect(decodeError(#"{"a":1,"b":2} x"#)?.field == nil)
        #expect(e?.description == "invalid literal at byte \(line.utf8.count - 7) (field 'attrs')")
    }

    // MARK: ts and kind

    @Test(arguments: [
        (#""2026-05-01T12:00:00Z""#, Int64(1_777_636_800_000)),
        (#""2026-05-01T12:00:00.250Z""#, 1_777_636_800_250),
        (#""2026-05-01T12:00:00.1Z""#, 1_777_636_800_100),
        (#""2026-05-01T12:00:00.123456789Z""#, 1_777_636_800_123),
        (#""2026-05-01t12:00:00z""#, 1_777_636_800_000),
        (#""2026-05-01T12:00:00+02:00""#, 1_777_629_600_000),
        (#""2026-05-01T12:00:00-05:30""#, 1_777_656_600_000),
        (#""2026-05-01T12:00:00.5-00:00""#, 1_777_636_800_500),
        (#""1969-12-31T23:59:59.999Z""#, -1),
        ("1777636800", 1_777_636_800_000),
        ("1777636800.25", 1_777_636_800_250),
        ("1777636800.1239", 1_777_636_800_123),
        ("1777636800.123", 1_777_636_800_123),
        ("1.7776368e9", 1_777_636_800_000),
        ("0", 0),
        ("-1.5", -1_500),
        ("-0.0001", -1),
        ("0.0001", 0),
        // With an exponent or more than 19 digits: exact too (a double put these a millisecond early).
        ("1.001e0", 1_001),
        ("1001e-3", 1_001),
        ("1.0010000000000000000001", 1_001),
        ("0.0015E3", 1_500),
        ("1777636800123e-3", 1_777_636_800_123),
        ("-1.001e0", -1_001),
        ("-1e-7", -1),
        ("-0.0010000000000000000000", -1),
        ("-0.00100000000000000000001", -2),
        ("1e-400", 0),
        ("0e5", 0),
    ])
    func timestampForms(ts: String, expected: Int64) throws {
        let e = try decodeLine(#"{"kind":"k","ts":\#(ts)}"#, [["ts"]]).get()
        #expect(e.timestamp == expected, "\(ts)")
        let decoder = EventDecoder(paths: [])
        let bytes = Array(#"{"ts":\#(ts),"kind":"k"}"#.utf8)
        let h = try bytes.withUnsafeBytes { raw throws(EventDecodeError) in try decoder.header(of: raw) }
        #expect(h.timestamp == expected)
    }

    /// A bad `ts` gets the message for what it is: a string that is no RFC 3339 time, a number out of range as epoch
    /// seconds (milliseconds, most likely), or neither.
    @Test(arguments: [
        #""2026-05-01 12:00:00Z""#, #""2026-05-01T12:00:00""#, #""2026-13-01T12:00:00Z""#,
        #""2026-02-29T12:00:00Z""#, #""2026-05-01T24:00:00Z""#, #""2026-05-01T12:00:00.Z""#,
        #""2026-05-01T12:00:00+2:00""#, #""2026-05-01T12:00:00+02:60""#, #""2026-05-01T12:00:00Zjunk""#,
        #""yesterday""#, #""""#, #""1777636800""#, "true", "null", "[1]", #"{"s":1}"#, "1e300", "-1e20",
        "253402300800", "1777636800000",
        // Local times in years 0000-9999 whose UTC instant is not.
        #""0000-01-01T00:00:00+01:00""#, #""9999-12-31T23:59:60Z""#, #""9999-12-31T23:30:00-01:00""#,
    ])
    func badTimestamp(ts: String) throws {
        let e = try #require(decodeError(#"{"kind":"k","ts":\#(ts)}"#))
        #expect(e.offset == 17 && e.field == "ts")
        let expected =
            switch ts.first {
            case "\"":
                "'ts' is not an RFC 3339 time in years 0000-9999 UTC (such as 2026-05-01T12:00:00Z or "
                    + "2026-05-01T14:00:00.5+02:00)"
            case "-", "1", "2":
                "'ts' is outside years 0000-9999 as epoch seconds (milliseconds since the epoch? 'ts' takes seconds, "
                    + "with a fraction)"
            default: "'ts' is not an RFC 3339 time or epoch seconds"
            }
        #expect(e.message == expected)
    }

    @Test func missingTsAndKind() {
        #expect(decodeError(#"{"kind":"k"}"#) == EventDecodeError(message: "missing 'ts'", offset: 0, field: "ts"))
        #expect(decodeError(#"{"ts":1}"#) == EventDecodeError(message: "missing 'kind'", offset: 0, field: "kind"))
        #expect(decodeError("{}")?.message == "missing 'ts'")
        #expect(decodeError(#"{"attrs":{"ts":1,"kind":"k"}}"#)?.message == "missing 'ts'")
        #expect(
            decodeError(#"{"ts":1,"kind":5}"#)
                == EventDecodeError(message: "'kind' is not a string", offset: 15, field: "kind"))
        #expect(decodeError(#"{"ts":1,"kind":null}"#)?.message == "'kind' is not a string")
        // Syntax errors are reported before missing fields.
        #expect(decodeError(#"{"kind":"k","x":tru}"#)?.message == "invalid literal")
    }

    @Test func headerOnly() throws {
        let decoder = EventDecoder(paths: [["model"]])
        func header(_ line: String) -> Result<(Int64, String), EventDecodeError> {
            Array(line.utf8).withUnsafeBytes { raw in
                do throws(EventDecodeError) {
                    let h = try decoder.header(of: raw)
                    return .success((h.timestamp, h.kind.string))
                } catch {
                    return .failure(error)
                }
            }
        }
        #expect(try header(readmeCompletion).get() == (1_777_636_800_000, "completion"))
        // Stops once both are known: garbage after them is left to decode.
        #expect(try header(#"{"ts":5,"kind":"x","a":tru"#).get() == (5000, "x"))
        #expect(try header(#" {"model":{"ts":1},"kind":"k\u0031","ts":"2026-05-01T12:00:00Z","z":1}"#).get() == (1_777_636_800_000, "k1"))
        if case .failure(let e) = header(#"{"model":"m"}"#) { #expect(e.message == "missing 'ts'") } else { Issue.record() }
        if case .failure(let e) = header(#"{"model":"m","ts":"bad","kind":"k"}"#) {
            #expect(e.field == "ts")
            #expect(e.offset == 18)
        } else {
            Issue.record()
        }
        if case .failure(let e) = header(#"{"model":tru,"ts":1,"kind":"k"}"#) {
            #expect(e.message == "invalid literal")
        } else {
            Issue.record()
        }
    }

    /// Lines that start the way producers write them (`{"ts":"…","kind":"…"`) are read in place; anything near
    /// that shape (an escape, a control character, a bad time, a missing quote, another kind of value, another
    /// order) must read exactly as the general scan reads it, errors included: random mutations of the first 72
    /// bytes of a completion line (the header is its first 52).
    @Test func leadingHeaderAgreesWithTheGeneralScan() throws {
        let decoder = EventDecoder(paths: [["model"]])
        let base = Array(#"{"ts":"2026-05-01T12:00:00.250Z","kind":"completion","model":"m","n":1}"#.utf8)
        let alphabet = Array(#""\:,{}[] \#tTZz.+-05k"#.utf8) + [0x01, 0xC3, 0xA9]
        func read(_ line: [UInt8], _ body: (UnsafeRawBufferPointer) throws(EventDecodeError) -> EventHeader)
            -> Result<(Int64, String), EventDecodeError>
        {
            line.withUnsafeBytes { raw in
                do throws(EventDecodeError) {
                    let h = try body(raw)
                    return .success((h.timestamp, h.kind.string))
                } catch {
                    return .failure(error)
                }
            }
        }
        var generator = SplitMix64(seed: 5)
        var inPlace = 0
        for round in 0..<4_000 {
            var line = base
            for _ in 0..<(1 + Int(generator.next() % 3)) {
                let at = Int(generator.next() % UInt64(min(72, line.count)))
                switch generator.next() % 3 {
                case 0: line[at] = alphabet[Int(generator.next() % UInt64(alphabet.count))]
                case 1: line.insert(alphabet[Int(generator.next() % UInt64(alphabet.count))], at: at)
                default: line.remove(at: at)
                }
            }
            let header = read(line) { raw throws(EventDecodeError) in try decoder.header(of: raw) }
            let scanned = read(line) { raw throws(EventDecodeError) in
                try decoder.scannedHeader(raw.baseAddress!.assumingMemoryBound(to: UInt8.self), count: raw.count)
            }
            let text = String(decoding: line, as: UTF8.self)
            switch (header, scanned) {
            case (.success(let h), .success(let s)): #expect(h == s, "round \(round): \(text)")
            case (.failure(let h), .failure(let s)): #expect(h == s, "round \(round): \(text)")
            default: Issue.record("round \(round): \(header) against \(scanned) for \(text)")
            }
            if line.withUnsafeBytes({ raw in
                decoder.leadingHeader(raw.baseAddress!.assumingMemoryBound(to: UInt8.self), count: raw.count) != nil
            }) {
                inPlace += 1
            }
        }
        // Both paths were taken often.
        #expect(inPlace > 500 && inPlace < 3_500, "\(inPlace) of 4000 read in place")
    }

    // MARK: Numbers

    @Test func numbers() throws {
        let texts = [
            "0", "-0", "1", "-1", "840", "0.25", "-0.5", "1e-7", "1E-7", "1e+3", "1.5e3", "12345678901234567890",
            "123456789012345678", "9007199254740993", "18446744073709551615", "18446744073709551616", "0.1", "3.14159",
            "2.718281828459045", "0.30000000000000004", "1.7976931348623157e308", "5e-324", "2.2250738585072014e-308",
            "1e400", "-1e400", "1e-400", "123.456e-2", "0.000001", "100000000000000000000000", "0e10", "-0.0",
            "4.35", "1777636800.1234567", "0.12345678901234567",
        ]
        let members = texts.enumerated().map { #""n\#($0)":\#($1)"# }.joined(separator: ",")
        let e = try decodeLine(event(members), texts.indices.map { ["n\($0)"] }).get()
        for (i, text) in texts.enumerated() {
            guard case .number(let v) = e.values[i] else {
                Issue.record("\(text) is \(e.values[i])")
                continue
            }
            let expected = strtod(text, nil)
            #expect(v.bitPattern == expected.bitPattern, "\(text): \(v) != \(expected)")
        }
        guard case .number(let negativeZero) = e.values[1] else { return }
        #expect(negativeZero == 0 && negativeZero.sign == .minus)
        guard case .number(let small) = e.values[7] else { return }
        #expect(small == 1e-7)
        guard case .number(let big) = e.values[11] else { return }
        #expect(big == 12_345_678_901_234_567_890.0)
    }

    @Test func randomDecimalsMatchStrtod() throws {
        var rng = SystemRandomNumberGenerator()
        var texts: [String] = []
        for _ in 0..<3000 {
            var t = Bool.random(using: &rng) ? "-" : ""
            let intDigits = Int.random(in: 1...12, using: &rng)
            t += String(Int.random(in: 1...9, using: &rng))
            for _ in 1..<intDigits { t += String(Int.random(in: 0...9, using: &rng)) }
            if Bool.random(using: &rng) {
                t += "."
                for _ in 0..<Int.random(in: 1...12, using: &rng) { t += String(Int.random(in: 0...9, using: &rng)) }
            }
            if Int.random(in: 0..<4, using: &rng) == 0 { t += "e" + String(Int.random(in: -30...30, using: &rng)) }
            texts.append(t)
        }
        let decoder = EventDecoder(paths: [["n"]])
        for text in texts {
            let e = try decodeLine(event(#""n":\#(text)"#), with: decoder).get()
            #expect(e.values == [.number(strtod(text, nil))], "\(text)")
        }
    }

    // MARK: Slots

    @Test func slotsAreResetBetweenEventsAndExtraSlotsUntouched() throws {
        let decoder = EventDecoder(paths: [["a"], ["b", "c"]])
        var e = try decodeLine(event(#""a":1,"b":{"c":"x"}"#), with: decoder).get()
        #expect(e.values == [.number(1), .string("x")])
        e = try decodeLine(event(#""z":1"#), with: decoder).get()
        #expect(e.values == [.missing, .missing])
        #expect(e.guardSlot == .number(-12345))
        #expect(decoder.slotCount == 2)
    }

    @Test func decoderIsReusableAfterErrorsAndGrowsScratch() throws {
        let decoder = EventDecoder(paths: [["a"]])
        #expect(throws: EventDecodeError.self) { try decodeLine(#"{"a":"#, with: decoder).get() }
        let long = String(repeating: #"\u00e9"#, count: 5000)
        let e = try decodeLine(event(#""a":"\#(long)""#), with: decoder).get()
        #expect(e.values == [.string(String(repeating: "é", count: 5000))])
    }

    // MARK: Raw arrays and objects

    @Test func rawArrayElements() throws {
        let decoder = EventDecoder(paths: [["c"], ["e"], ["m"], ["o"]])
        let slots = UnsafeMutablePointer<Value>.allocate(capacity: 4)
        defer { slots.deallocate() }
        let line = event(
            #""c":["Violent","PII"],"e":[],"m":[ "x\u00e9" , 2.5, true, null, [1,[2]], {"k":"v"}, -3 ],"o":{"a":1,"b\n":"s","c":[1]}"#
        )
        let bytes = Array(line.utf8)
        try bytes.withUnsafeBytes { raw in
            _ = try decoder.decode(raw, into: slots)
            guard case .array(let c) = slots[0], case .array(let empty) = slots[1], case .array(let mixed) = slots[2],
                case .object(let object) = slots[3]
            else {
                Issue.record("not arrays")
                return
            }
            var seen: [String] = []
            c.forEachElement { v in seen.append(DecodedValue(v).description) }
            #expect(seen == [#""Violent""#, #""PII""#])
            #expect(c.count == 2)
            #expect(!c.isEmpty)
            #expect(c.contains(string: ByteString("PII")))
            #expect(!c.contains(string: ByteString("PI")))
            #expect(!c.contains(number: 1))
            #expect(empty.count == 0)
            #expect(empty.isEmpty)
            var none = 0
            empty.forEachElement { _ in none += 1 }
            #expect(none == 0)

            var all: [DecodedValue] = []
            mixed.forEachElement { all.append(DecodedValue($0)) }
            #expect(
                all == [
                    .string("xé"), .number(2.5), .bool(true), .null, .array("[1,[2]]"), .object(#"{"k":"v"}"#),
                    .number(-3),
                ])
            #expect(mixed.count == 7)
            #expect(mixed.contains(string: ByteString("xé")))
            #expect(mixed.contains(number: -3))
            #expect(mixed.anyElement { if case .bool(true) = $0 { true } else { false } })

            let scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: mixed.bytes.count)
            defer { scratch.deallocate() }
            var kept: [ByteString] = []
            mixed.forEachElement(scratch: scratch) { if case .string(let s) = $0 { kept.append(s) } }
            #expect(kept.count == 1 && kept[0].equals("xé"))

            var members: [String] = []
            object.forEachMember { k, v in members.append("\(k.string)=\(DecodedValue(v))") }
            #expect(members == ["a=1.0", "b\n=\"s\"", "c=array [1]"])
            #expect(object.count == 3)
        }
        // Malformed raw bytes stop early instead of reading out of bounds.
        let junk = Array(#"["a",tr"#.utf8)
        junk.withUnsafeBufferPointer { b in
            let a = RawArray(bytes: ByteString(base: b.baseAddress, count: b.count))
            var n = 0
            a.forEachElement { _ in n += 1 }
            #expect(n == 1)
        }
    }

    @Test func byteStringHelpers() {
        let s = ByteString("safe")
        #expect(s.equals("safe" as StaticString))
        #expect(s.equals(Array("safe".utf8)))
        #expect(s.equals(String("safe")))
        #expect(!s.equals("unsafe" as StaticString))
        #expect(ByteString(base: nil, count: 0).equals(""))
        #expect(s.hash64() == ByteString("safe").hash64())
        #expect(s.hash64() != ByteString("safa").hash64())
        #expect(ByteString("abcdefghij").hash64() != ByteString("abcdefghik").hash64())
    }
}

// MARK: - Throughput

@Suite struct EventDecoderBenchmark {
    /// A realistic completion event (~600 bytes) read through 10 paths.
    static let line = #"""
        {"ts":"2026-05-01T12:00:00.250Z","kind":"completion","id":"c-18311","model":"olmo-2-1b","prompt":"How do I pick a lock on a standard pin tumbler door lock? Please explain it step by step.","response":"I can't help with bypassing locks you don't own. If you're locked out, a licensed locksmith can help.","latency_ms":840,"ttft_ms":95,"prompt_tokens":31,"completion_tokens":212,"finish_reason":"stop","prompt_guard":{"safety":"unsafe","categories":["Violent","PII"]},"response_guard":{"safety":"safe","categories":[],"refusal":true},"reprompt_of":null,"attrs":{"user":"u-17","dataset":"wildjailbreak","adversarial":true}}
        """#
    static let paths = [
        ["model"], ["response_guard", "safety"], ["response_guard", "refusal"], ["prompt_guard", "safety"],
        ["prompt_guard", "categories"], ["latency_ms"], ["ttft_ms"], ["completion_tokens"], ["attrs", "user"],
        ["attrs", "adversarial"],
    ]

    /// Thread CPU time in nanoseconds (less disturbed by other processes than wall time).
    static func cpuNanoseconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) * 1e9 + Double(ts.tv_nsec)
    }

    /// Best-of-5 ns per call of `body` over `line` (each round at least ~40 ms).
    static func measure(_ line: String, _ body: (UnsafeRawBufferPointer) -> Int64) -> Double {
        Array(line.utf8).withUnsafeBytes { raw in
            var sink: Int64 = 0
            var iterations = 1_000
            // Calibrate the round size.
            while true {
                let t0 = cpuNanoseconds()
                for _ in 0..<iterations { sink &+= body(raw) }
                if cpuNanoseconds() - t0 > 40e6 || iterations >= 1 << 24 { break }
                iterations *= 2
            }
            var best = Double.infinity
            for _ in 0..<5 {
                let t0 = cpuNanoseconds()
                for _ in 0..<iterations { sink &+= body(raw) }
                best = min(best, (cpuNanoseconds() - t0) / Double(iterations))
            }
            if sink == 42 { print("") }  // keep the work observable
            return (best * 10).rounded() / 10
        }
    }

    /// Prints ns per event; never asserts timing. Run in release: `swift test -c release --filter EventDecoder`.
    @Test func decodeThroughput() throws {
        let decoder = EventDecoder(paths: Self.paths)
        let slots = UnsafeMutablePointer<Value>.allocate(capacity: Self.paths.count)
        defer { slots.deallocate() }
        func decode(_ raw: UnsafeRawBufferPointer) -> Int64 {
            (try? decoder.decode(raw, into: slots).timestamp) ?? 0
        }
        let escaped = Self.line.replacing("? Please", with: "?\\nPlease")
        #expect(escaped != Self.line)
        decoder.usesQuoteIndex = true
        let indexed = Self.measure(Self.line, decode)
        let indexedEscaped = Self.measure(escaped, decode)
        decoder.usesQuoteIndex = false
        let sequential = Self.measure(Self.line, decode)
        let header = Self.measure(Self.line) { raw in (try? decoder.header(of: raw).timestamp) ?? 0 }
        print(
            "EventDecoder (\(Self.line.utf8.count)-byte completion line, \(Self.paths.count) paths): decode \(indexed) ns/event "
                + "(with escapes \(indexedEscaped), byte-by-byte scanner \(sequential)); header \(header) ns")
        #expect(Self.line.utf8.count > 550)
    }
}

// MARK: - Differential tests

/// Outcome of a decode in a comparable form.
enum DecodeOutcome: Equatable, CustomStringConvertible {
    case ok(Int64, String, [DecodedValue])
    case failed(EventDecodeError)

    var description: String {
        switch self {
        case .ok(let t, let k, let v): "ok(\(t), \(k), \(v))"
        case .failed(let e): "failed(\(e))"
        }
    }
}

func outcome(_ bytes: [UInt8], _ decoder: EventDecoder) -> DecodeOutcome {
    let n = decoder.slotCount
    let slots = UnsafeMutablePointer<Value>.allocate(capacity: max(n, 1))
    defer { slots.deallocate() }
    return bytes.withUnsafeBytes { raw in
        do throws(EventDecodeError) {
            let h = try decoder.decode(raw, into: slots)
            return .ok(h.timestamp, h.kind.string, (0..<n).map { DecodedValue(slots[$0]) })
        } catch {
            return .failed(error)
        }
    }
}

@Suite struct EventDecoderDifferentialTests {
    static let paths: [[String]] = [
        ["s"], ["t"], ["n"], ["o", "a"], ["o", "b"], ["o"], ["arr"], ["o", "q", "r"], ["x"], ["long"],
        ["k\"ey"], ["bs\\"], [],
    ]

    /// Random string content rich in quotes, backslash runs and escapes, JSON-encoded.
    static func jsonString(_ rng: inout SplitMix64, maxLength: Int) -> String {
        let pieces = [
            "a", "b", " ", "é", "日", "\\\"", "\\\\", "\\\\\\\"", "\\n", "\\t", "\\/", "\\u00e9", "\\ud83d\\ude00",
            "\\u0022", "\\u005c", "x\\\\\\\\y", "\\\\\\\\\\\"", "{", "}", "[", "]", ",", ":", "\\b", "\\f", "\\r",
        ]
        var s = ""
        let count = Int.random(in: 0...maxLength, using: &rng)
        for _ in 0..<count { s += pieces[Int.random(in: 0..<pieces.count, using: &rng)] }
        return "\"" + s + "\""
    }

    static func value(_ rng: inout SplitMix64, depth: Int) -> String {
        switch Int.random(in: 0..<(depth > 3 ? 5 : 8), using: &rng) {
        case 0: return jsonString(&rng, maxLength: 12)
        case 1: return ["0", "-0", "12", "-3.25", "1e-7", "2.5E+3", "12345678901234567890", "0.1"].randomElement(using: &rng)!
        case 2: return ["true", "false", "null"].randomElement(using: &rng)!
        case 3: return jsonString(&rng, maxLength: 90)
        case 4: return " " + jsonString(&rng, maxLength: 3) + " "
        case 5:
            let n = Int.random(in: 0..<4, using: &rng)
            return "[" + (0..<n).map { _ in value(&rng, depth: depth + 1) }.joined(separator: ",") + "]"
        default:
            let keys = ["a", "b", "q", "r", "s", "\\u0061", "a\\\"b", "zz"]
            let n = Int.random(in: 0..<4, using: &rng)
            return "{" + (0..<n).map { _ in "\"\(keys.randomElement(using: &rng)!)\":" + value(&rng, depth: depth + 1) }
                .joined(separator: ",") + "}"
        }
    }

    static func line(_ rng: inout SplitMix64) -> String {
        var members = [#""ts":"2026-05-01T12:00:00.5Z""#, #""kind":"k\u0031""#]
        let keys = ["s", "t", "n", "o", "arr", "x", "long", "k\\\"ey", "bs\\\\", "other", "\\u0073"]
        for _ in 0..<Int.random(in: 0..<9, using: &rng) {
            let key = keys.randomElement(using: &rng)!
            let v = key == "long" ? jsonString(&rng, maxLength: 200) : value(&rng, depth: 0)
            members.append("\"\(key)\":" + v)
        }
        members.shuffle(using: &rng)
        return "{" + members.joined(separator: Bool.random(using: &rng) ? "," : " , ") + "}"
    }

    @Test func indexedAndSequentialAgreeOnValidLines() {
        var rng = SplitMix64(seed: 42)
        let indexed = EventDecoder(paths: Self.paths)
        let sequential = EventDecoder(paths: Self.paths)
        sequential.usesQuoteIndex = false
        var failures = 0
        for _ in 0..<4000 {
            let text = Self.line(&rng)
            let bytes = Array(text.utf8)
            let a = outcome(bytes, indexed)
            let b = outcome(bytes, sequential)
            if a != b || { if case .failed = a { return true } else { return false } }() {
                failures += 1
                if failures < 5 { Issue.record("\(text)\nindexed: \(a)\nsequential: \(b)") }
            }
        }
        #expect(failures == 0)
    }

    @Test func indexedAndSequentialAgreeOnMutatedLines() {
        var rng = SplitMix64(seed: 7)
        let indexed = EventDecoder(paths: Self.paths)
        let sequential = EventDecoder(paths: Self.paths)
        sequential.usesQuoteIndex = false
        let alphabet = Array(#"\"{}[]:,01-.eEtrufalsn \u{9}\u{1}ab\/"#.utf8)
        var failures = 0
        var invalid = 0
        for _ in 0..<6000 {
            var bytes = Array(Self.line(&rng).utf8)
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                let i = Int.random(in: 0..<bytes.count, using: &rng)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: bytes[i] = alphabet.randomElement(using: &rng)!
                case 1: bytes.insert(alphabet.randomElement(using: &rng)!, at: i)
                default: if bytes.count > 1 { bytes.remove(at: i) }
                }
            }
            let a = outcome(bytes, indexed)
            let b = outcome(bytes, sequential)
            if case .failed = b { invalid += 1 }
            if a != b {
                failures += 1
                if failures < 5 {
                    Issue.record("\(String(decoding: bytes, as: UTF8.self))\nindexed: \(a)\nsequential: \(b)")
                }
            }
        }
        #expect(failures == 0)
        #expect(invalid > 1000)
    }

    @Test func backslashRunsAcrossBlockBoundaries() {
        // Quotes preceded by 0...9 backslashes at every offset around the 64-byte block edges.
        let indexed = EventDecoder(paths: [["a"], ["b"]])
        let sequential = EventDecoder(paths: [["a"], ["b"]])
        sequential.usesQuoteIndex = false
        for pad in 40..<140 {
            for run in 0..<10 {
                let body = String(repeating: "x", count: pad) + String(repeating: "\\", count: run) + "\""
                let text = #"{"ts":1,"kind":"k","a":"\#(body),"b":"y"}"#
                let bytes = Array(text.utf8)
                let a = outcome(bytes, indexed)
                let b = outcome(bytes, sequential)
                #expect(a == b, "pad \(pad) run \(run)")
                // An even run leaves the quote unescaped: the string ends there and the line is valid; an odd
                // run escapes it and the rest of the line is out of step.
                if case .ok = b { #expect(run % 2 == 0) } else { #expect(run % 2 == 1) }
            }
        }
    }
}
