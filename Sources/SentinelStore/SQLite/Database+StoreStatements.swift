import Foundation
import GRDB

/// The one way the store runs SQL with arguments, so that every text it writes reads back byte for byte.
///
/// GRDB binds a `String` as C text, which SQLite ends at the first NUL character ("a\0b" would be stored as "a").
/// These helpers bind a string that holds NUL as a BLOB of its UTF-8 bytes instead, and `Row.text` reads either kind
/// back (never `String.fetchAll`, which reads C text). Strings without NUL stay TEXT, as readable and comparable as
/// before. The choice depends on the string alone, so `=` between a stored value and an argument, joins and `UNIQUE`
/// still hold exactly for equal strings; `ORDER BY` on a text column sorts `CAST(column AS BLOB)`, which is byte
/// order for TEXT and BLOB values alike (SQLite otherwise sorts every TEXT before every BLOB). JSON columns never
/// hold a raw NUL (the encoder escapes it), so SQLite's JSON functions would read them whole.
extension Database {
    /// Executes one statement (prepared once per SQL text and cached).
    func run(_ sql: String, _ arguments: [(any DatabaseValueConvertible)?] = []) throws {
        try cachedStatement(sql: sql).execute(arguments: Self.storeArguments(arguments))
    }

    /// Every row the query returns.
    func rows(_ sql: String, _ arguments: [(any DatabaseValueConvertible)?] = []) throws -> [Row] {
        try Row.fetchAll(self, sql: sql, arguments: Self.storeArguments(arguments))
    }

    /// The first row the query returns.
    func row(_ sql: String, _ arguments: [(any DatabaseValueConvertible)?] = []) throws -> Row? {
        try Row.fetchOne(self, sql: sql, arguments: Self.storeArguments(arguments))
    }

    private static func storeArguments(_ values: [(any DatabaseValueConvertible)?]) -> StatementArguments {
        StatementArguments(
            values.map { value -> DatabaseValue in
                let bound = value?.databaseValue ?? .null
                guard case .string(let text) = bound.storage, text.utf8.contains(0) else { return bound }
                return Data(text.utf8).databaseValue
            })
    }
}
