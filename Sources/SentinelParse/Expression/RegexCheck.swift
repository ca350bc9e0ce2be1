import Foundation

/// Checks a regular expression as the evaluator compiles it (ICU, through `NSRegularExpression`) and says what is
/// wrong where it can: Foundation on Linux reports only that a pattern is invalid.
public enum RegexCheck {
    /// Nil when `pattern` compiles; otherwise a short reason ("a '(' is not closed with ')'").
    public static func problem(_ pattern: String) -> String? {
        if (try? NSRegularExpression(pattern: pattern)) != nil { return nil }
        return cause(pattern) ?? "it does not compile"
    }

    /// Why a pattern does not compile, for `anchored`'s failure.
    public struct Failure: Error {
        public var reason: String
    }

    /// `^(?:pattern)$` compiled, so that a whole value must match (`BoundedRegex.wholeMatch`), as in Alertmanager's
    /// label matchers; or why the pattern does not compile.
    public static func anchored(_ pattern: String) -> Result<BoundedRegex, Failure> {
        if let regex = try? NSRegularExpression(pattern: "^(?:\(pattern))$") {
            return .success(BoundedRegex(compiled: regex, pattern: pattern))
        }
        return .failure(Failure(reason: problem(pattern) ?? "it does not compile"))
    }

    /// Whether a backtracking engine (ICU) can take exponential time on some input: the pattern repeats without
    /// bound (`*`, `+`, `{n,}`, `{n,m}` with m > 1) a group that itself holds repetition or alternation, as in
    /// `(a|aa)+$`, `(.*a){12}` or `(?s)(.|\n)*x` (the classic causes of catastrophic backtracking). A heuristic:
    /// a flagged pattern may be harmless (`(foo|bar)+`), and polynomial cases (`.*a.*b`) are not flagged.
    public static func mayBacktrack(_ pattern: String) -> Bool { repetition(in: pattern).nested }

    /// Whether a match of `pattern` runs with a step budget (`BoundedRegex`): it may backtrack exponentially
    /// (`mayBacktrack`), it repeats without bound more than once (an optional group of alternatives counts), which
    /// backtracks polynomially on text that almost matches (`a*a*a*a*b` over 200 `a`s takes seconds, `.*x.*y` over
    /// 100 000 characters without a `y` minutes), or it has many other choice points (optional atoms, groups of
    /// alternatives), which multiply the ways to fail (`a?` 30 times then `a` 30 times never ended on 200
    /// characters; `(a|a|a|a|a|a)` 7 times took 1.5 s): 6 or more, or 4 beside one unbounded repetition. Other
    /// patterns run unbudgeted (`https?://\S+`, `colou?r`): ICU's progress reports cost a call per position, 4 to 7
    /// times the match.
    public static func needsStepBudget(_ pattern: String) -> Bool {
        let repetition = repetition(in: pattern)
        return repetition.nested || repetition.unbounded > 1 || repetition.choices >= 6
            || repetition.unbounded == 1 && repetition.choices >= 4
    }

    /// Whether the pattern repeats a group holding repetition or alternation, how many of its quantifiers let the
    /// number of repeats grow without bound or vary beyond one (`*`, `+`, `{n,}`, `{n,m}` with m > max(n, 1), and
    /// `?` after a group of alternatives or repetition), and how many other choice points it has (an optional atom,
    /// a group of alternatives), up to the first nested repetition.
    private static func repetition(in pattern: String) -> (nested: Bool, unbounded: Int, choices: Int) {
        let chars = Array(pattern.unicodeScalars)
        var unboundedCount = 0
        var optionalCount = 0
        // Per open group: whether it holds a `|` of its own; groups of alternatives closed so far.
        var alternationGroups: [Bool] = []
        var alternationCount = 0
        // Per open group: whether it holds repetition or alternation so far.
        var groups: [Bool] = []
        var closedGroupHolds = false  // of the group that just closed, for the quantifier after it
        var afterGroup = false
        var i = 0
        /// The innermost open group holds repetition or alternation.
        func markInnermost() {
            if !groups.isEmpty { groups[groups.count - 1] = true }
        }
        /// The quantifier at `j`, if any: whether it can repeat more than once, and where it ends (after a lazy
        /// `?` or possessive `+` modifier). One whose number of repeats varies is counted in `unboundedCount`.
        func unbounded(at j: Int) -> (Bool, Int)? {
            guard j < chars.count else { return nil }
            func modified(_ end: Int) -> Int { end < chars.count && (chars[end] == "?" || chars[end] == "+") ? end + 1 : end }
            switch chars[j] {
            case "*", "+":
                unboundedCount += 1
                return (true, modified(j + 1))
            case "?":
                optionalCount += 1
                return (false, modified(j + 1))
            case "{":
                guard let close = chars[j...].firstIndex(of: "}") else { return nil }
                let body = String(String.UnicodeScalarView(chars[(j + 1)..<close]))
                let parts = body.split(separator: ",", omittingEmptySubsequences: false)
                guard (1...2).contains(parts.count), let low = Int(parts[0]) else { return nil }
                if parts.count == 1 { return (low > 1, modified(close + 1)) }
                let high = parts[1].isEmpty ? Int.max : (Int(parts[1]) ?? 0)
                if high > Swift.max(low, 1) {
                    unboundedCount += 1
                } else if low == 0, high == 1 {
                    optionalCount += 1
                }
                return (high > 1, modified(close + 1))
            default: return nil
            }
        }
        while i < chars.count {
            let c = chars[i]
            if afterGroup, let (repeats, next) = unbounded(at: i) {
                if repeats && closedGroupHolds { return (true, unboundedCount, optionalCount + alternationCount) }
                // An optional group of alternatives or repetition multiplies the ways to fail by more than two:
                // counted as a repetition (`(a|a|a|a|a|a)?` seven times took 43 s an event unbudgeted).
                if !repeats && closedGroupHolds {
                    optionalCount -= 1
                    unboundedCount += 1
                }
                markInnermost()
                afterGroup = false
                i = next
                continue
            }
            afterGroup = false
            switch c {
            case "\\":
                i += 2
                if let (_, next) = unbounded(at: i) {
                    markInnermost()
                    i = next
                }
                continue
            case "[":
                // A class is one atom: skip to its end (a `]` right after `[` or `[^` is literal).
                var j = i + 1
                if j < chars.count, chars[j] == "^" { j += 1 }
                if j < chars.count, chars[j] == "]" { j += 1 }
                while j < chars.count, chars[j] != "]" { j += chars[j] == "\\" ? 2 : 1 }
                i = j + 1
                if let (_, next) = unbounded(at: i) {
                    markInnermost()
                    i = next
                }
                continue
            case "(":
                groups.append(false)
                alternationGroups.append(false)
                // `(?:`, `(?i)`, `(?i:`, `(?=`, `(?<name>`: the group's kind, not a quantifier.
                if i + 1 < chars.count, chars[i + 1] == "?" {
                    var j = i + 2
                    while j < chars.count, chars[j] != ")", chars[j] != ":" {
                        let k = chars[j]
                        if k == "=" || k == "!" || k == ">" {
                            j += 1
                            break
                        }
                        j += 1
                    }
                    if j < chars.count, chars[j] == ":" { j += 1 }
                    i = j
                    continue
                }
            case ")":
                closedGroupHolds = groups.popLast() ?? false
                if closedGroupHolds { markInnermost() }
                if alternationGroups.popLast() ?? false { alternationCount += 1 }
                afterGroup = true
            case "|":
                markInnermost()
                if !alternationGroups.isEmpty { alternationGroups[alternationGroups.count - 1] = true }
            case "*", "+", "?", "{":
                if let (_, next) = unbounded(at: i) {
                    markInnermost()
                    i = next
                    continue
                }
            default: break
            }
            i += 1
        }
        return (false, unboundedCount, optionalCount + alternationCount)
    }

    /// The `W0109` message for a pattern `mayBacktrack` flags.
    public static func backtrackingWarning(_ pattern: String) -> String {
        "'\(pattern)' repeats a group that holds repetition or alternation: matching can take exponential time on "
            + "some inputs, so such a match is given up after a step budget (and counted); write it without the nested "
            + "repetition if you can"
    }

    /// The usual mistakes, looked for in a pattern that does not compile.
    static func cause(_ pattern: String) -> String? {
        var open = 0
        var inClass = false
        var escaped = false
        for c in pattern.unicodeScalars {
            if escaped {
                escaped = false
                continue
            }
            switch c {
            case "\\": escaped = true
            case "[" where !inClass: inClass = true
            case "]" where inClass: inClass = false
            case "(" where !inClass: open += 1
            case ")" where !inClass:
                if open == 0 { return "a ')' closes no group (write \\) for the character)" }
                open -= 1
            default: break
            }
        }
        if escaped { return "it ends in a lone '\\'" }
        if inClass { return "a '[' is not closed with ']'" }
        if open > 0 { return open == 1 ? "a '(' is not closed with ')'" : "\(open) '(' are not closed with ')'" }
        if let first = pattern.unicodeScalars.first, "*+?{".unicodeScalars.contains(first) {
            return "it starts with '\(first)', which repeats nothing (write \\\(first) for the character)"
        }
        return nil
    }
}
