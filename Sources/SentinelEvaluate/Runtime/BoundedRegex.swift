import Foundation
import SentinelParse

/// A rule's `matches` pattern, run by ICU (`NSRegularExpression`), a backtracking engine, with two guards:
///
/// - ICU's own failures (its backtracking stack limit, hit on long inputs such as `(.|\n)*x` over 200 000
///   characters) are reported as failures, not read as "no match";
/// - a pattern that can backtrack exponentially (`RegexCheck.mayBacktrack`, which `lint` warns about) runs with a
///   step budget: ICU reports progress at each start position and every ~10 000 steps, and a match that reports
///   more than the text's length plus `extraProgressReports` times is given up (tens of milliseconds on this
///   machine). Steps, not time, so the outcome is the same on every run and every machine.
///
/// A given-up match counts as no match; the engine counts them (`EngineStatistics.regexGivenUp`).
struct BoundedRegex {
    let regex: NSRegularExpression
    let budgeted: Bool
    static let extraProgressReports = 200

    init(_ pattern: String) {
        regex = (try? NSRegularExpression(pattern: pattern)) ?? Self.matchingNothing
        budgeted = RegexCheck.mayBacktrack(pattern)
    }

    /// Whether `text` has a match; nil when the match was given up.
    func firstMatch(in text: String) -> Bool? {
        let range = NSRange(text.startIndex..., in: text)
        var found = false
        var failed = false
        var reports = 0
        let budget = range.length + Self.extraProgressReports
        let options: NSRegularExpression.MatchingOptions = budgeted ? [.reportProgress, .reportCompletion] : [.reportCompletion]
        regex.enumerateMatches(in: text, options: options, range: range) { result, flags, stop in
            if result != nil {
                found = true
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
        return found ? true : (failed ? nil : false)
    }

    /// Stands in for a pattern the compiler already rejected; never reached for a compiled graph.
    static let matchingNothing = try! NSRegularExpression(pattern: "(?!)")
}
