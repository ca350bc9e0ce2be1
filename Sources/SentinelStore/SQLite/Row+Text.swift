import GRDB

/// A text column holds bytes that are not UTF-8 text.
struct CorruptText: Error, CustomStringConvertible {
    var column: String
    var row: String

    var description: String { "\(row)column '\(column)' holds bytes that are not UTF-8 text" }
}

extension Row {
    /// The text in `column`, nil for NULL: the one way the store reads text. A string holding NUL is stored as a BLOB
    /// of its UTF-8 bytes (see `Database.run`), which this reads back byte for byte; GRDB's own `String` decoding of
    /// a BLOB would drop a leading byte-order mark.
    func text(_ column: String) throws -> String? {
        guard case .blob(let bytes) = try decode(DatabaseValue.self, forColumn: column).storage else {
            return try decode(forColumn: column)
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw CorruptText(column: column, row: whichRow)
        }
        return text
    }

    /// `row 5: ` when the row has an `id` column, so a damaged row can be found (empty otherwise).
    var whichRow: String {
        guard hasColumn("id") else { return "" }
        return "row \(self["id"] as DatabaseValue): "
    }

    /// The text in `column`, which must not be NULL.
    func text(_ column: String) throws -> String {
        guard let text = try text(column) as String? else { return try decode(forColumn: column) }
        return text
    }
}
