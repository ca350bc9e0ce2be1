import Foundation

/// An Alertmanager-style label matcher: `name="value"`, `name!="value"`, `name=~"regex"`, `name!~"regex"`.
public struct LabelMatcher: Sendable, Hashable {
    public enum Operation: String, Sendable {
        case equal = "=", notEqual = "!=", matchesRegex = "=~", notMatchesRegex = "!~"
    }

    public let name: String
    public let operation: Operation
    public let value: String
    /// The anchored pattern of `=~`/`!~`, compiled once; nil for `=`/`!=` and for a pattern that does not compile.
    private let regex: NSRegularExpression?
    /// Why the pattern of `=~`/`!~` does not compile (a diagnostic for whoever read the matcher); such a matcher
    /// never matches.
    public let patternProblem: String?

    /// Nil when the text is not a matcher.
    public init?(parsing text: String) {
        let scalars = Array(text.unicodeScalars)
        var i = 0
        func skipSpaces() { while i < scalars.count, scalars[i] == " " { i += 1 } }
        skipSpaces()
        let nameStart = i
        while i < scalars.count, scalars[i].properties.isAlphabetic || scalars[i] == "_" || ("0"..."9").contains(scalars[i]) {
            i += 1
        }
        guard i > nameStart else { return nil }
        name = String(String.UnicodeScalarView(scalars[nameStart..<i]))
        skipSpaces()
        let rest = String(String.UnicodeScalarView(scalars[i...]))
        guard let op = [Operation.matchesRegex, .notMatchesRegex, .notEqual, .equal].first(where: { rest.hasPrefix($0.rawValue) })
        else { return nil }
        operation = op
        i += op.rawValue.unicodeScalars.count
        skipSpaces()
        var raw = String(String.UnicodeScalarView(scalars[i...]))
        while raw.hasSuffix(" ") { raw.removeLast() }
        if raw.count >= 2, raw.first == "\"", raw.last == "\"" {
            raw = String(raw.dropFirst().dropLast()).replacingEscapes()
        } else if raw.contains("\"") {
            return nil
        }
        value = raw
        if op == .matchesRegex || op == .notMatchesRegex {
            switch RegexCheck.anchored(raw) {
            case .success(let compiled):
                regex = compiled
                patternProblem = nil
            case .failure(let failure):
                regex = nil
                patternProblem = "invalid regular expression '\(raw)' in matcher '\(text)': \(failure.reason)"
            }
        } else {
            regex = nil
            patternProblem = nil
        }
    }

    public static func == (a: LabelMatcher, b: LabelMatcher) -> Bool {
        a.name == b.name && a.operation == b.operation && a.value == b.value
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(operation)
        hasher.combine(value)
    }
}

extension String {
    fileprivate func replacingEscapes() -> String {
        var out = ""
        var escaped = false
        for c in self {
            if escaped {
                out.append(c == "n" ? "\n" : c)
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else {
                out.append(c)
            }
        }
        return out
    }
}

extension LabelMatcher {
    /// Whether the matcher holds for a label's value ("" when the label is missing). Regexes are anchored, as in
    /// Alertmanager.
    public func matches(_ value: String) -> Bool {
        switch operation {
        case .equal: return value == self.value
        case .notEqual: return value != self.value
        case .matchesRegex, .notMatchesRegex:
            let matched = regex.map { $0.firstMatch(in: value, range: NSRange(value.startIndex..., in: value)) != nil } ?? false
            return matched == (operation == .matchesRegex)
        }
    }
}
