import Foundation
import GRDB

/// Labels, annotations, matchers, fingerprints and notifications are stored as JSON text.
enum JSONColumn {
    /// A stored column that does not hold what it should.
    struct Corrupt: Error, CustomStringConvertible {
        var column: String
        var row: String
        var reason: String

        var description: String { "\(row)column '\(column)' does not hold valid JSON (\(reason))" }
    }

    /// Sorted keys: the same value is always the same text.
    static func text(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ row: Row, _ column: String) throws -> T {
        let text: String = try row.text(column)
        do {
            return try JSONDecoder().decode(T.self, from: Data(text.utf8))
        } catch {
            throw Corrupt(column: column, row: row.whichRow, reason: "\(error)")
        }
    }
}
