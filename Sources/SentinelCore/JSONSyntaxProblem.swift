public import Foundation

/// What is wrong with text Foundation's JSON parser refused, and where, in this project's words.
public enum JSONSyntaxProblem {
    /// Why `data` is not JSON, or not a JSON object, saying where when Foundation's parser does ("not valid JSON:
    /// invalid value at byte 15", "not a JSON object (an array)"); nil when it is a JSON object.
    public static func notAnObject(_ data: Data) -> String? {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data, options: .fragmentsAllowed)
        } catch {
            return "not valid JSON" + (reason(error, length: data.count).map { ": \($0)" } ?? "")
        }
        switch object {
        case is [String: Any]: return nil
        case is [Any]: return "not a JSON object (an array)"
        case is String: return "not a JSON object (a string)"
        case is NSNull: return "not a JSON object (null)"
        default: return "not a JSON object (a number or boolean)"
        }
    }

    /// Foundation's account of a JSON syntax error, its "around character N" (a byte offset from 0) as "at byte N":
    /// "invalid value at byte 15", "unexpected end of file during JSON parse (at byte 42, the end)".
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
        if text.hasPrefix("unexpected end of file") { return text + " (at byte \(length), the end)" }
        return text
    }
}
