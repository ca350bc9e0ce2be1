import SentinelCompile

/// A field the graph reads that the traffic schema types for an event kind (`completion`, `metric`).
struct TypedSlot {
    var slot: Int32
    var type: ValueType
}

/// Checks an event's decoded fields against the types the traffic schema gives them, so a mistyped field
/// (`"refusal": "true"`, `"latency_ms": "1500"`) makes the line malformed instead of being read as something it
/// is not. Only the fields the graph reads are checked; `null` stands for an absent field.
enum FieldTypeCheck {
    /// The typed fields among `paths` (slot order) on events of `kind`.
    static func typedSlots(paths: [[String]], kind: String) -> [TypedSlot] {
        paths.enumerated().compactMap { slot, path in
            guard case .known(let type) = FieldCatalog.lookup(path, kind: kind), type != .any, type != .null else {
                return nil
            }
            return TypedSlot(slot: Int32(slot), type: type)
        }
    }

    @inline(__always)
    static func fits(_ value: Value, _ type: ValueType) -> Bool {
        switch value {
        case .missing, .null: return true
        case .bool: return type == .bool
        case .number: return type == .number
        // The strings Prometheus writes for special floats are numbers.
        case .string: return type == .string || (type == .number && Engine.numeric(value) != nil)
        case .array: return type == .array
        case .object: return type == .object
        }
    }

    /// The error for a field that does not fit, placed at its value in `line`.
    static func error(path: [String], type: ValueType, value: Value, kind: String, line: UnsafeRawBufferPointer)
        -> EventDecodeError
    {
        let dotted = path.joined(separator: ".")
        return EventDecodeError(
            message: "'\(dotted)' of a \(kind) event must be \(name(type)), not \(name(value))",
            offset: EventDecoder.valueOffset(of: path, in: line) ?? 0, field: dotted)
    }

    private static func name(_ type: ValueType) -> String {
        switch type {
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        case .any, .null: "any value"
        }
    }

    private static func name(_ value: Value) -> String {
        switch value {
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        case .missing, .null: "null"
        }
    }
}

extension EventDecoder {
    /// Byte offset of the value at `path` (object keys from the top level) in a line already decoded without
    /// error; nil when it is not there. For error messages only.
    static func valueOffset(of path: [String], in line: UnsafeRawBufferPointer) -> Int? {
        guard let raw = line.baseAddress, !path.isEmpty else { return nil }
        let start = raw.assumingMemoryBound(to: UInt8.self)
        let end = start + line.count
        var p = JSONBytes.skipWhitespace(start, end)
        var depth = 0
        while depth < path.count {
            guard p < end, p[0] == 0x7B else { return nil }
            p = JSONBytes.skipWhitespace(p + 1, end)
            var found = false
            // The last occurrence of a key counts, as in decoding.
            var valueAt: UnsafePointer<UInt8>?
            while p < end, p[0] == 0x22 {
                var escaped = false
                guard let close = try? JSONBytes.scanString(open: p, end: end, escaped: &escaped) else { return nil }
                var key = [UInt8](UnsafeBufferPointer(start: p + 1, count: close - p - 1))
                if escaped {
                    var out = [UInt8](repeating: 0, count: key.count)
                    let n = key.withUnsafeBufferPointer { k in
                        out.withUnsafeMutableBufferPointer { JSONBytes.unescape(k.baseAddress!, k.baseAddress! + k.count, into: $0.baseAddress!) }
                    }
                    key = Array(out[..<n])
                }
                p = JSONBytes.skipWhitespace(close + 1, end)
                guard p < end, p[0] == 0x3A else { return nil }
                p = JSONBytes.skipWhitespace(p + 1, end)
                if key == Array(path[depth].utf8) {
                    valueAt = p
                    found = true
                }
                guard let next = try? JSONBytes.skipValue(p, end, depth: depth + 1) else { return nil }
                p = JSONBytes.skipWhitespace(next, end)
                guard p < end, p[0] == 0x2C else { break }
                p = JSONBytes.skipWhitespace(p + 1, end)
            }
            guard found, let at = valueAt else { return nil }
            p = at
            depth += 1
        }
        return p - start
    }
}
