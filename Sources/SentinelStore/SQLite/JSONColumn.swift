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

    /// Sorted keys: the same value is always the same text. A number that is not finite (an alert's value from a
    /// `"+Inf"` sample) is written as traffic writes it, `"+Inf"`, `"-Inf"` or `"NaN"`: JSON has no such numbers,
    /// and failing to encode one would fail every batch that carries it.
    static func text(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: nonFinite.positive, negativeInfinity: nonFinite.negative, nan: nonFinite.nan)
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// How traffic writes numbers that are not finite; the webhook payload writes `null` instead (its schema's
    /// `value` is a number).
    private static let nonFinite = (positive: "+Inf", negative: "-Inf", nan: "NaN")

    static func decode<T: Decodable>(_ row: Row, _ column: String) throws -> T {
        let text: String = try row.text(column)
        do {
            let decoder = JSONDecoder()
            decoder.nonConformingFloatDecodingStrategy = .convertFromString(
                positiveInfinity: nonFinite.positive, negativeInfinity: nonFinite.negative, nan: nonFinite.nan)
            return try decoder.decode(T.self, from: Data(text.utf8))
        } catch {
            throw Corrupt(column: column, row: row.whichRow, reason: "\(error)")
        }
    }
}
