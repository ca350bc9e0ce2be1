/// Reads chosen fields of an event line outside the engine, for actions that need fields the rules may not read
/// (DPO capture reads the prompt and the answer, a trace the answer).
///
/// It uses the engine's decoder: one pass over the line, no allocation until a value is copied out as a Swift
/// value. Not thread-safe: one reader per thread.
public final class LineFields {
    private let decoder: EventDecoder
    private let slots: UnsafeMutablePointer<Value>

    /// Field `i` is read from `paths[i]` (e.g. `["response_guard", "safety"]`).
    public init(_ paths: [[String]]) {
        decoder = EventDecoder(paths: paths)
        slots = .allocate(capacity: max(paths.count, 1))
        slots.initialize(repeating: .missing, count: max(paths.count, 1))
    }

    deinit { slots.deallocate() }

    /// Decodes `line`; false (and every field missing) when it is not a valid event. Values stay valid until the
    /// next `read` and while `line` lives.
    @discardableResult
    public func read(_ line: UnsafeRawBufferPointer) -> Bool {
        do {
            _ = try decoder.decode(line, into: slots)
            return true
        } catch {
            for i in 0..<decoder.slotCount { slots[i] = .missing }
            return false
        }
    }

    /// The fields of the last line read, by index.
    public var values: UnsafeBufferPointer<Value> { UnsafeBufferPointer(start: slots, count: decoder.slotCount) }

    /// Field `i` of the last line read.
    public subscript(_ i: Int) -> Value { slots[i] }

    /// Field `i` when it is a string.
    public func string(_ i: Int) -> String? { values.string(i) }
}

/// Typed reads of decoded fields by index: those of a `LineFields`, or those an engine hands out with an event
/// (`Engine.eventFields`).
extension UnsafeBufferPointer where Element == Value {
    /// Field `i` when it is a string.
    public func string(_ i: Int) -> String? {
        if case .string(let s) = self[i] { return s.string }
        return nil
    }

    /// Field `i` when it is a boolean.
    public func bool(_ i: Int) -> Bool? {
        if case .bool(let b) = self[i] { return b }
        return nil
    }

    /// Whether field `i` is the string `literal` (no copy).
    public func equals(_ i: Int, _ literal: StaticString) -> Bool {
        if case .string(let s) = self[i] { return s.equals(literal) }
        return false
    }

    /// The string elements of field `i` when it is an array (others skipped); empty otherwise.
    public func strings(_ i: Int) -> [String] {
        guard case .array(let array) = self[i] else { return [] }
        var out: [String] = []
        array.forEachElement { element in
            if case .string(let s) = element { out.append(s.string) }
        }
        return out
    }

    /// Field `i` as the JSON text it was written as, when it is an array or an object.
    public func json(_ i: Int) -> String? {
        switch self[i] {
        case .array(let a): a.bytes.string
        case .object(let o): o.bytes.string
        default: nil
        }
    }
}
