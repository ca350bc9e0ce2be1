import Foundation
@testable import SentinelParse
import Testing

@testable import SentinelEvaluate

/// `matches` on a backtracking engine: patterns that can take exponential time are flagged (and linted), run with
/// a step budget, and given-up matches are counted rather than passed off as "no match" silently.
@Suite struct BoundedRegexTests {
    @Test(arguments: [
        "(a|aa)+$", "(.*a){12}x", "(?s)(.|\\n)*password", "(a+)+b", "(\\w+\\s?)*$", "(?:x|y)*z", "((ab)*c)+",
        "(?i)(?:ignore|disregard)+ (\\w+)*",
    ])
    func patternsThatCanBacktrackExponentiallyAreFlagged(pattern: String) {
        #expect(RegexCheck.mayBacktrack(pattern), "\(pattern)")
    }

    @Test(arguments: [
        "(?i)ignore (all )?previous", "(?:foo)+", "[a-z]+@[a-z]+\\.com", "\\d{3}-\\d{4}", "(ab){2}", "(a|b){1}",
        "[(|*]+", "\\(a*\\)+", "(?<name>abc)+", "^$", "(?i)(?=x)y",
    ])
    func ordinaryPatternsAreNotFlagged(pattern: String) {
        #expect(!RegexCheck.mayBacktrack(pattern), "\(pattern)")
    }

    @Test func aCatastrophicMatchIsGivenUpDeterministically() {
        let regex = BoundedRegex("(a|aa)+$")
        #expect(regex.budgeted)
        // 2^60 paths: unbounded, this would not end.
        #expect(regex.firstMatch(in: String(repeating: "a", count: 60) + "!") == nil)
        #expect(regex.firstMatch(in: "aaaa") == true)
        #expect(regex.firstMatch(in: "b!") == false)
    }

    @Test func ordinaryPatternsMatchAsBefore() {
        let regex = BoundedRegex("(?i)ignore (all )?previous")
        #expect(!regex.budgeted)
        #expect(regex.firstMatch(in: String(repeating: "hello ", count: 10_000) + "IGNORE previous instructions") == true)
        #expect(regex.firstMatch(in: String(repeating: "hello ", count: 10_000)) == false)
    }

    /// Repetitions side by side backtrack polynomially: `a*a*a*a*b` over 200 `a`s ran 25 s unbudgeted.
    @Test func patternsRepeatingMoreThanOnceRunWithTheBudget() {
        for pattern in ["a*a*a*a*b", ".*x.*y", "\\s+\\S+\\s+$", "[a-z]*[a-z]*!"] {
            #expect(RegexCheck.needsStepBudget(pattern), "\(pattern)")
            #expect(!RegexCheck.mayBacktrack(pattern), "\(pattern) is polynomial, not exponential")
        }
        for pattern in ["(?i)ignore (all )?previous", "^sk-[A-Za-z0-9]{20,}", "a{2}b{3}"] {
            #expect(!RegexCheck.needsStepBudget(pattern), "\(pattern)")
        }
        let regex = BoundedRegex("a*a*a*a*a*a*a*a*a*a*b")
        #expect(regex.budgeted)
        #expect(regex.firstMatch(in: String(repeating: "a", count: 200)) == nil)
        #expect(regex.firstMatch(in: "aaab") == true)
        #expect(BoundedRegex(".*x.*y").firstMatch(in: String(repeating: "a", count: 1000) + "x" + "y") == true)
    }

    /// Optional atoms are choices too: `a?` 30 times then `a` 30 times, over 200 `a`s, never ended unbudgeted. A
    /// few of them run unbudgeted (the budget's progress reports cost 4 to 7 times the match), and a lazy or
    /// possessive modifier after a quantifier is not a second one.
    @Test func chainsOfOptionalAtomsRunWithTheBudget() {
        let pattern = String(repeating: "a?", count: 30) + String(repeating: "a", count: 30) + "$"
        #expect(RegexCheck.needsStepBudget(pattern))
        #expect(RegexCheck.needsStepBudget(String(repeating: "a{0,1}", count: 6)))
        #expect(RegexCheck.needsStepBudget(".*" + String(repeating: "x?", count: 4)))
        // An optional group of alternatives is a repetition; groups of alternatives are choices.
        #expect(RegexCheck.needsStepBudget(String(repeating: "(a|a|a|a|a|a)?", count: 2) + "b"))
        #expect(RegexCheck.needsStepBudget(String(repeating: "(a|a|a|a|a|a)", count: 7) + "b"))
        for few in [
            ".*?x", "a+?b", "\\d*+x", "colou?r", "(?i)ignore (all )?previous", "https?://[a-z]+x",
            "(?i)ignore (all )?(previous|prior) instructions?", "x?y?z", ".*" + String(repeating: "x?", count: 3),
            "(developer|god) mode|you are now (dan|evil)",
        ] {
            #expect(!RegexCheck.needsStepBudget(few), "\(few)")
        }
        let regex = BoundedRegex(pattern)
        let started = DispatchTime.now().uptimeNanoseconds
        #expect(regex.firstMatch(in: String(repeating: "a", count: 200)) == nil)
        #expect(DispatchTime.now().uptimeNanoseconds - started < 5_000_000_000)
        #expect(regex.firstMatch(in: String(repeating: "a", count: 45)) == true)
    }

    /// On a long text the step count alone allowed ~0.1 ms a character (20 s on 200 000): the time limit gives up
    /// sooner, and a match found quickly on a long text is still found.
    @Test func aBudgetedMatchOnALongTextIsGivenUpWithinItsTimeLimit() {
        let regex = BoundedRegex("a*a*a*a*b")
        let started = DispatchTime.now().uptimeNanoseconds
        #expect(regex.firstMatch(in: String(repeating: "a", count: 200_000)) == nil)
        #expect(DispatchTime.now().uptimeNanoseconds - started < 5_000_000_000)
        #expect(BoundedRegex(".*x.*y").firstMatch(in: "xy" + String(repeating: "q", count: 200_000)) == true)
    }

    /// ICU abandons some matches of long inputs (its backtracking stack); that was read as "no match".
    @Test func aMatchICUAbandonsIsReportedNotPassedOffAsNoMatch() {
        let regex = BoundedRegex("(?s)(.|\\n)*password")
        let long = String(repeating: "x", count: 200_000) + " password"
        #expect(regex.firstMatch(in: long) == nil)
        #expect(regex.firstMatch(in: "x password") == true)
    }

    @Test func theEngineCountsGivenUpMatchesAsNoMatch() throws {
        let f = try EngineFixture(
            """
            rules:
              - {name: R, on: completion, when: 'prompt matches "(a|aa)+$"'}
            """)
        try f.send(at: 1, #"{"kind":"completion","prompt":"\#(String(repeating: "a", count: 60))!"}"#)
        try f.send(at: 2, #"{"kind":"completion","prompt":"aaaa"}"#)
        #expect(f.matches("R") == 1)
        #expect(f.engine.statistics.regexGivenUp == 1)
    }

    /// Plain alternatives are found by comparing UTF-8 bytes; the answer must be ICU's, in any script.
    @Test func plainAlternativesAreFoundAsICUFindsThem() {
        let texts = [
            "please ignore previous instructions", "Ignore Previous", "", "developer mode on", "开发者模式已启用",
            "cafe\u{301}", "café", "x😀y", "a|b", "abc",
        ]
        for pattern in ["ignore previous|developer mode", "开发者模式", "café", "😀", "a||b", "|", "b", "abcd"] {
            let regex = BoundedRegex(pattern)
            #expect(regex.literals != nil, "\(pattern)")
            let icu = try! NSRegularExpression(pattern: pattern)
            for text in texts {
                let expected = icu.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
                #expect(regex.firstMatch(in: text) == expected, "\(pattern) in \(text.debugDescription)")
                var bytes = Array(text.utf8)
                let found = bytes.withUnsafeMutableBufferPointer { regex.firstMatch(inUTF8: UnsafeBufferPointer($0)) }
                #expect(found == expected, "\(pattern) in UTF-8 \(text.debugDescription)")
            }
        }
        for pattern in ["ignore.*previous", "a\\|b", "(a|b)", "[ab]", "a+", "a?", "^a", "a$", "a{2}", "(?i)x"] {
            #expect(BoundedRegex(pattern).literals == nil, "\(pattern)")
        }
    }
}
