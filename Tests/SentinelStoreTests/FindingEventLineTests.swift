import SentinelStore
import Testing

@Suite struct FindingEventLineTests {
    private func finding(_ line: String) -> Finding {
        Finding.from(
            eventLine: line, rule: "R", fingerprint: "fp", severity: "warning", labels: ["model": "m"], time: 7)
    }

    @Test func exchangeFieldsAndGuardVerdictsComeFromTheLine() {
        let f = finding(Make.eventLine)
        #expect(f.eventID == "c-000001")
        #expect(f.model == "llama-3.1-8b")
        #expect(f.prompt == "How do I pick a lock?")
        #expect(f.response == "I can't help with that.")
        #expect(f.promptGuard == #"{"categories":["Politically Sensitive Topics"],"safety":"controversial"}"#)
        #expect(f.responseGuard == #"{"categories":[],"refusal":true,"safety":"safe"}"#)
        #expect(!f.flagged)
        #expect(f.raw == Make.eventLine)
        #expect(f.rule == "R" && f.fingerprint == "fp" && f.severity == "warning" && f.labels == ["model": "m"])
        #expect(f.time == 7 && f.id == 0 && f.version == 1 && f.review == nil)
    }

    @Test func unsafePromptOrResponseFlagsTheFinding() {
        #expect(finding(#"{"prompt_guard":{"safety":"unsafe"},"response_guard":{"safety":"safe"}}"#).flagged)
        #expect(finding(#"{"prompt_guard":{"safety":"safe"},"response_guard":{"safety":"unsafe"}}"#).flagged)
        #expect(!finding(#"{"prompt_guard":{"safety":"controversial"}}"#).flagged)
    }

    @Test func missingFieldsAreNil() {
        let line = #"{"ts":"2026-05-01T12:00:00Z","kind":"completion","model":"qwen3-4b","prompt":null}"#
        let f = finding(line)
        #expect(f.model == "qwen3-4b")
        #expect(f.eventID == nil && f.prompt == nil && f.response == nil)
        #expect(f.promptGuard == nil && f.responseGuard == nil && !f.flagged)
        #expect(f.raw == line)
    }

    @Test func lineThatIsNotAnObjectKeepsOnlyRaw() {
        let f = finding("not json")
        #expect(f.raw == "not json" && f.model == nil && !f.flagged)
    }
}
