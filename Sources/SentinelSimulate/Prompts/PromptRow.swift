/// One row of a prompt file, JSON or delimited, with typed reads that name the column when a value does not fit.
struct PromptRow {
    enum Storage {
        case json([String: JSONValue])
        case delimited([String: String])
    }

    let storage: Storage
    let file: String
    let line: Int

    /// Whether the row has the column (`prompt.text` also as `text` inside a `prompt` object).
    func has(_ column: String) -> Bool {
        switch storage {
        case .json: json(column) != nil
        case .delimited(let fields): fields[column] != nil
        }
    }

    /// The text of a column; nil when absent, null or empty.
    func string(_ column: String) throws(PromptSourceError) -> String? {
        switch storage {
        case .json:
            switch json(column) {
            case nil, .null?: return nil
            case .string(let s)?: return s.isEmpty ? nil : s
            case let other?: throw mismatch(column, "a string", found: other.typeName)
            }
        case .delimited(let fields):
            guard let text = fields[column], !text.isEmpty else { return nil }
            return text
        }
    }

    /// A boolean column: JSON true/false, or `True`/`False`/`true`/`false`/`1`/`0` in a delimited file.
    func bool(_ column: String) throws(PromptSourceError) -> Bool? {
        switch storage {
        case .json:
            switch json(column) {
            case nil, .null?: return nil
            case .bool(let b)?: return b
            case let other?: throw mismatch(column, "true or false", found: other.typeName)
            }
        case .delimited(let fields):
            guard let text = fields[column], !text.isEmpty else { return nil }
            switch text.lowercased() {
            case "true", "1": return true
            case "false", "0": return false
            default: throw mismatch(column, "true or false", found: "'\(text)'")
            }
        }
    }

    /// A number column; null, empty, `None` and `nan` (how pandas writes a missing score) read as absent.
    func number(_ column: String) throws(PromptSourceError) -> Double? {
        switch storage {
        case .json:
            switch json(column) {
            case nil, .null?: return nil
            case .number(let n)?: return n
            case let other?: throw mismatch(column, "a number", found: other.typeName)
            }
        case .delimited(let fields):
            guard let text = fields[column], !text.isEmpty, !["none", "nan", "null"].contains(text.lowercased()) else {
                return nil
            }
            guard let value = Double(text), value.isFinite else {
                throw mismatch(column, "a number", found: "'\(text)'")
            }
            return value
        }
    }

    /// A list of strings: a JSON array, or in a delimited file a JSON array or Python list (`['a', "b"]`) as text.
    func strings(_ column: String) throws(PromptSourceError) -> [String]? {
        switch storage {
        case .json:
            switch json(column) {
            case nil, .null?: return nil
            case .array(let items)?:
                var out: [String] = []
                for item in items {
                    guard case .string(let s) = item else {
                        throw mismatch(column, "an array of strings", found: "an array holding \(item.typeName)")
                    }
                    out.append(s)
                }
                return out
            case let other?: throw mismatch(column, "an array of strings", found: other.typeName)
            }
        case .delimited(let fields):
            guard let text = fields[column]?.trimmingSpaces, !text.isEmpty else { return nil }
            guard text.hasPrefix("["), text.hasSuffix("]") else {
                throw mismatch(column, "a list such as ['a', 'b']", found: "'\(text)'")
            }
            return Self.quotedItems(text.dropFirst().dropLast())
        }
    }

    /// The strings quoted with `'` or `"` in `text`, backslash escapes resolved.
    private static func quotedItems(_ text: Substring) -> [String] {
        var items: [String] = []
        var current = ""
        var quote: Character?
        var escaped = false
        for c in text {
            if let open = quote {
                if escaped {
                    current.append(c)
                    escaped = false
                } else if c == "\\" {
                    escaped = true
                } else if c == open {
                    items.append(current)
                    current = ""
                    quote = nil
                } else {
                    current.append(c)
                }
            } else if c == "'" || c == "\"" {
                quote = c
            }
        }
        return items
    }

    private func json(_ column: String) -> JSONValue? {
        guard case .json(let object) = storage else { return nil }
        if let value = object[column] { return value }
        var current = JSONValue.object(object)
        for key in column.split(separator: ".") {
            guard case .object(let members) = current, let next = members[String(key)] else { return nil }
            current = next
        }
        return current
    }

    func error(_ column: String?, _ message: String) -> PromptSourceError {
        PromptSourceError(file: file, line: line, column: column, message: message)
    }

    private func mismatch(_ column: String, _ expected: String, found: String) -> PromptSourceError {
        error(column, "expected \(expected), found \(found)")
    }
}
