import Foundation
import SentinelCompile
import SentinelEvaluate
import SentinelServe
import Testing

@Suite struct EventBatchReaderTests {
    func read(_ text: String) -> EventBatchReader.Outcome {
        EventBatchReader().read(Array(text.utf8), source: .http)
    }

    func lines(_ outcome: EventBatchReader.Outcome) -> [String] {
        outcome.batch.lines.map { String(decoding: outcome.batch.bytes[$0], as: UTF8.self) }
    }

    @Test func readsNDJSONWithCRLFBlankLinesAndAByteOrderMark() {
        let outcome = read("\u{FEFF}{\"ts\":1,\"kind\":\"a\"}\r\n\n  \n{\"ts\":2,\"kind\":\"b\"}")
        #expect(outcome.problemCount == 0)
        #expect(lines(outcome) == [#"{"ts":1,"kind":"a"}"#, #"{"ts":2,"kind":"b"}"#])
        #expect(outcome.batch.maxTimestamp == 2_000)
        #expect(outcome.batch.minTimestamp == 1_000)
    }

    /// With a latest time, an event after it is a problem at its line, naming `ts`; the rest are read as before.
    @Test func eventsAfterTheLatestTimeAreProblems() {
        let body = "{\"ts\":100,\"kind\":\"a\"}\n  {\"ts\":\"1970-01-01T00:03:20Z\",\"kind\":\"a\"}\n{\"ts\":160,\"kind\":\"a\"}"
        let outcome = EventBatchReader().read(Array(body.utf8), source: .http, latest: 160_000, future: "the limit")
        #expect(outcome.problemCount == 1)
        let problem = outcome.problems.first
        #expect(problem?.line == 2)
        #expect(problem?.offset == 30, "at the value of ts")
        #expect(problem?.field == "ts")
        #expect(problem?.message == "'ts' 1970-01-01T00:03:20Z is 40s past the limit")
        #expect(lines(outcome) == [#"{"ts":100,"kind":"a"}"#, #"{"ts":160,"kind":"a"}"#])
    }

    @Test func completionsAreObservedForTheOverviewWhileValidated() {
        let outcome = read(
            #"{"ts":1,"kind":"completion","model":"m","latency_ms":120.5,"response_guard":{"safety":"unsafe"}}"# + "\n"
                + #"{"ts":2,"kind":"metric","model":"m","value":3}"# + "\n"
                + #"{"ts":3,"kind":"completion","model":"m\u0031","response_guard":{"safety":"safe"}}"#)
        #expect(outcome.batch.answers == [
            AnswerObservation(time: 1_000, model: "m", unsafe: true, latencyMilliseconds: 120.5),
            AnswerObservation(time: 3_000, model: "m1", unsafe: false, latencyMilliseconds: nil),
        ])
    }

    @Test func readsAJSONArrayAndFoldsPrettyPrintedEventsToOneLine() {
        let outcome = read("[\n {\"ts\": 1,\n  \"kind\": \"a\", \"list\": [1, {\"x\": \"],\"}]},\n {\"ts\": 2, \"kind\": \"b\"}\n]\n")
        #expect(outcome.problemCount == 0)
        #expect(lines(outcome) == [#"{"ts": 1,   "kind": "a", "list": [1, {"x": "],"}]}"#, #"{"ts": 2, "kind": "b"}"#])
    }

    /// A raw line break inside a string is invalid JSON, in a pretty-printed object or array as in NDJSON: it was
    /// folded to a space with the rest, and the prompt recorded altered.
    @Test func aLineBreakInsideAStringIsRefusedNotFolded() {
        for body in [
            "{\n  \"ts\": 1,\n  \"kind\": \"a\",\n  \"prompt\": \"line one\nline two\"\n}\n",
            "[{\"ts\": 1, \"kind\": \"a\", \"prompt\": \"line one\r\nline two\"}]",
        ] {
            let outcome = read(body)
            #expect(outcome.problemCount == 1 && outcome.batch.lines.isEmpty, "\(body.debugDescription)")
            #expect(outcome.problems.first?.field == "prompt")
            #expect(outcome.problems.first.map { Array(body.utf8)[$0.offset] == 0x0A || Array(body.utf8)[$0.offset] == 0x0D } == true)
        }
        let escaped = read("{\n  \"ts\": 1, \"kind\": \"a\", \"prompt\": \"a \\\" quote\\nand\"\n}")
        #expect(lines(escaped) == [#"{   "ts": 1, "kind": "a", "prompt": "a \" quote\nand" }"#])
    }

    @Test func readsOnePrettyPrintedObject() {
        let outcome = read("{\n  \"ts\": \"2026-05-01T12:00:00Z\",\n  \"kind\": \"a\"\n}\n")
        #expect(outcome.problemCount == 0)
        #expect(lines(outcome).count == 1)
        #expect(!lines(outcome)[0].contains("\n"))
    }

    @Test func reportsEachMalformedLineWithItsByteOffsetInTheBodyAndField() {
        let body = "{\"ts\":1,\"kind\":\"a\"}\n{\"ts\":1,\"kind\":7}\nnot json\n{\"kind\":\"a\"}\n"
        let outcome = read(body)
        #expect(outcome.problemCount == 3)
        #expect(outcome.batch.count == 1)
        #expect(outcome.problems.map(\.line) == [2, 3, 4])
        #expect(outcome.problems[0].field == "kind")
        #expect(outcome.problems[0].offset == 20 + 15)
        #expect(outcome.problems[1].offset == 38)
        #expect(outcome.problems[2].field == "ts")
    }

    @Test func reportsArrayProblemsByElementNumber() {
        let outcome = read(#"[{"ts":1,"kind":"a"}, 5, {"ts":1}]"#)
        #expect(outcome.problems.map(\.line) == [2, 3])
        let unterminated = read(#"[{"ts":1,"kind":"a"}"#)
        #expect(unterminated.problemCount == 1)
        #expect(unterminated.problems[0].message.contains("unterminated"))
        let trailing = read(#"[{"ts":1,"kind":"a"}] x"#)
        #expect(trailing.problems.first?.message.contains("after the JSON array") == true)
    }

    @Test func anArrayClosedByABraceIsRefused() {
        let outcome = read(#"[{"ts":1,"kind":"x"}}"#)
        #expect(outcome.problemCount == 1)
        #expect(outcome.batch.count == 0)
        #expect(outcome.problems.first?.offset == 20)
        let inside = read(#"[{"ts":1,"kind":"x","list":[1}]}]"#)
        #expect(inside.problemCount == 1)
        #expect(inside.batch.count == 0)
    }

    @Test func fieldsTheRulesReadMustHaveTheirSchemaTypes() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sentinel-types-\(UUID().uuidString).yaml").path
        try "rules:\n  - {name: Refused, on: completion, when: \"response_guard.refusal and latency_ms > 1\"}\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        let graph = try #require(Configuration.load(rules: [path], policies: []).graph)
        let reader = EventBatchReader(fieldTypes: EventFieldTypes(graph: graph))
        let body = #"{"ts":1,"kind":"completion","latency_ms":"1500"}"# + "\n"
            + #"{"ts":2,"kind":"completion","response_guard":{"refusal":"true"}}"# + "\n"
            + #"{"ts":3,"kind":"metric","latency_ms":"1500"}"# + "\n"
            + #"{"ts":4,"kind":"completion","latency_ms":"NaN","response_guard":{"refusal":null}}"#
        let outcome = reader.read(Array(body.utf8), source: .http)
        #expect(outcome.problems.map(\.line) == [1, 2])
        #expect(outcome.problems.map(\.field) == ["latency_ms", "response_guard.refusal"])
        #expect(outcome.problems.first?.offset == 41)
        #expect(outcome.problems.first?.message.contains("must be a number") == true)
        // Kinds no rule reads, Prometheus' special floats and null pass, as in evaluation.
        #expect(outcome.batch.count == 2)
    }

    @Test func neverCrashesOnArbitraryBytes() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("{}[]\",:\\ \n\r\tabkindts0123456789.eE-+nul".utf8)
        for _ in 0..<3_000 {
            let n = Int.random(in: 0..<80, using: &generator)
            let bytes = (0..<n).map { _ in alphabet.randomElement(using: &generator)! }
            let outcome = EventBatchReader().read(bytes, source: .http)
            #expect(outcome.batch.lines.allSatisfy { $0.upperBound <= outcome.batch.bytes.count })
            #expect(outcome.problems.allSatisfy { $0.offset >= 0 && $0.offset <= bytes.count })
        }
    }
}
