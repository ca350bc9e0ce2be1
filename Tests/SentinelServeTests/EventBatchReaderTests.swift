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
