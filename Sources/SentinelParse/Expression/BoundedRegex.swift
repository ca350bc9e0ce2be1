import Foundation

/// A regular expression run by ICU (`NSRegularExpression`), a backtracking engine, with two guards, for rules'
/// `matches` and for label matchers (routes, inhibition, silences):
///
/// - ICU's own failures (its backtracking stack limit, hit on long inputs such as `(.|\n)*x` over 200 000
///   characters) are reported as failures, not read as "no match";
/// - a pattern that can backtrack exponentially (`RegexCheck.mayBacktrack`, which `lint` warns about) runs with a
///   step budget: ICU reports progress at each start position and every ~10 000 steps, and a match that reports
///   more than the text's length plus `extraProgressReports` times is given up (tens of milliseconds on this
///   machine). Steps, not time, so the outcome is the same on every run and every machine.
public struct BoundedRegex: @unchecked Sendable {
    public let regex: NSRegularExpression
    /// Whether matches run with the step budget.
    public let budgeted: Bool
    static let extraProgressReports = 200

    /// `pattern` compiled (one that does not compile matches nothing: compilers reject it before).
    public init(_ pattern: String) {
        self.init(compiled: (try? NSRegularExpression(pattern: pattern)) ?? Self.matchingNothing, pattern: pattern)
    }

    /// `compiled`, guarded as `pattern` (what the user wrote, before any anchoring) needs.
    public init(compiled: NSRegularExpression, pattern: String) {
        regex = compiled
        budgeted = RegexCheck.mayBacktrack(pattern)
    }

    /// Whether `text` has a match; nil when the match was given up.
    public func firstMatch(in text: String) -> Bool? {
        search(text) { _ in true }
    }

    /// Whether a match covers all of `text` (for an anchored pattern: `$` also matches before a trailing newline,
    /// which a whole match does not accept, as RE2's anchoring in Alertmanager does not); nil when given up.
    public func wholeMatch(_ text: String) -> Bool? {
        let length = text.utf16.count
        return search(text) { $0.range.location == 0 && $0.range.length == length }
    }

    /// Whether a match `accepts` is found; nil when the search was given up.
    private func search(_ text: String, accepts: (NSTextCheckingResult) -> Bool) -> Bool? {
        let range = NSRange(location: 0, length: text.utf16.count)
        var found = false
        var failed = false
        var reports = 0
        let budget = range.length + Self.extraProgressReports
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
                    if reports > budget {
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
