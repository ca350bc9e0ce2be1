import SentinelCompile
import SentinelCore

/// A field the graph reads that the traffic schema types for an event kind (`completion`, `metric`).
struct TypedSlot {
    var slot: Int32
    var type: ValueType
    /// The set of `FieldCatalog.stringSets` a string value must be in (`FieldCatalog.limitedStrings`), or -1.
    var allowed: Int16 = -1
    /// A number that must not be negative (`FieldCatalog.nonNegativeNumbers`).
    var nonNegative = false

    /// Whether values are limited beyond their type (checked after the types).
    var isLimited: Bool { allowed >= 0 || nonNegative }
}

/// Checks an event's decoded fields against the types the traffic schema gives them, so a mistyped field
/// (`"refusal": "true"`, `"latency_ms": "1500"`) makes the line malformed instead of being read as something it
/// is not, and a string outside the values the schema lists (`"safety": "Unsafe"`) makes it malformed instead of
/// matching no rule. Only the fields the graph reads are checked; `null` stands for an absent field.
enum FieldTypeCheck {
    /// `FieldCatalog.stringSets` as byte strings, allocated once for the life of the process (a constant table).
    nonisolated(unsafe) private static let stringSets: [UnsafeBufferPointer<ByteString>] = FieldCatalog.stringSets.map { set in
        let strings = UnsafeMutableBufferPointer<ByteString>.allocate(capacity: set.count)
        for (i, string) in set.enumerated() {
            let bytes = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: string.utf8.count)
            _ = bytes.initialize(from: string.utf8)
            strings[i] = ByteString(base: UnsafePointer(bytes.baseAddress), count: bytes.count)
        }
        return UnsafeBufferPointer(strings)
    }

    /// The typed fields among `paths` (slot order) on events of `kind`; those with limited strings come last, so
    /// the engine checks every type in one tight loop and the few limited values after it.
    static func typedSlots(paths: [[String]], kind: String) -> [TypedSlot] {
        let typed = paths.enumerated().compactMap { slot, path -> TypedSlot? in
            // `ts` is checked as the event's time, and read as its value in seconds.
            guard path != ["ts"], case .known(let type) = FieldCatalog.lookup(path, kind: kind), type != .any, type != .null else {
                return nil
            }
            let dotted = path.joined(separator: ".")
            let allowed = FieldCatalog.limitedStrings[kind]?[dotted] ?? -1
            let nonNegative = FieldCatalog.nonNegativeNumbers[kind]?.contains(dotted) ?? false
            return TypedSlot(slot: Int32(slot), type: type, allowed: Int16(allowed), nonNegative: nonNegative)
        }
        return typed.filter { !$0.isLimited } + typed.filter(\.isLimited)
    }

    /// Whether `value` has the slot's type and, for a limited string, one of its values.
    static func fits(_ value: Value, _ typed: TypedSlot) -> Bool {
        fits(value, typed.type) && isAllowed(value, typed)
    }

    /// Whether a string `value` is one the slot's limited set allows, and a number not negative where it must
    /// not be (anything else passes).
    @inline(__always)
    static func isAllowed(_ value: Value, _ typed: TypedSlot) -> Bool {
        if typed.nonNegative {
            guard let n = Engine.numeric(value) else { return true }
            return !(n < 0)
        }
        guard typed.allowed >= 0, case .string(let s) = value else { return true }
        for string in stringSets[Int(typed.allowed)] where string.equals(s) { return true }
        return false
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

    /// The error for a field that does not fit `typed`, placed at its value in `line`.
    static func error(path: [String], typed: TypedSlot, value: Value, kind: String, line: UnsafeRawBufferPointer)
        -> EventDecodeError
    {
        let dotted = path.joined(separator: ".")
        var message = "'\(dotted)' of a \(kind) event must be \(name(typed.type)), not \(name(value))"
        if typed.nonNegative, fits(value, typed.type), let n = Engine.numeric(value) {
            message = "'\(dotted)' of a \(kind) event must not be negative, not \(NumberFormatting.format(n)) (leave the field out when it is not known)"
        } else if fits(value, typed.type), case .string(let s) = value, typed.allowed >= 0 {
            let allowed = FieldCatalog.stringSets[Int(typed.allowed)]
            let written = String(s.string.prefix(40)).escapingControls()
            message = "'\(dotted)' of a \(kind) event must be one of \(allowed.joined(separator: ", ")), not '\(written)'"
            if let match = allowed.first(where: { $0 == s.string.lowercased() }) { message += " (write '\(match)')" }
        }
        return EventDecodeError(message: message, offset: EventDecoder.valueOffset(of: path, in: line) ?? 0, field: dotted)
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
