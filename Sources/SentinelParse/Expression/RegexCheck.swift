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

    /// `^(?:pattern)$` compiled, so that a whole value must match, as in Alertmanager's label matchers; or why the
    /// pattern does not compile.
    public static func anchored(_ pattern: String) -> Result<NSRegularExpression, Failure> {
        if let regex = try? NSRegularExpression(pattern: "^(?:\(pattern))$") { return .success(regex) }
        return .failure(Failure(reason: problem(pattern) ?? "it does not compile"))
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
