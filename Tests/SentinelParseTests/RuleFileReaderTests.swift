import SentinelCore
import SentinelParse
import Testing

@Suite struct RuleFileReaderTests {
    /// Heartbeats are the live service's idle clock: a rule on them would fire in `run` and never in `dry-run`.
    @Test func onNamesAnEventKindOtherThanHeartbeat() {
        let (_, diagnostics) = RuleFileReader.read(
            text: """
                rules:
                  - {name: A, on: heartbeat, when: "true"}
                  - {name: B, on: "", when: "true"}
                  - {name: C, on: "a b", when: "true"}
                  - {name: D, on: "a\\tb", when: "true"}
                  - {name: E, on: feedback, when: "true"}
                """,
            file: "r.yaml")
        #expect(diagnostics.map(\.code) == [.invalidValue, .invalidValue, .invalidValue, .invalidValue])
        #expect(diagnostics.map { $0.range?.start.line } == [2, 3, 4, 5])
        #expect(diagnostics.map { $0.range?.start.column } == [19, 19, 19, 19])
        #expect(diagnostics.first?.message.contains("heartbeats are Sentinel's own clock events") == true)
        #expect(diagnostics.last?.message.hasPrefix("'on' must be an event kind") == true)
    }

    @Test func onMayListSeveralDistinctKinds() {
        let (file, diagnostics) = RuleFileReader.read(
            text: """
                rules:
                  - {name: A, on: [completion, error], when: "true"}
                  - {name: B, on: [], when: "true"}
                  - {name: C, on: [completion, completion], when: "true"}
                  - {name: D, on: [error, heartbeat], when: "true"}
                  - {name: E, on: [[error]], when: "true"}
                  - {name: F, on: {kind: error}, when: "true"}
                """,
            file: "r.yaml")
        #expect(file.rules.first?.on.map(\.value) == ["completion", "error"])
        #expect(diagnostics.map(\.code) == [.invalidValue, .duplicateName, .invalidValue, .wrongType, .wrongType])
        #expect(diagnostics.map { $0.range?.start.line } == [3, 4, 5, 6, 7])
        #expect(diagnostics.map { $0.range?.start.column } == [19, 32, 27, 20, 19])
        #expect(diagnostics[0].message == "'on' must name at least one event kind")
        #expect(diagnostics[1].message == "'on' names 'completion' twice")
    }
}
