import GRDB

/// A `WHERE` clause built from optional conditions: a condition whose value is nil is left out.
struct SQLFilter {
    private var conditions: [String] = []
    private(set) var arguments: [(any DatabaseValueConvertible)?] = []

    /// Adds `condition` (with one `?`) bound to `value`, when there is a value.
    mutating func add(_ condition: String, _ value: (any DatabaseValueConvertible)?) {
        guard let value else { return }
        conditions.append(condition)
        arguments.append(value)
    }

    /// Adds a condition without arguments.
    mutating func add(_ condition: String) {
        conditions.append(condition)
    }

    var clause: String {
        conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
    }
}
