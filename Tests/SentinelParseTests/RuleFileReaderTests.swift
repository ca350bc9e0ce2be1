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

    /// A plain list item is a number when written as JSON writes one (as tags and rule test events read numbers);
    /// one that other readers would take for a number (`.5`, `0x1p3`, `+1`) is an error, not silently text or a
    /// number; `nan`, `inf` and quoted items are text.
    @Test func listItemsAreNumbersOnlyWhenWrittenAsJSONWritesThem() throws {
        let (file, diagnostics) = RuleFileReader.read(
            text: """
                lists:
                  ids: [8, 0.5, -1e3, abc, nan, inf, "0x1p3", "7"]
                  odd: [.5, 0x1p3, +1, 1., 0x1F]
                """,
            file: "r.yaml")
        #expect(diagnostics.map(\.code) == Array(repeating: .invalidValue, count: 5))
        #expect(diagnostics.first?.message == "item '.5' of list 'odd': write a number as JSON does (0.5, 31, 1e3), or quote it to mean text")
        let ids = try #require(file.lists.first { $0.name.value == "ids" })
        #expect(ids.items.map(\.value) == [.number(8), .number(0.5), .number(-1000), .string("abc"), .string("nan"), .string("inf"), .string("0x1p3"), .string("7")])
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

    /// A rule pasted from Prometheus or Falco: each foreign key is reported with what Sentinel writes, and read in
    /// place of the key it stands for, so the rest of the rule is still checked (no "has no 'name'" hiding it).
    @Test func foreignKeysSayWhatToWriteAndTheRuleIsStillRead() throws {
        let (file, diagnostics) = RuleFileReader.read(
            text: """
                rules:
                  - alert: HighLatency
                    expr: latency_ms > 1000
                    on: completion
                    priority: CRITICAL
                    sevrity: x
                  - rule: Unsafe
                    condition: response_guard.safety == "unsafe"
                    output: "unsafe answer (model=%model)"
                """,
            file: "r.yaml")
        #expect(diagnostics.map(\.code) == Array(repeating: .unknownKey, count: 7) + [.missingKey], "\(diagnostics)")
        #expect(diagnostics.map { $0.range?.start.line } == [2, 3, 5, 6, 7, 8, 9, 7])
        #expect(diagnostics[0].message == "unknown key 'alert' in rule 'HighLatency' (Prometheus' 'alert': the rule's name is 'name:')")
        #expect(diagnostics[1].message.contains("(Prometheus' 'expr': the condition is 'when:'"))
        #expect(diagnostics[2].message.contains("(Falco's 'priority': write 'severity:'"))
        #expect(diagnostics[3].message.hasSuffix("(did you mean 'severity'?)"))
        #expect(diagnostics[6].message.contains("the alert's text is an annotation"))
        #expect(diagnostics[7].message == "rule 'Unsafe' has no 'on' (the kind of event it reads, such as on: completion or on: metric)")
        let rule = try #require(file.rules.first)
        #expect(rule.name.value == "HighLatency" && rule.condition.text == "latency_ms > 1000" && rule.severity == nil)
        #expect(file.rules.count == 1)
    }

    @Test func aRuleWithoutANameHasItsOtherKeysChecked() {
        let (_, diagnostics) = RuleFileReader.read(text: "rules:\n  - {Name: A, on: completion, when: \"true\"}\n", file: "r.yaml")
        #expect(diagnostics.map(\.message) == ["rule #1 has no 'name'", "unknown key 'Name' in rule #1 (did you mean 'name'?)"])
    }

    /// Falco's file is a list of rule, macro and list items; Prometheus' has `groups`; a promtool test misnamed
    /// as a rule file has `rule_files` and `tests`.
    @Test(arguments: [
        ("- rule: A\n  condition: x\n", "Falco's form"),
        ("groups:\n  - name: g\n", "(Prometheus' 'groups': a Sentinel rule file lists its rules under a top-level 'rules:'"),
        ("rule_files: [a.yaml]\n", "rule tests are files named *.test.yaml"),
    ])
    func otherToolsFilesSayWhatSentinelsLooksLike(text: String, message: String) {
        let (_, diagnostics) = RuleFileReader.read(text: text, file: "r.yaml")
        #expect(diagnostics.count == 1 && diagnostics[0].message.contains(message), "\(diagnostics)")
    }

    /// Alertmanager's `webhook_configs` is one error that says what to write, not also "has no 'type'".
    @Test func alertmanagerReceiverFormIsOneErrorThatTranslates() {
        let (_, diagnostics) = PolicyFileReader.read(
            text: """
                receivers:
                  - name: hook
                    webhook_configs: [{url: "http://x"}]
                  - name: chat
                    slack_configs: [{channel: x}]
                route: {receiver: hook}
                """,
            file: "p.yaml")
        #expect(diagnostics.map(\.code) == [.unknownKey, .unknownKey], "\(diagnostics)")
        #expect(diagnostics.first?.message.contains("a Sentinel receiver is one destination: type: webhook and url: ...") == true)
        #expect(diagnostics.last?.message.contains("for slack, forward to an Alertmanager") == true)
    }
}
