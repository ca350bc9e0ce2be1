/// A store operation failed; the message says what failed and on which file.
public struct StoreError: Error, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// The file could not be opened or created.
        case cannotOpen
        /// The file exists but is not a SQLite database.
        case notADatabase
        /// The file was written by a newer Sentinel: it holds schema migrations this one does not know.
        case newerSchema
        /// A stored row could not be read back.
        case corruptRecord
        /// A read or write failed.
        case failed
    }

    public var kind: Kind
    /// The store's file (or connection description, for a server backend).
    public var path: String
    public var message: String

    public init(_ kind: Kind, path: String, _ message: String) {
        self.kind = kind
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): error: \(message)" }
}
