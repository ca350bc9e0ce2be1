import SentinelCompile
import SentinelCore
import SentinelParse
import Foundation
import Testing

@Suite struct CompilerTests {
    @Test func identicalWindowsInDifferentRulesAreOneNode() throws {
        let (graph, diagnostics) = CompileFixture.compile(
            """
            macros:
              unsafe: response_guard.safety == "unsafe"
            rules:
              - {name: A, on: completion, group_by: [model], when: "ratio(unsafe, 5m) > 0.2 and count(5m) > 10"}
              - {name: B, on: completion, group_by: [model], when: "count(unsafe, 5m) > 3 and count(5m) > 20"}
              - {name: C, on: completion, group_by: [model], when: "avg(latency_ms, 5m) > 1 and zscore(latency_ms, 5m) > 3"}
              - {name: D, on: completion, group_by: [attrs.user], when: "count(5m) > 10"}
            """)
        #expect(CompileFixture.errors(diagnostics).isEmpty)
        let g = try #require(graph)
        // A, B, C share a partition (completion, no where, by model); D groups differently.
        #expect(g.partitions.count == 2)
        // ratio(unsafe) and count(unsafe) share the condition window; count(5m) is shared by A, B;
        // avg and zscore of latency share one sample window; D has its own count window.
        #expect(g.windows.count == 4)
        // The macro expands to one node however many rules use it.
        let compares = g.nodes.filter { if case .compare(.equal, _, _) = $0 { return true } else { return false } }
        #expect(compares.count == 1)
    }

    /// `distinct(x, cond, w)` is its own window beside `distinct(x, w)`, one node however many rules use it.
    @Test func conditionalDistinctIsOneWindowPerCondition() throws {
        let (graph, diagnostics) = CompileFixture.compile(
            """
            rules:
              - {name: A, on: completion, group_by: [model], when: "distinct(attrs.user, latency_ms > 100, 5m) > 2"}
              - {name: B, on: completion, group_by: [model], when: "distinct(attrs.user, latency_ms > 100, 5m) > 5"}
              - {name: C, on: completion, group_by: [model], when: "distinct(attrs.user, 5m) > 5"}
              - {name: D, on: completion, group_by: [model], when: "distinct(attrs.user, latency_ms > 200, 5m) > 5"}
            """)
        #expect(CompileFixture.errors(diagnostics).isEmpty, "\(diagnostics)")
        let g = try #require(graph)
        #expect(g.windows.count == 3)
        // attrs is decoded too: the traffic schema types it as an object, which is checked.
        #expect(Set(g.fields) == [["model"], ["attrs"], ["attrs", "user"], ["latency_ms"]])
    }

    @Test func graphReadsOnlyTheFieldsRulesUse() throws {
        let (graph, _) = CompileFixture.compile(CompileFixture.rule("latency_ms > 100"))
        let g = try #require(graph)
        #expect(Set(g.fields) == [["model"], ["latency_ms"]])
    }

    /// A window of 0s or a negative one is not "no duration": the message says what is wrong with it.
    @Test(arguments: [
        ("count(0s) > 1", "'count' needs a window longer than 0s: "), ("count(-5m) > 1", "not a negative one"),
        ("count(latency_ms) > 1", "'count' needs a window duration such as 5m here"),
    ])
    func windowsThatAreNoWindowSayWhy(when: String, message: String) {
        let (_, diagnostics) = CompileFixture.compile(CompileFixture.rule(when))
        let error = CompileFixture.errors(diagnostics).first
        #expect(error?.code == .badArguments)
        #expect(error?.message.contains(message) == true, "\(String(describing: error?.message))")
    }

    @Test func unknownFunctionSuggestsTheClosestName() {
        let (_, diagnostics) = CompileFixture.compile(CompileFixture.rule("zscroe(latency_ms, 5m) > 3"))
        let error = CompileFixture.errors(diagnostics).first
        #expect(error?.code == .unknownFunction)
        #expect(error?.message.contains("did you mean 'zscore'") == true)
        #expect(error?.range?.start.line == 5)
        #expect(error?.range?.start.column == 11)
    }

    @Test func unknownFieldOfAKnownKindSuggestsTheClosestField() {
        let (_, diagnostics) = CompileFixture.compile(CompileFixture.rule("reponse_guard.safety == \"unsafe\""))
        let error = CompileFixture.errors(diagnostics).first
        #expect(error?.code == .unknownField)
        #expect(error?.message.contains("response_guard.safety") == true)
    }

    @Test func freeFormFieldsAndUnknownKindsAreAccepted() {
        let (graph, diagnostics) = CompileFixture.compile(
            """
            rules:
              - {name: A, on: completion, when: "attrs.anything.deep == 1"}
              - {name: B, on: feedback, when: "score < 0.2 and thumbs == \\"down\\""}
            """)
        #expect(CompileFixture.errors(diagnostics).isEmpty)
        #expect(graph != nil)
    }

    @Test(arguments: [
        ("count(5x) > 1", DiagnosticCode.badDuration),
        ("count(5m) > \"x\"", .typeMismatch),
        ("latency_ms and true", .typeMismatch),
        ("prompt matches \"(unclosed\"", .invalidRegex),
        ("count(latency_ms > 1) > 1", .badArguments),
        ("quantile(2, latency_ms, 5m) > 1", .badArguments),
        ("quantile(-0.5, latency_ms, 5m) > 1", .badArguments),
        ("avg(count(5m), 5m) > 1", .badArguments),
        ("latency_ms > 1 > 2", .expressionSyntax),
        ("latency_ms = 1", .expressionSyntax),
        ("(latency_ms > 1", .expressionSyntax),
        ("ratio(5m) > 0.1", .badArguments),
        ("distinct(attrs.user, latency_ms, 5m) > 1", .typeMismatch),
        ("distinct(attrs.user, count(5m) > 1, 5m) > 1", .badArguments),
        ("distinct(attrs.user, latency_ms > 1, 1) > 1", .badArguments),
    ])
    func malformedConditionsAreCompileErrors(when: String, code: DiagnosticCode) {
        let (graph, diagnostics) = CompileFixture.compile(CompileFixture.rule("'\(when.replacingOccurrences(of: "'", with: "''"))'"))
        #expect(graph == nil)
        #expect(CompileFixture.errors(diagnostics).map(\.code).contains(code), "\(diagnostics)")
    }

    /// `-0` is 0 written with a sign: a quantile like `0` (it was refused as outside 0 to 1).
    @Test func aQuantileOfMinusZeroIsTheMinimum() {
        let (graph, diagnostics) = CompileFixture.compile(CompileFixture.rule("'quantile(-0, latency_ms, 5m) > 1'"))
        #expect(graph != nil, "\(diagnostics)")
    }

    /// A pattern that can backtrack exponentially compiles, with a warning at the pattern.
    @Test func aBacktrackingPatternIsAWarningAtThePattern() {
        let (graph, diagnostics) = CompileFixture.compile(CompileFixture.rule(#"'prompt matches "(a|aa)+$"'"#))
        #expect(graph != nil)
        let warning = diagnostics.first { $0.code == .backtrackingRegex }
        #expect(warning?.severity == .warning, "\(diagnostics)")
        #expect(warning?.message.hasPrefix("'(a|aa)+$' repeats a group that holds repetition or alternation") == true)
        #expect(CompileFixture.compile(CompileFixture.rule(#"'prompt matches "(?i)ignore (all )?previous"'"#)).1.allSatisfy { $0.code != .backtrackingRegex })
    }

    /// On a kind whose fields are known a misspelt macro is an unknown field naming the macro; E0208 (undefined
    /// macro), which no name could ever get, is retired.
    @Test func aMisspeltMacroOnAKnownKindIsAnUnknownFieldNamingTheMacro() {
        let (_, diagnostics) = CompileFixture.compile(
            """
            macros:
              unsafe_answer: response_guard.safety == "unsafe"
            rules:
              - {name: R, on: completion, when: unsafe_answr}
            """)
        let errors = CompileFixture.errors(diagnostics)
        #expect(errors.map(\.code) == [.unknownField], "\(diagnostics)")
        #expect(errors.first?.message == "'completion' events have no field 'unsafe_answr' (did you mean 'unsafe_answer'?)")
        #expect(DiagnosticCode(rawValue: "E0208") == nil)
    }

    @Test func aMisspeltMacroOnAFreeFormKindIsAWarning() {
        let (graph, diagnostics) = CompileFixture.compile(
            """
            macros:
              low_score: score < 0.2
            rules:
              - {name: R, on: feedback, when: low_scor}
            """)
        #expect(graph != nil)
        #expect(diagnostics.contains { $0.code == .fieldLooksLikeName && $0.message.contains("'low_score'") })
    }

    @Test func deeplyNestedMacroExpansionIsAnErrorNotACrash() {
        let depth = 150
        let levels = (0..<40).map { i in "  m\(i): " + String(repeating: "not ", count: depth) + (i == 0 ? "true" : "m\(i - 1)") }
        let (_, diagnostics) = CompileFixture.compile(
            "macros:\n" + levels.joined(separator: "\n") + "\nrules:\n  - {name: R, on: completion, when: m39}\n")
        #expect(diagnostics.contains { $0.code == .expressionTooDeep })
    }

    @Test func evaluationIntervalsHaveAFloorOfOneSecond() {
        let (_, diagnostics) = CompileFixture.compile(
            CompileFixture.rule("count(5m) == 0", extra: "    every: 500ms"),
            policy: "settings: {evaluation_interval: 10ms}\n")
        #expect(diagnostics.filter { $0.code == .invalidValue && $0.message.contains("at least 1s") }.count == 2)
    }

    @Test func oneRunReportsEveryProblemOfARule() {
        let (_, diagnostics) = CompileFixture.compile(
            """
            rules:
              - {name: A, on: completion, when: "latency_ms > 1"}
              - name: A
                on: completion
                when: latency_ms > "slow" or prompt contains 5
                severity: urgent
                labels: {severity: high}
            """)
        let codes = CompileFixture.errors(diagnostics).map(\.code)
        #expect(codes.filter { $0 == .typeMismatch }.count == 2)
        #expect(codes.contains(.invalidValue))
        #expect(codes.filter { $0 == .duplicateName }.count == 2)
    }

    @Test func groupByLabelsMayNotTakeTheSeverityOrEachOthersNames() {
        let (_, diagnostics) = CompileFixture.compile(
            """
            rules:
              - name: A
                on: completion
                group_by: [{field: model, as: severity}, {field: attrs.team, as: team}, attrs.team]
                labels: {team: x}
                when: latency_ms > 1
            """)
        let errors = CompileFixture.errors(diagnostics)
        #expect(errors.map(\.code) == [.duplicateName, .duplicateName, .duplicateName])
        #expect(errors.map { $0.range?.start.column } == [35, 77, 14])
        #expect(errors.first?.message.hasPrefix("label 'severity' is set by the rule itself") == true)
    }

    /// Alertmanager rejects alerts whose label names are not `[a-zA-Z_][a-zA-Z0-9_]*`, and routes read `alertname`
    /// and `rule` as the rule's name: such labels are errors at their keys.
    @Test func alertLabelsAreLabelNamesTheRuleDoesNotSetItself() {
        let (graph, diagnostics) = CompileFixture.compile(
            """
            rules:
              - name: A
                on: completion
                group_by: [{field: model, as: ""}, 'attrs["a-b"]', {field: attrs.x, as: alertname}]
                labels: {alertname: Other, "bad key": y, rule: r, ok_1: z}
                when: latency_ms > 1
            """)
        #expect(graph == nil)
        let errors = CompileFixture.errors(diagnostics).sortedByLocation()
        #expect(errors.map(\.code) == [.invalidName, .invalidName, .duplicateName, .duplicateName, .invalidName, .duplicateName])
        #expect(errors.map { $0.range?.start.line } == [4, 4, 4, 5, 5, 5])
        #expect(errors.map { $0.range?.start.column } == [35, 40, 77, 14, 32, 46])
        #expect(errors[0].message.hasPrefix("label name '' must match [a-zA-Z_][a-zA-Z0-9_]*"))
        #expect(errors[1].message.contains("would label alerts 'a-b', which is not a label name"))
        #expect(errors[2].message.hasPrefix("label 'alertname' is set by the rule itself (its name)"))
        #expect(errors[4].message.hasPrefix("label name 'bad key' must match"))
    }

    @Test func aSecondSettingsBlockIsAnErrorAtTheSecond() throws {
        let (first, _) = PolicyFileReader.read(text: "settings:\n  evaluation_interval: 15s\n", file: "a.yaml")
        let (second, _) = PolicyFileReader.read(text: "# hourly\nsettings: {evaluation_interval: 1h}\n", file: "b.yaml")
        let (graph, diagnostics) = Compiler.compile(rules: [], policies: [first, second])
        #expect(graph == nil)
        let error = try #require(diagnostics.first)
        #expect(diagnostics.count == 1)
        #expect(error.code == .duplicateName)
        #expect(error.message == "only one policy file may define 'settings'")
        #expect(error.range?.start == SourceLocation(file: "b.yaml", line: 2, column: 1, offset: 9))
        #expect(error.notes.first?.range?.start.file == "a.yaml")
    }

    @Test func macroCyclesAreReported() {
        let (_, diagnostics) = CompileFixture.compile(
            """
            macros:
              a: b and true
              b: not a
            rules:
              - {name: R, on: completion, when: a}
            """)
        #expect(CompileFixture.errors(diagnostics).contains { $0.code == .macroCycle })
    }

    /// `when:` would read such a macro while `group_by` reads the field: an alert labelled by one and matched by
    /// the other.
    @Test(arguments: [("model", "completion"), ("ts", "every event"), ("labels", "metric"), ("prompt_guard", "completion")])
    func aMacroNamedLikeAFieldIsAnError(name: String, owner: String) {
        let (_, diagnostics) = CompileFixture.compile(
            """
            macros:
              \(name): attrs.m == "x"
            rules:
              - {name: R, on: completion, group_by: [model], when: attrs.user exists}
            """)
        let errors = CompileFixture.errors(diagnostics)
        #expect(errors.count == 1)
        #expect(errors.first?.code == .duplicateName)
        #expect(errors.first?.message.hasPrefix("macro '\(name)' has the name of a field of \(owner):") == true)
        #expect(errors.first?.range?.start.line == 2)
    }

    @Test(arguments: ["and", "true", "in", "null"])
    func aMacroNamedLikeAKeywordIsAnError(name: String) {
        let (_, diagnostics) = CompileFixture.compile(
            """
            macros:
              "\(name)": latency_ms > 5
            rules:
              - {name: R, on: completion, when: latency_ms > 1}
            """)
        #expect(CompileFixture.errors(diagnostics).map(\.message) == ["macro '\(name)' is a keyword of the rule language: a condition cannot name it"])
    }

    /// Whichever file comes first: lint sorts its paths, `dry-run` keeps the order of `--rules`.
    @Test(arguments: [false, true])
    func aMacroAndAListOfOneNameAreAnErrorInEitherFileOrder(listFirst: Bool) {
        let macroFile = RuleFileReader.read(text: "macros:\n  foo: latency_ms > 5\n", file: "a.yaml").0
        let listFile = RuleFileReader.read(
            text: "lists:\n  foo: [x]\nrules:\n  - {name: R, on: completion, when: model in foo}\n", file: "b.yaml"
        ).0
        let policy = PolicyFileReader.read(text: CompileFixture.defaultPolicy, file: "policy.yaml").0
        let files = listFirst ? [listFile, macroFile] : [macroFile, listFile]
        let (_, diagnostics) = Compiler.compile(rules: files, policies: [policy])
        let errors = CompileFixture.errors(diagnostics)
        #expect(errors.map(\.message) == ["macro 'foo' has the name of a list"])
        #expect(errors.first?.range?.start.file == "a.yaml")
    }

    /// A rule repeated by an alias is reported where the alias is written, with the anchor as the first definition.
    @Test func aRuleRepeatedByAnAliasIsReportedAtTheAlias() {
        let (_, diagnostics) = CompileFixture.compile(
            """
            rules:
              - &r {name: A, on: completion, when: latency_ms > 1}
              - *r
            """)
        let error = CompileFixture.errors(diagnostics).first { $0.code == .duplicateName }
        #expect(error?.range?.start.line == 3 && error?.range?.start.column == 5)
        #expect(error?.notes.first?.range?.start.line == 2 && error?.notes.first?.range?.start.column == 15)
    }

    @Test func duplicateRuleNamesPointAtTheFirstDefinition() {
        let (_, diagnostics) = CompileFixture.compile(
            """
            rules:
              - {name: R, on: completion, when: "true"}
              - {name: R, on: completion, when: "false"}
            """)
        let error = CompileFixture.errors(diagnostics).first { $0.code == .duplicateName }
        #expect(error?.range?.start.line == 3)
        #expect(error?.notes.first?.range?.start.line == 2)
    }

    @Test func undefinedActionsAndUnusedDeclarationsAreReported() {
        let (_, diagnostics) = CompileFixture.compile(
            """
            lists:
              spare: [a]
            macros:
              idle: "true"
            rules:
              - {name: R, on: completion, when: "true", actions: [notfy]}
            """)
        #expect(diagnostics.contains { $0.code == .undefinedAction && $0.message.contains("did you mean 'notify'") })
        #expect(diagnostics.contains { $0.code == .unusedList })
        #expect(diagnostics.contains { $0.code == .unusedMacro })
        #expect(diagnostics.contains { $0.code == .unusedAction && $0.message.contains("capture_dpo") })
        // Rules checked without their policies: the likely cause, not a suggestion among no names.
        let (rules, _) = RuleFileReader.read(text: "rules:\n  - {name: R, on: completion, when: \"true\", actions: [notify]}\n", file: "r.yaml")
        let (_, alone) = Compiler.compile(rules: [rules], policies: [])
        #expect(
            alone.filter { $0.code == .undefinedAction }.map(\.message) == [
                "rule 'R' names action 'notify', which no policy file declares (no policy file was given: rules that name actions are read with the policy files that declare them)"
            ], "\(alone)")
        // A policy without actions was given: no advice to give one.
        let (_, withPolicy) = CompileFixture.compile("rules:\n  - {name: R, on: completion, when: \"true\", actions: [notify]}\n", policy: "route: {receiver: x}\nreceivers: [{name: x, type: log}]\n")
        #expect(withPolicy.filter { $0.code == .undefinedAction }.map(\.message) == ["rule 'R' names action 'notify', which no policy file declares"], "\(withPolicy)")
    }

    @Test func errorsInsideBlockScalarsPointAtTheFileLine() {
        let (_, diagnostics) = CompileFixture.compile(
            """
            rules:
              - name: R
                on: completion
                when: |
                  response_guard.safety == "unsafe"
                    and ratio(response_guard.refusal, 5m) > 0.5
                    and count(5m) >= bogus_field
            """)
        let error = CompileFixture.errors(diagnostics).first
        #expect(error?.code == .unknownField)
        #expect(error?.range?.start.line == 7)
        #expect(error?.range?.start.column == 26)
    }

    @Test func errorsInsideMacrosNameTheMacroAndItsUse() {
        let (_, diagnostics) = CompileFixture.compile(
            """
            macros:
              slow: latency > 100
            rules:
              - {name: R, on: completion, when: slow}
            """)
        let error = CompileFixture.errors(diagnostics).first
        #expect(error?.range?.start.line == 2)
        #expect(error?.notes.first?.message.contains("macro 'slow'") == true)
        #expect(error?.notes.first?.range?.start.line == 4)
    }

    @Test func errorsInNestedMacrosNoteEachUseInnermostFirst() {
        let (_, diagnostics) = CompileFixture.compile(
            """
            macros:
              slow: latency > 100
              bad: slow and model == "m"
            rules:
              - {name: R, on: completion, when: "count(5m) > 1 and bad"}
            """)
        let notes = CompileFixture.errors(diagnostics).first?.notes ?? []
        #expect(notes.map(\.message) == ["in macro 'slow', used here", "in macro 'bad', used here"])
        #expect(notes.map { $0.range?.start.line } == [3, 5])
        #expect(notes.map { $0.range?.start.column } == [8, 56])
    }

    @Test func unknownRuleKeysSuggestTheClosestKey() {
        let (_, diagnostics) = CompileFixture.compile(CompileFixture.rule("true", extra: "    severty: critical"))
        #expect(diagnostics.contains { $0.code == .unknownKey && $0.message.contains("did you mean 'severity'") })
    }

    @Test func aKindCloseToOneSentinelWritesIsAWarningAtTheKind() {
        let written = [
            "completions", "Metric", "COMPLETION", "eror", "scrape_errors", "feedback", "review", "completion", "completed",
            "errored",
        ]
        let rules = "rules:\n" + written.enumerated().map { i, kind in "  - {name: R\(i), on: \(kind), when: 'count(1m) > 1'}" }
            .joined(separator: "\n")
        let (_, diagnostics) = CompileFixture.compile(rules)
        let warnings = diagnostics.filter { $0.code == .kindLooksMisspelt }
        #expect(warnings.map(\.range?.start.line) == [2, 3, 4, 5, 6])
        #expect(warnings.map { $0.message.components(separatedBy: "did you mean ").last } == [
            "'completion'?", "'metric'?", "'completion'?", "'error'?", "'scrape_error'?",
        ])
        #expect(warnings.allSatisfy { $0.severity == .warning })
    }

    /// A rule over several kinds reads a field any of them has; checks that hold for one kind hold for all.
    @Test func fieldsOfARuleOverSeveralKindsAreCheckedAgainstAllOfThem() {
        func errors(_ on: String, _ when: String) -> [Diagnostic] {
            CompileFixture.errors(CompileFixture.compile("rules:\n  - {name: R, on: \(on), when: '\(when)'}").1)
        }
        let unknown = errors("[completion, metric]", #"modle == "x""#)
        #expect(unknown.map(\.code) == [.unknownField])
        #expect(unknown.first?.message == "'completion' or 'metric' events have no field 'modle' (did you mean 'model'?)")
        #expect(errors("[completion, metric]", #"model == "x" and value > 1 and labels.le == "+Inf""#).isEmpty)
        #expect(errors("[completion, metric]", #"model > 1"#).map(\.code) == [.typeMismatch])
        #expect(errors("[completion, review]", #"response_guard.safety == "Unsafe" and score > 1"#).isEmpty)
        #expect(errors("[completion, error]", #"response_guard.safety == "Unsafe""#).isEmpty)
        #expect(errors("[completion, completion]", #"response_guard.safety == "Unsafe""#).map(\.code) == [.duplicateName, .impossibleValue])
        #expect(errors("[completion, metric]", "histogram_quantile(0.9, 5m) > 1").isEmpty)
    }

    @Test func templatesMayOnlyUseKnownNames() {
        let (_, diagnostics) = CompileFixture.compile(
            CompileFixture.rule("true", extra: "    annotations: {summary: \"{{ modle }} is {{ value }}\"}"))
        #expect(diagnostics.contains { $0.code == .badTemplate && $0.message.contains("did you mean 'model'") })
    }

    @Test func templateErrorsPointAtThePlaceholder() throws {
        let (_, diagnostics) = CompileFixture.compile(
            CompileFixture.rule(
                "true",
                extra: """
                        annotations:
                          summary: "{{ model }} – {{ modle }} and {{valu}}"
                          description: >-
                            Over {{ value }} for
                            {{ $labels.model }}
                          runbook: "{{ value"
                          empty: "{{}}"
                    """))
        let errors = diagnostics.filter { $0.code == .badTemplate }
        #expect(errors.map(\.range?.start.line) == [7, 7, 10, 11, 12])
        // Columns count characters: the en dash before 'modle' is one.
        #expect(errors.map(\.range?.start.column) == [34, 49, 12, 17, 15])
        #expect(errors.map(\.range?.end.column) == [39, 53, 25, 19, 19])
        #expect(errors[0].message.contains("did you mean 'model'"))
        #expect(errors[1].message.contains("did you mean 'value'"))
        #expect(errors[2].message.contains("Prometheus template name: Sentinel writes it {{ model }}"))
        #expect(errors[3].message == "unclosed '{{' in template")
        #expect(errors[4].message.hasPrefix("template uses an empty placeholder"))
    }

    /// Prometheus' placeholders for a label the rule does not have, and pipes, say what to write and what it needs.
    @Test func prometheusPlaceholdersAndPipesSayWhatToWrite() {
        let (_, diagnostics) = CompileFixture.compile(
            CompileFixture.rule(
                "true", extra: "    annotations: {summary: \"{{ $labels.user }} {{ $value | humanize }} {{ model|title }} {{ printf \\\"%.2f\\\" $value | x }}\"}"))
        let messages = diagnostics.filter { $0.code == .badTemplate }.map(\.message)
        #expect(
            messages == [
                "template uses '$labels.user', a Prometheus template name: Sentinel writes it {{ user }}, and 'user' must be a label of this rule (group_by or labels)",
                "template uses '$value | humanize': placeholders take no pipes or functions; write {{ value }}",
                "template uses 'model|title': placeholders take no pipes or functions; write {{ model }}",
                "template uses 'printf \"%.2f\" $value | x': placeholders take no pipes or functions, only a name: value, rule, severity or a label of this rule",
            ], "\(diagnostics)")
    }

    /// An unknown bare name says what was likely meant: a label of a metric, the metric's name, text left
    /// unquoted, a boolean in capitals.
    @Test(arguments: [
        ("metric", "model_name == \\\"m\\\"", "'metric' events have no field 'model_name' (text is quoted: \"model_name\"; a free-form field is read as labels.model_name)"),
        ("metric", "value == None", "'metric' events have no field 'None' (no value is written null)"),
        ("[completion, metric]", "x == 1", "'completion' or 'metric' events have no field 'x' (text is quoted: \"x\"; a free-form field is read as attrs.x or labels.x)"),
        ("metric", "__name__ == \\\"m\\\"", "'metric' events have no field '__name__' (did you mean 'name'?)"),
        ("completion", "response_guard.safety == unsafe", "'completion' events have no field 'unsafe' (text is quoted: \"unsafe\"; a free-form field is read as attrs.unsafe)"),
        ("completion", "user == 'alice'", "'completion' events have no field 'user' (text is quoted: \"user\"; a free-form field is read as attrs.user)"),
        ("completion", "response_guard.refusal == True", "'completion' events have no field 'True' (write true)"),
        ("completion", "model == None", "'completion' events have no field 'None' (no value is written null)"),
    ])
    func unknownBareNamesSayWhatWasMeant(kind: String, condition: String, message: String) {
        let (_, diagnostics) = CompileFixture.compile("rules:\n  - {name: R, on: \(kind), when: \"\(condition)\"}\n")
        #expect(CompileFixture.errors(diagnostics).map(\.message) == [message], "\(diagnostics)")
    }

    @Test func defaultValueIsTheLeftSideOfTheFirstComparison() throws {
        let (graph, _) = CompileFixture.compile(CompileFixture.rule("not false and avg(latency_ms, 5m) > 3"))
        let g = try #require(graph)
        let value = try #require(g.rules[0].value)
        guard case .window(_, .average) = g.nodes[value] else {
            Issue.record("value is \(g.nodes[value])")
            return
        }
    }

    @Test func routesMustNameDeclaredReceivers() {
        let (_, diagnostics) = CompileFixture.compile(
            CompileFixture.rule("true"),
            policy: """
                receivers:
                  - {name: log, type: log}
                  - {name: hook, type: webhook, url: "http://127.0.0.1:1/x"}
                route:
                  receiver: log
                  routes:
                    - {matchers: ['severity="critical"'], receiver: pager}
                """)
        #expect(diagnostics.contains { $0.code == .undefinedReceiver })
        #expect(diagnostics.contains { $0.code == .unusedReceiver && $0.message.contains("hook") })
    }

    /// An action or receiver declared with a mistake is reported once, where it is declared: the rules and routes
    /// that name it do not add an error each.
    @Test func aBrokenDeclarationIsReportedOnceNotAtEveryReference() {
        let (_, diagnostics) = CompileFixture.compile(
            CompileFixture.rule("true", extra: "    actions: [notify, page]"),
            policy: """
                actions:
                  notify: {type: notfy}
                  page: {}
                receivers:
                  - {name: log, type: log}
                  - {name: pager, type: pagerduty}
                route:
                  receiver: log
                  routes:
                    - {matchers: ['severity="critical"'], receiver: pager}
                """)
        let errors = CompileFixture.errors(diagnostics)
        #expect(errors.map(\.code) == [.invalidValue, .missingKey, .invalidValue], "\(errors.map(\.message))")
        #expect(errors.map { $0.range?.start.file } == ["policy.yaml", "policy.yaml", "policy.yaml"])
    }

    /// A trace action needs its index: without one (or with a blank one) it passed lint and failed every trace
    /// when it ran.
    @Test(arguments: ["{type: trace, backend: local}", "{type: trace, index: ''}", "{type: trace, index: '  '}"])
    func aTraceActionWithoutAnIndexIsAnError(action: String) {
        let (_, diagnostics) = CompileFixture.compile(
            CompileFixture.rule("true", extra: "    actions: [tr]"),
            policy: """
                actions:
                  tr: \(action)
                receivers: [{name: log, type: log}]
                route: {receiver: log}
                """)
        let errors = CompileFixture.errors(diagnostics)
        #expect(errors.map(\.code) == [.missingKey])
        #expect(errors.first?.message.hasPrefix("trace action 'tr' has no 'index'") == true)
        #expect(errors.first.map { "\($0.range!.start.line):\($0.range!.start.column)" } == "2:3")
    }

    /// Action settings are checked where they are written: a value the action could not use was silently ignored
    /// (or, for a trace timeout, failed every trace at run time).
    @Test func actionSettingValuesAreChecked() {
        let (_, diagnostics) = CompileFixture.compile(
            CompileFixture.rule("true", extra: "    actions: [tr, dpo]"),
            policy: """
                actions:
                  tr:
                    type: trace
                    backend: infini-gram
                    index: v4
                    timeout: 10 s
                    min_span_length: abc
                    max_span_density: -3
                    max_documents_per_span: 0
                  dpo:
                    type: capture_dpo
                    max_attempts: 2
                    sample: 2.5
                    safety_instruction: [not, text]
                receivers:
                  - {name: log, type: log}
                route:
                  receiver: log
                """)
        let errors = CompileFixture.errors(diagnostics)
        #expect(
            errors.map { "\($0.range!.start.line):\($0.range!.start.column): \($0.message)" } == [
                "4:14: trace backend 'infini-gram' is not local or infini_gram",
                "6:14: 'timeout' '10 s' is not a duration: use a whole number with a unit ms, s, m, h, d or w, largest first (e.g. 500ms, 5m, 1h30m)",
                "7:22: 'min_span_length' must be a whole number",
                "8:23: 'max_span_density' must be over 0",
                "9:29: 'max_documents_per_span' must be at least 1",
                "13:13: 'sample' must be a fraction from 0 to 1",
                "14:25: 'safety_instruction' must be a string",
            ])
    }

    /// `send_resolved: maybe` behaved as true; `group_by: ['...', model]` grouped on a label named `...`.
    @Test func receiverAndRouteGroupingValuesAreChecked() {
        let (_, diagnostics) = CompileFixture.compile(
            CompileFixture.rule("true", extra: "    actions: [notify]"),
            policy: """
                actions: {notify: {type: notify}}
                receivers:
                  - {name: log, type: log, send_resolved: maybe}
                route:
                  receiver: log
                  routes:
                    - {receiver: log, group_by: ['...', model]}
                    - {receiver: log, group_by: [model, team, model]}
                """)
        let errors = CompileFixture.errors(diagnostics)
        #expect(
            errors.map { "\($0.range!.start.line):\($0.range!.start.column): \($0.message)" } == [
                "3:43: 'send_resolved' must be true or false",
                "7:34: '...' in 'group_by' groups by every label and must stand alone",
                "8:47: 'group_by' names 'model' twice",
            ])
    }

    /// A matcher's regex that does not compile is an error where it is written (it would silently never match).
    @Test func matcherRegexesMustCompile() {
        let (_, diagnostics) = CompileFixture.compile(
            CompileFixture.rule("true"),
            policy: """
                receivers:
                  - {name: log, type: log}
                route:
                  receiver: log
                  routes:
                    - {matchers: ['team=~"(safety"', 'model!~"llama.*"'], receiver: log}
                inhibit_rules:
                  - {source_matchers: ['severity="critical"'], target_matchers: ['model!~"[a-"']}
                """)
        let regexErrors = diagnostics.filter { $0.code == .invalidRegex }
        #expect(regexErrors.map { $0.range?.start.line } == [6, 8])
        #expect(
            regexErrors.map(\.message) == [
                #"invalid regular expression '(safety' in matcher 'team=~"(safety"': a '(' is not closed with ')'"#,
                #"invalid regular expression '[a-' in matcher 'model!~"[a-"': a '[' is not closed with ']'"#,
            ])
    }

    /// Foundation on Linux says only that a pattern is invalid; the usual mistakes are named.
    @Test(arguments: [
        ("(ab", "a '(' is not closed with ')'"), ("((a)", "a '(' is not closed with ')'"),
        ("((a", "2 '(' are not closed with ')'"), ("a)", "a ')' closes no group (write \\) for the character)"),
        ("[a-", "a '[' is not closed with ']'"), ("a\\", "it ends in a lone '\\'"),
        ("*a", "it starts with '*', which repeats nothing (write \\* for the character)"),
        ("\\(a[(]", nil), ("a{2,1}", "it does not compile"),
    ] as [(String, String?)])
    func regexProblemsAreNamed(pattern: String, problem: String?) {
        #expect(RegexCheck.problem(pattern) == problem)
    }
}

/// An unknown function's diagnostic names Sentinel's function for another language's name and for a misspelling.
@Suite struct UnknownFunctionHintTests {
    @Test(arguments: [
        ("zscroe", " (did you mean 'zscore'?)"), ("avg_over_time", " (Sentinel writes it avg(x, w))"),
        ("Median", " (Sentinel writes it quantile(0.5, x, w))"), ("lenght", " (did you mean 'len'?)"),
        ("histogram_quantil", " (did you mean 'histogram_quantile'?)"), ("frobnicate", ""),
        ("exist", " (Sentinel writes it x exists)"), ("quantile_over_tme", " (did you mean 'quantile'?)"),
    ])
    func hints(name: String, hint: String) {
        #expect(FunctionTable.hint(for: name) == hint)
    }

    /// A tick-evaluated rule has no current event: a field read outside a window function (its own group_by
    /// field and zscore's current value included) never has a value there. Warned at `every`; fields read only
    /// through windows are not.
    @Test func tickRulesReadingEventFieldsOutsideWindowsAreWarned() {
        let (graph, diagnostics) = CompileFixture.compile(
            """
            rules:
              - {name: A, on: completion, group_by: [model], every: 1m, when: "count(5m) > 0 and not (latency_ms > 1000) and model == 'm'"}
              - {name: B, on: completion, group_by: [model], every: 1m, when: "zscore(ttft_ms, 1h) > 3"}
              - {name: C, on: completion, group_by: [model], every: 1m, when: "count(latency_ms > 1000, 5m) > 2 and max(ttft_ms, 5m) > 9"}
              - {name: D, on: completion, group_by: [model], when: "latency_ms > 1000"}
            """)
        #expect(graph != nil)
        let warned = diagnostics.filter { $0.code == .tickRuleReadsEvent }
        #expect(warned.map { $0.range?.start.line } == [2, 3])
        #expect(warned.first?.message.contains("'latency_ms', 'model' outside a window function") == true, "\(warned)")
        #expect(warned.last?.message.contains("'ttft_ms' outside") == true)
    }

    /// `group_by: [model_name]` on metrics names the label's field, as `when:` does for a bare label name.
    @Test func aBareLabelInGroupByNamesItsField() {
        let diagnostics = CompileFixture.compile("rules:\n  - {name: R, on: metric, group_by: [model_name], when: \"value > 1\"}\n").1
        #expect(
            diagnostics.contains {
                $0.code == .unknownField && $0.message.hasSuffix("(a free-form field is read as labels.model_name)")
            }, "\(diagnostics)")
    }

    /// Inside `{ }` a `,` ends an unquoted value: `when: rate(value, 5m) > 1` is read as `rate(value`, which says so.
    @Test func anExpressionCutByACommaInAFlowMappingSaysSo() {
        let hint = "inside { } a ',' ends an unquoted value: quote the whole value"
        let cut = CompileFixture.compile("rules:\n  - {name: R, on: metric, when: rate(value, 5m) > 1}\n").1
        #expect(cut.contains { $0.code == .expressionSyntax && $0.message.contains(hint) }, "\(cut)")
        let quoted = CompileFixture.compile("rules:\n  - {name: R, on: metric, when: 'rate(value', x: 1}\n").1
        #expect(!quoted.contains { $0.message.contains(hint) }, "\(quoted)")
    }

    /// A ` #` in an unquoted `when:` starts a YAML comment: the expression that ends too soon says so; the same
    /// error with no comment after the value, or inside quotes, does not.
    @Test func anExpressionCutByAYAMLCommentSaysSo() {
        let hint = "YAML read the ' #' after it and the rest of the line as a comment"
        let cut = CompileFixture.compile("rules:\n  - name: R\n    on: completion\n    when: prompt contains \"step #1\" and latency_ms > 1\n").1
        #expect(cut.contains { $0.code == .expressionSyntax && $0.message.contains(hint) }, "\(cut)")
        let plain = CompileFixture.compile("rules:\n  - name: R\n    on: completion\n    when: prompt contains \"step\n").1
        #expect(plain.contains { $0.code == .expressionSyntax } && !plain.contains { $0.message.contains(hint) }, "\(plain)")
        let quoted = CompileFixture.compile("rules:\n  - name: R\n    on: completion\n    when: 'prompt contains \"step' # note\n").1
        #expect(!quoted.contains { $0.message.contains(hint) }, "\(quoted)")
    }

    /// The parser's list of window functions (for its advice on `avg(x, 5 min)`) is the compiler's.
    @Test func theParsersWindowFunctionsAreTheCompilers() {
        #expect(ForeignFunctions.windowFunctions == FunctionTable.windowNames)
    }
}
