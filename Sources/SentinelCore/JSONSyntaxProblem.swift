public import Foundation

/// What is wrong with text Foundation's JSON parser refused, and where, in this project's words.
public enum JSONSyntaxProblem {
    /// Text that is not JSON, or not a JSON object: `message` says what and, when Foundation's parser says, at
    /// which byte ("not valid JSON: invalid value at byte 15", "not a JSON object (an array)").
    public struct NotAnObject: Error, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    /// The JSON object `data` holds.
    public static func object(_ data: Data) throws(NotAnObject) -> [String: Any] {
        let value: Any
        do {
            value = try JSONSerialization.jsonObject(with: data, options: .fragmentsAllowed)
        } catch {
            throw NotAnObject(message: "not valid JSON" + (reason(error, length: data.count).map { ": \($0)" } ?? ""))
        }
        switch value {
        case let object as [String: Any]: return object
        case is [Any]: throw NotAnObject(message: "not a JSON object (an array)")
        case is String: throw NotAnObject(message: "not a JSON object (a string)")
        case is NSNull: throw NotAnObject(message: "not a JSON object (null)")
        default: throw NotAnObject(message: "not a JSON object (a number or boolean)")
        }
    }

    /// Foundation's account of a JSON syntax error, its "around character N" (a byte offset from 0) as "at byte N":
    /// "invalid value at byte 15". Where it gives no position (its "unexpected end of file", said of a cut-off
    /// literal such as `tru}` too), the length of the text is added.
    public static func reason(_ error: any Error, length: Int) -> String? {
        guard var text = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String, !text.isEmpty else {
            return nil
        }
        if text.hasSuffix(".") { text.removeLast() }
        text = text.prefix(1).lowercased() + text.dropFirst()
        if text.contains("low-surrogate") {
            return "a \\uD800-\\uDBFF escape without the low surrogate that must follow it"
        }
        if let range = text.range(of: " around character ") {
            return text[..<range.lowerBound] + " at byte " + text[range.upperBound...]
        }
        if let range = text.range(of: #" at \d+$"#, options: .regularExpression) {
            return text[..<range.lowerBound] + " at byte " + text[text.index(range.lowerBound, offsetBy: 4)...]
        }
        return text + " (the parser gives no position; the text is \(length) bytes)"
    }
}
