import Foundation

/// A regular expression run by ICU (`NSRegularExpression`), a backtracking engine, with two guards, for rules'
/// `matches` and for label matchers (routes, inhibition, silences):
///
/// - ICU's own failures (its backtracking stack limit, hit on long inputs such as `(.|\n)*x` over 200 000
///   characters) are reported as failures, not read as "no match";
/// - a pattern that can backtrack exponentially (`RegexCheck.mayBacktrack`, which `lint` warns about) or
///   polynomially (more than one unbounded repetition, `RegexCheck.needsStepBudget`) runs with a step budget: ICU
///   reports progress at each start position and every ~10 000 steps, and a match that reports more than the text's
///   length plus `extraProgressReports` times, or runs longer than `timeLimitNanoseconds` (100 ms), is given up.
///   The count decides first on short texts, so those outcomes are the same on every run and machine; the time
///   limit bounds long ones (the count alone let a match run ~0.1 ms a character: 20 s on 200 000).
///
/// A pattern of plain text alternatives (`critical|warning`, `ignore previous|developer mode`) is matched by
/// comparing UTF-8 bytes, as ICU would match it, without running ICU: routes, inhibition and silences match on
/// every alert update, and `matches` on every event.
public struct BoundedRegex: @unchecked Sendable {
    public let regex: NSRegularExpression
    /// Whether matches run with the step budget.
    public let budgeted: Bool
    /// The UTF-8 alternatives of a pattern without metacharacters but `|`; nil for any other pattern.
    let literals: [[UInt8]]?
    static let extraProgressReports = 200
    /// How long a budgeted match may run before it is given up.
    static let timeLimitNanoseconds: UInt64 = 100_000_000

    /// `pattern` compiled (one that does not compile matches nothing: compilers reject it before).
    public init(_ pattern: String) {
        if let compiled = try? NSRegularExpression(pattern: pattern) {
            self.init(compiled: compiled, pattern: pattern)
        } else {
            self.init(regex: Self.matchingNothing, budgeted: false, literals: nil)
        }
    }

    /// `compiled` (`pattern` itself, or anchored), guarded as `pattern` (what the user wrote) needs.
    public init(compiled: NSRegularExpression, pattern: String) {
        self.init(regex: compiled, budgeted: RegexCheck.needsStepBudget(pattern), literals: Self.literalAlternatives(pattern))
    }

    private init(regex: NSRegularExpression, budgeted: Bool, literals: [[UInt8]]?) {
        self.regex = regex
        self.budgeted = budgeted
        self.literals = literals
    }

    /// The alternatives of `pattern` when it is plain text separated by `|` (an empty one matches the empty
    /// string); nil when it holds any other regex metacharacter.
    static func literalAlternatives(_ pattern: String) -> [[UInt8]]? {
        let metacharacters: Set<Character> = ["\\", "^", "$", ".", "?", "*", "+", "(", ")", "[", "]", "{", "}"]
        guard !pattern.contains(where: metacharacters.contains) else { return nil }
        return pattern.split(separator: "|", omittingEmptySubsequences: false).map { Array($0.utf8) }
    }

    /// Whether `text` has a match; nil when the match was given up.
    public func firstMatch(in text: String) -> Bool? {
        if let literals {
            var text = text
            return text.withUTF8 { bytes in literals.contains { Self.contains(bytes, $0) } }
        }
        return search(text) { _ in true }
    }

    /// Whether UTF-8 `text` has a match; nil when the match was given up.
    public func firstMatch(inUTF8 text: UnsafeBufferPointer<UInt8>) -> Bool? {
        if let literals { return literals.contains { Self.contains(text, $0) } }
        return firstMatch(in: String(decoding: text, as: UTF8.self))
    }

    /// Whether a match covers all of `text` (for an anchored pattern: `$` also matches before a trailing newline,
    /// which a whole match does not accept, as RE2's anchoring in Alertmanager does not); nil when given up.
    public func wholeMatch(_ text: String) -> Bool? {
        if let literals { return literals.contains { text.utf8.elementsEqual($0) } }
        let length = text.utf16.count
        return search(text) { $0.range.location == 0 && $0.range.length == length }
    }

    /// Whether `needle` occurs in `haystack` (UTF-8 is self-synchronising: a byte match of valid text is a
    /// match of whole characters).
    private static func contains(_ haystack: UnsafeBufferPointer<UInt8>, _ needle: [UInt8]) -> Bool {
        guard let first = needle.first else { return true }
        guard haystack.count >= needle.count, let base = haystack.baseAddress else { return false }
        let last = haystack.count - needle.count
        return needle.withUnsafeBufferPointer { n in
            var i = 0
            while i <= last {
                if base[i] == first, memcmp(base + i, n.baseAddress!, n.count) == 0 { return true }
                i += 1
            }
            return false
        }
    }

    /// Whether a match `accepts` is found; nil when the search was given up.
    private func search(_ text: String, accepts: (NSTextCheckingResult) -> Bool) -> Bool? {
        let range = NSRange(location: 0, length: text.utf16.count)
        var found = false
        var failed = false
        var reports = 0
        let budget = range.length + Self.extraProgressReports
        // ICU reports once per start position and once per ~10 000 steps, so the budget allows ~10 000 steps a
        // character: 20 s on 200 000 characters. A time limit bounds that; it decides only matches already far
        // past any linear one, so ordinary results stay the same on every machine.
        let deadline = DispatchTime.now().uptimeNanoseconds + Self.timeLimitNanoseconds
        let options: NSRegularExpression.MatchingOptions = budgeted ? [.reportProgress, .reportCompletion] : [.reportCompletion]
        // Foundation declares the block escaping; it runs only during the call.
        withoutActuallyEscaping(accepts) { accepts in
            regex.enumerateMatches(in: text, options: options, range: range) { result, flags, stop in
                if let result {
                    if accepts(result) { found = true }
                    stop.pointee = true
                } else if flags.contains(.internalError) {
                    failed = true
                } else if flags.contains(.progress) {
                    reports += 1
                    if reports > budget || (reports & 63 == 0 && DispatchTime.now().uptimeNanoseconds > deadline) {
                        failed = true
                        stop.pointee = true
                    }
                }
            }
        }
        return found ? true : (failed ? nil : false)
    }

    /// Stands in for a pattern a compiler already rejected.
    static let matchingNothing = try! NSRegularExpression(pattern: "(?!)")
}
