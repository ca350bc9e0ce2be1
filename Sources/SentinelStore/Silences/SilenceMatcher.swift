import Foundation
import SentinelParse

/// One condition of a silence on one label, in Alertmanager's API v2 shape. A label the alert lacks counts as "".
public struct SilenceMatcher: Sendable, Codable, Equatable {
    /// The value is not a valid regular expression.
    public struct InvalidRegex: Error, CustomStringConvertible {
        public var name: String
        public var value: String
        public var reason: String

        public var description: String { "matcher \(name)=~\"\(value)\": invalid regular expression: \(reason)" }
    }

    public let name: String
    /// The value to compare with, or with `isRegex` the pattern the whole label value must match.
    public let value: String
    public let isRegex: Bool
    /// false negates the matcher (`!=`, `!~`).
    public let isEqual: Bool
    /// Compiled once here, not on every alert the silence is checked against.
    private let regex: BoundedRegex?

    /// Throws `InvalidRegex` when `isRegex` and `value` does not compile.
    public init(name: String, value: String, isRegex: Bool = false, isEqual: Bool = true) throws(InvalidRegex) {
        self.name = name
        self.value = value
        self.isRegex = isRegex
        self.isEqual = isEqual
        guard isRegex else {
            regex = nil
            return
        }
        switch RegexCheck.anchored(value) {
        case .success(let compiled): regex = compiled
        case .failure(let failure): throw InvalidRegex(name: name, value: value, reason: failure.reason)
        }
    }

    /// Whether the alert's value of the label (`""` when it has none) satisfies this matcher.
    public func matches(_ labelValue: String) -> Bool {
        let equal: Bool
        if let regex {
            // A match given up (see `BoundedRegex`) counts as no match.
            equal = regex.wholeMatch(labelValue) ?? false
        } else {
            equal = labelValue == value
        }
        return equal == isEqual
    }

    private enum CodingKeys: String, CodingKey {
        case name, value, isRegex, isEqual
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(
            name: c.decode(String.self, forKey: .name), value: c.decode(String.self, forKey: .value),
            isRegex: c.decode(Bool.self, forKey: .isRegex),
            isEqual: c.decodeIfPresent(Bool.self, forKey: .isEqual) ?? true)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(value, forKey: .value)
        try c.encode(isRegex, forKey: .isRegex)
        try c.encode(isEqual, forKey: .isEqual)
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.name == rhs.name && lhs.value == rhs.value && lhs.isRegex == rhs.isRegex && lhs.isEqual == rhs.isEqual
    }
}
