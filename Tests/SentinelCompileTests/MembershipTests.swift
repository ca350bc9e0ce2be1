import Foundation
import SentinelCompile
import SentinelCore
import SentinelParse
import Testing

/// Type checking and name resolution around lists: `in`, the string tests against lists, and `len`.
@Suite struct MembershipTests {
    /// A rule file with three lists and one rule per condition, each on its own line.
    struct Fixture {
        var kind = "completion"
        var conditions: [String]

        var text: String {
            "lists: {nums: [1, 2], models: [a, b], mixed: [a, 1]}\nrules:\n"
                + conditions.indices.map { "\(prefix($0))\(conditions[$0])'}" }.joined(separator: "\n")
        }

        private func prefix(_ i: Int) -> String { "  - {name: R\(i), on: \(kind), group_by: [model], when: '" }

        /// The line and column where `operand` first appears in condition `i`.
        func position(of operand: String, inCondition i: Int) -> (line: Int, column: Int) {
            let condition = conditions[i]
            let offset = condition[..<condition.range(of: operand)!.lowerBound].utf8.count
            return (i + 3, prefix(i).utf8.count + offset + 1)
        }

        func diagnostics(at position: (line: Int, column: Int), in all: [Diagnostic]) -> [Diagnostic] {
            all.filter { $0.range?.start.line == position.line && $0.range?.start.column == position.column }
        }
    }

    @Test func membershipAndLenAreTypeErrorsOnlyWhereTheTypesCanNeverMatch() {
        // Each rejected condition with its offending operand and the message there.
        let rejected = [
            ("model in [1, 2]", "[1, 2]", "cannot compare a string with a list of numbers"),
            ("latency_ms in [\"a\", \"b\"]", "[\"a\", \"b\"]", "cannot compare a number with a list of strings"),
            ("model in nums", "nums", "cannot compare a string with a list of numbers"),
            ("model not in nums", "nums", "cannot compare a string with a list of numbers"),
            ("prompt contains nums", "nums", "cannot compare a string with a list of numbers"),
            ("response_guard.refusal in [1]", "[1]", "cannot compare a bool with a list of numbers"),
            ("len(latency_ms) > 1", "latency_ms", "'len' needs a string or an array, but this is a number"),
            ("len(true) > 0", "true", "'len' needs a string or an array, but this is a bool"),
            ("model contains [1, 2]", "[1, 2]", "'contains' of a [list] looks for text: every item must be a string"),
            ("latency_ms contains [\"a\"]", "latency_ms", "'contains' needs a string, but this is a number"),
            // A guard's categories are strings: no number is among them.
            ("response_guard.categories contains nums", "nums", "cannot compare a string with a list of numbers"),
            ("response_guard.categories contains [1]", "[1]", "cannot compare a string with a list of numbers"),
            ("response_guard.categories contains 1", "1", "cannot compare a number with a list of strings"),
            ("1 in response_guard.categories", "response_guard.categories", "cannot compare a number with a list of strings"),
        ]
        let accepted = [
            "model in mixed", "model in [1, \"a\"]", "latency_ms in nums", "model in models", "prompt contains models",
            "attrs.tier in nums", "attrs.tier in [\"a\"]", "\"Violent\" in response_guard.categories",
            "len(prompt) > 1", "len(response_guard.categories) > 1", "len(attrs.tags) > 1",
            "prompt contains [\"a\", \"b\"]", "response_guard.categories contains models",
            "attrs.tags contains [1, \"a\"]", "attrs.tags contains nums", "attrs.tags contains models",
        ]
        let fixture = Fixture(conditions: rejected.map(\.0) + accepted)
        let (_, diagnostics) = CompileFixture.compile(fixture.text)
        let errors = CompileFixture.errors(diagnostics)
        #expect(errors.count == rejected.count, "\(errors)")
        for (i, (_, operand, message)) in rejected.enumerated() {
            let here = fixture.diagnostics(at: fixture.position(of: operand, inCondition: i), in: errors)
            #expect(here.map(\.code) == [.typeMismatch], "\(rejected[i].0): \(errors)")
            #expect(here.first?.message == message)
        }
    }

    /// `ts` reads as epoch seconds: comparing it with text, as a rule written for the raw value would, says so.
    @Test func comparingTsWithTextSaysItIsEpochSeconds() {
        let (_, diagnostics) = CompileFixture.compile(Fixture(conditions: ["ts > \"2026-05-01\"", "ts >= 1777636800"]).text)
        let errors = CompileFixture.errors(diagnostics)
        #expect(errors.map(\.code) == [.typeMismatch])
        #expect(errors.first?.message.hasPrefix("'ts' reads as the event's time in epoch seconds") == true)
        #expect(errors.first?.range?.start.line == 3)
    }

    @Test func freeFormKindsTypeNoFieldAndSuggestNoListLeftOfIn() {
        let fixture = Fixture(
            kind: "error", conditions: ["model in models", "modles == \"a\"", "code in nums", "code in [\"a\"]", "len(code) > 1"])
        let (graph, diagnostics) = CompileFixture.compile(fixture.text)
        #expect(graph != nil)
        #expect(!diagnostics.contains { $0.code == .fieldLooksLikeName }, "\(diagnostics)")
    }

    @Test func anUnknownNameRightOfInIsAnUndefinedListWithAListSuggestion() {
        // Each condition with its unknown name and the suggestion: a list first, else a field (string tests may
        // take a string field on their right).
        let cases = [
            ("model in modles", "modles", " (did you mean 'models'?)"),
            ("prompt contains modles", "modles", " (did you mean 'models'?)"),
            ("prompt contains respnse", "respnse", " (did you mean 'response'?)"),
            ("model in nothing_like_it", "nothing_like_it", ""),
        ]
        let fixture = Fixture(conditions: cases.map(\.0))
        let (graph, diagnostics) = CompileFixture.compile(fixture.text)
        #expect(graph == nil)
        for (i, (_, name, hint)) in cases.enumerated() {
            let here = fixture.diagnostics(at: fixture.position(of: name, inCondition: i), in: diagnostics)
            #expect(here.map(\.code) == [.undefinedList], "\(diagnostics)")
            #expect(here.first?.message == "'\(name)' is neither a list nor a field of 'completion' events\(hint)")
        }
    }

    @Test func aMisspeltListOnAFreeFormKindIsAWarningWithTheListSuggested() {
        let fixture = Fixture(kind: "error", conditions: ["model in modles"])
        let (graph, diagnostics) = CompileFixture.compile(fixture.text)
        #expect(graph != nil)
        let warnings = diagnostics.filter { $0.code == .fieldLooksLikeName }
        #expect(warnings.map(\.message) == ["'modles' reads a field of 'error' events; did you mean 'models'?"])
        #expect(warnings.first?.range?.start.column == fixture.position(of: "modles", inCondition: 0).column)
    }

    @Test func aListItemWrittenTwiceIsAWarningAtTheSecond() {
        let rules = """
            lists:
              markers:
                - ignore previous instructions
                - developer mode enabled
                - ignore previous instructions
              sizes: [1, 2, 1.0]
            rules:
              - {name: R, on: completion, when: 'prompt icontains markers and len(prompt) in sizes'}
            """
        let (graph, diagnostics) = CompileFixture.compile(rules)
        #expect(graph != nil)
        let repeated = diagnostics.filter { $0.code == .repeatedListItem }
        #expect(repeated.map { $0.range?.start.line } == [5, 6])
        #expect(repeated.first?.message == "list 'markers' already holds this item (line 3); was another one meant?")
        #expect(repeated.allSatisfy { $0.severity == .warning })
    }

    /// As in Falco, an item naming another list stands for its items (matching: `CaseInsensitiveNeedlesTests`);
    /// the nested list counts as used, where it was reported unused and its name matched as text.
    @Test func anItemNamingAListUsesThatList() {
        let (graph, diagnostics) = CompileFixture.compile(
            """
            lists:
              all_markers: [base_markers, "you are now dan"]
              base_markers: [ignore all previous instructions, more_markers]
              more_markers: [developer mode, "you are now dan"]
            rules:
              - {name: R, on: completion, when: "prompt icontains all_markers"}
            """)
        #expect(!diagnostics.contains { $0.code == .unusedList }, "\(diagnostics)")
        #expect(
            graph?.lists.first { $0.name == "all_markers" }?.items
                == [.string("ignore all previous instructions"), .string("developer mode"), .string("you are now dan")])
    }

    /// A misspelt list name inside a list is matched as text: warned at the item, with the list meant.
    @Test func aMisspeltListNameInAListIsAWarning() {
        let (graph, diagnostics) = CompileFixture.compile(
            """
            lists:
              injection_markers_de: [ignoriere alle anweisungen]
              all_markers: [injection_markers_deu, "you are now dan", plain_phrase]
            rules:
              - {name: R, on: completion, when: "prompt icontains all_markers or prompt icontains injection_markers_de"}
            """)
        #expect(graph != nil)
        let warned = diagnostics.filter { $0.code == .listItemLooksLikeList }
        #expect(warned.map(\.message) == ["'injection_markers_deu' is no list, so it is matched as text (did you mean the list 'injection_markers_de'?)"])
        #expect(warned.first?.range?.start.line == 3)
    }

    @Test func listsNamingEachOtherInACycleAreAnError() {
        let (graph, diagnostics) = CompileFixture.compile(
            """
            lists:
              a: [x, b]
              b: [y, a]
              c: [c, z]
            rules:
              - {name: R, on: completion, when: "model in a or model in c"}
            """)
        #expect(graph == nil)
        let cycles = diagnostics.filter { $0.code == .listCycle }
        #expect(cycles.map(\.message) == ["lists name each other in a cycle: a -> b -> a", "lists name each other in a cycle: c -> c"])
        #expect(cycles.map { $0.range?.start.line } == [3, 4])
    }

    /// `model in blocked_models` with nothing in the list never holds: warned where it is tested; `not in` an
    /// empty list (a placeholder allowlist) always holds, as meant, and is not.
    @Test func aTestOfAnEmptyListIsAWarningWhereItIsWritten() {
        let (graph, diagnostics) = CompileFixture.compile(
            """
            lists:
              blocked_models: []
              trusted_users: []
            rules:
              - {name: R, on: completion, when: "model in blocked_models and attrs.user not in trusted_users"}
            """)
        #expect(graph != nil)
        let empty = diagnostics.filter { $0.code == .emptyList }
        #expect(empty.map(\.message) == ["list 'blocked_models' has no items: 'in' it is always false (and 'not' it always true)"])
        #expect(empty.first?.range?.start.line == 5)
        #expect(empty.first?.severity == .warning)
    }

    /// A nested list of numbers types its parent as numbers (it was read as a list of strings: E0204), and lists
    /// nesting one another twice at each level stay small (they doubled at each: 24 levels took 2 GB).
    @Test func nestedListsKeepTheirTypesAndDoNotMultiply() {
        let numbers = CompileFixture.compile(
            """
            lists: {slow_codes: [500, 502], all_codes: [slow_codes, 504]}
            rules: [{name: R, on: completion, when: 'completion_tokens in all_codes'}]
            """)
        #expect(numbers.0 != nil, "\(numbers.1)")
        var text = "lists:\n  l0: [a, b]\n"
        for level in 1...40 { text += "  l\(level): [l\(level - 1), l\(level - 1)]\n" }
        text += "rules: [{name: R, on: completion, when: 'model in l40'}]\n"
        let (graph, _) = CompileFixture.compile(text)
        #expect(graph?.lists.first { $0.name == "l40" }?.items == [.string("a"), .string("b")])
    }
}
