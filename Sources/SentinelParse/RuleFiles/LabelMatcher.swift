import Foundation
import SentinelCore

/// An Alertmanager-style label matcher: `name="value"`, `name!="value"`, `name=~"regex"`, `name!~"regex"`.
public struct LabelMatcher: Sendable, Hashable {
    public enum Operation: String, Sendable {
        case equal = "=", notEqual = "!=", matchesRegex = "=~", notMatchesRegex = "!~"
    }

    public let name: String
    public let operation: Operation
    public let value: String
    /// The anchored pattern of `=~`/`!~`, compiled once; nil for `=`/`!=` and for a pattern that does not compile.
    private let regex: BoundedRegex?
    /// Why the pattern of `=~`/`!~` does not compile (a diagnostic for whoever read the matcher); such a matcher
    /// never matches.
    public let patternProblem: String?

    /// Why a text is not a matcher, and where: `offset` counts Unicode scalars of the text.
    public struct SyntaxError: Error, Sendable, Equatable {
        public var message: String
        public var offset: Int

        /// The 1-based column in the matcher text, for messages.
        public var column: Int { offset + 1 }
    }

    /// Parses exactly one matcher, `name op "value"`: a label name, one of `=` `!=` `=~` `!~` and a double-quoted
    /// value (`\"`, `\\`, `\n` escaped) or, as Alertmanager allows, an unquoted one without blanks, quotes or
    /// commas; blanks are allowed around the operator and at the ends. Anything else, such as a second matcher
    /// after the value, is an error.
    public init(parsing text: String) throws(SyntaxError) {
        let scalars = Array(text.unicodeScalars)
        var i = 0
        func skipSpaces() { while i < scalars.count, scalars[i] == " " { i += 1 } }
        skipSpaces()
        let nameStart = i
        while i < scalars.count, LabelName.isNameScalar(scalars[i], first: i == nameStart) { i += 1 }
        guard i > nameStart else {
            throw SyntaxError(message: "expected a label name ([a-zA-Z_][a-zA-Z0-9_]*) at column \(i + 1)", offset: i)
        }
        name = String(String.UnicodeScalarView(scalars[nameStart..<i]))
        skipSpaces()
        let rest = String(String.UnicodeScalarView(scalars[i...]))
        guard let op = [Operation.matchesRegex, .notMatchesRegex, .notEqual, .equal].first(where: { rest.hasPrefix($0.rawValue) })
        else { throw SyntaxError(message: "expected one of = != =~ !~ after '\(name)' at column \(i + 1)", offset: i) }
        operation = op
        i += op.rawValue.unicodeScalars.count
        skipSpaces()
        var raw = String.UnicodeScalarView()
        if i < scalars.count, scalars[i] == "\"" {
            let open = i
            i += 1
            while i < scalars.count, scalars[i] != "\"" {
                if scalars[i] == "\\", i + 1 < scalars.count {
                    i += 1
                    raw.append(scalars[i] == "n" ? "\n" : scalars[i])
                } else {
                    raw.append(scalars[i])
                }
                i += 1
            }
            guard i < scalars.count else {
                throw SyntaxError(message: "the value opened at column \(open + 1) has no closing quote", offset: open)
            }
            i += 1
        } else {
            // `model=="x"`: a doubled or mistyped operator, not a value starting with one.
            if i < scalars.count, ["=", "!", "~"].contains(scalars[i]) {
                throw SyntaxError(message: "expected a value such as \"v\" after '\(name)\(op.rawValue)' at column \(i + 1)", offset: i)
            }
            while i < scalars.count, !Self.endsUnquotedValue(scalars[i]) {
                raw.append(scalars[i])
                i += 1
            }
        }
        skipSpaces()
        guard i == scalars.count else {
            let extra = String(String.UnicodeScalarView(scalars[i...]))
            throw SyntaxError(
                message: "unexpected '\(extra)' at column \(i + 1), after the value; a matcher is one name=\"value\" (write each matcher as its own list item)",
                offset: i)
        }
        let value = String(raw)
        self.value = value
        if op == .matchesRegex || op == .notMatchesRegex {
            switch RegexCheck.anchored(value) {
            case .success(let compiled):
                regex = compiled
                patternProblem = nil
            case .failure(let failure):
                regex = nil
                patternProblem = "invalid regular expression '\(value)' in matcher '\(text)': \(failure.reason)"
            }
        } else {
            regex = nil
            patternProblem = nil
        }
    }

    private static func endsUnquotedValue(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "\"" || scalar == "," || scalar.properties.isWhitespace || scalar.properties.generalCategory == .control
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

extension LabelMatcher {
    /// Whether the matcher holds for a label's value ("" when the label is missing). Regexes match the whole value,
    /// as in Alertmanager; a match given up (see `BoundedRegex`) counts as no match.
    public func matches(_ value: String) -> Bool {
        switch operation {
        case .equal: return value == self.value
        case .notEqual: return value != self.value
        case .matchesRegex, .notMatchesRegex:
            let matched = regex?.wholeMatch(value) ?? false
            return matched == (operation == .matchesRegex)
        }
    }
}
