import Foundation

extension JSONEncoder {
    /// Sorted keys and unescaped slashes: the same notification is always the same bytes.
    static var payload: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
