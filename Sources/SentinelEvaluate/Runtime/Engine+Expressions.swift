import Foundation
import SentinelParse

/// Expr evaluation over the flattened ops, against the current event's slots and group.
extension Engine {
    /// The value of node `i` for the current event (or tick) and group. Predicates are computed by `holds`, numbers
    /// by `number`.
    @inline(__always)
    func value(_ i: Int32) -> Value {
        let op = ops[Int(i)]
        // Most operands are fields or constants (`2 * avg(latency_ms, 1h)`): read in place, without a call.
        if op.code == .field { return slots[Int(op.a)] }
        if op.code == .constant { return constants[Int(op.a)] }
        return computeValue(op, node: i)
    }

    /// `value` of node `i`, whose op is `op`, computed.
    private func computeValue(_ op: Op, node i: Int32) -> Value {
        switch op.code {
        case .constant: return constants[Int(op.a)]
        case .field: return slots[Int(op.a)]
        case .negate, .add, .subtract, .multiply, .divide, .remainder, .abs, .window:
            return number(i).map { .number($0) } ?? .missing
        case .length:
            switch value(op.a) {
            case .string(let s): return .number(Double(Self.scalarCount(s)))
            case .array(let a):
                var n = 0
                a.forEachElement { _ in n += 1 }
                return .number(Double(n))
            default: return .missing
            }
        case .not, .and, .or, .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual, .inList, .inArray,
            .contains, .icontains, .startswith, .endswith, .containsAny, .icontainsAny, .startswithAny, .endswithAny,
            .matches, .exists:
            return .bool(holds(i))
        }
    }

    /// `numeric(value(i))`: arithmetic and window readouts, whose values are numbers or missing, are computed as
    /// doubles here without building a `Value` at each step.
    @inline(__always)
    func number(_ i: Int32) -> Double? {
        let op = ops[Int(i)]
        switch op.code {
        case .window:
            if readouts[Int(i)].epoch == readoutEpoch { return readouts[Int(i)].value }
            let v = windowNumber(op)
            readouts[Int(i)] = Readout(epoch: readoutEpoch, value: v)
            return v
        case .negate, .add, .subtract, .multiply, .divide, .remainder, .abs: return computeNumber(op)
        default: return Self.numeric(value(i))
        }
    }

    /// `number` of an arithmetic op.
    private func computeNumber(_ op: Op) -> Double? {
        switch op.code {
        case .negate: return number(op.a).map { -$0 }
        case .abs: return number(op.a).map { Swift.abs($0) }
        default:
            guard let x = number(op.a), let y = number(op.b) else { return nil }
            switch op.code {
            case .add: return x + y
            case .subtract: return x - y
            case .multiply: return x * y
            case .divide: return y == 0 ? nil : x / y
            default: return y == 0 ? nil : x.truncatingRemainder(dividingBy: y)
            }
        }
    }

    /// Whether node `i` is true (only `true` is) for the current event (or tick) and group. Conditions are trees of
    /// predicates, so they are computed as plain booleans here rather than as `Value`s.
    func holds(_ i: Int32) -> Bool {
        let op = ops[Int(i)]
        guard op.memoized else { return computeHolds(op, node: i) }
        let memo = predicateMemos + Int(i)
        if memo.pointee.epoch == slotsEpoch { return memo.pointee.holds }
        let result = computeHolds(op, node: i)
        memo.pointee = PredicateMemo(epoch: slotsEpoch, holds: result)
        return result
    }

    /// `holds` of node `i`, whose op is `op`, computed.
    @inline(__always)
    private func computeHolds(_ op: Op, node i: Int32) -> Bool {
        switch op.code {
        case .not: return !holds(op.a)
        case .and: return holds(op.a) && holds(op.b)
        case .or: return holds(op.a) || holds(op.b)
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual:
            // Operands that are always a number or missing compare as doubles (missing: false, as `compare` has it).
            if op.flag & Op.numericLeft != 0 {
                if op.flag & Op.numberOperand != 0 {
                    guard let x = number(op.a) else { return false }
                    return Self.compare(op.code, x, op.number)
                }
                if op.flag & Op.numericRight != 0 {
                    guard let x = number(op.a), let y = number(op.b) else { return false }
                    return Self.compare(op.code, x, y)
                }
            }
            if op.flag & Op.numberOperand != 0 { return compare(op.code, value(op.a), number: op.number) }
            return compare(op.code, value(op.a), value(op.b))
        case .inList:
            let x = value(op.a)
            guard x.isPresent else { return false }
            return ListMatcher.contains(UnsafePointer(lists.baseAddress! + Int(op.b)), x) != (op.flag == 1)
        case .inArray:
            let x = value(op.a)
            guard x.isPresent, case .array(let array) = value(op.b) else { return false }
            return array.anyElement { Self.equal(x, $0) } != (op.flag == 1)
        case .contains, .icontains, .startswith, .endswith:
            let left = value(op.a)
            // A field of a free-form event may turn out to be an array: `contains` is then membership.
            if op.code == .contains, case .array(let array) = left {
                let item = value(op.b)
                return array.anyElement { Self.equal(item, $0) }
            }
            guard case .string(let s) = left, case .string(let t) = value(op.b) else { return false }
            return Self.test(op.code, s, t)
        case .icontainsAny:
            guard case .string(let s) = value(op.a) else { return false }
            return lists[Int(op.b)].lowercased.occurs(in: s)
        case .containsAny, .startswithAny, .endswithAny:
            let left = value(op.a)
            // A field of a free-form event may turn out to be an array: `contains` of a list is then any item.
            if op.code == .containsAny, case .array(let array) = left {
                let list = UnsafePointer(lists.baseAddress! + Int(op.b))
                return array.anyElement { ListMatcher.contains(list, $0) }
            }
            guard case .string(let s) = left else { return false }
            let single: Op.Code =
                switch op.code {
                case .containsAny: .contains
                case .startswithAny: .startswith
                default: .endswith
                }
            return lists[Int(op.b)].strings.contains { Self.test(single, s, $0) }
        case .matches:
            guard case .string(let s) = value(op.a) else { return false }
            guard let matched = regexes[Int(op.b)].firstMatch(inUTF8: s.buffer) else {
                statistics.regexGivenUp += 1
                return false
            }
            return matched
        case .exists:
            return value(op.a).isPresent
        case .constant, .field, .negate, .add, .subtract, .multiply, .divide, .remainder, .abs, .length, .window:
            return value(i).isTrue
        }
    }

    /// Numbers, and the strings Prometheus writes for special floats.
    static func numeric(_ v: Value) -> Double? {
        switch v {
        case .number(let n, _): return n
        case .string(let s) where s.count <= 4:
            switch s.string {
            case "NaN": return .nan
            case "+Inf", "Inf": return .infinity
            case "-Inf": return -.infinity
            default: return nil
            }
        default: return nil
        }
    }

    static func equal(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.string(let x), .string(let y)): return x.equals(y)
        case (.bool(let x), .bool(let y)): return x == y
        case (.number(let x, let xText), .number(let y, let yText)):
            return x == y && (xText == nil && yText == nil || NumberFormatting.exactOrder(x, text: xText, y, text: yText) == 0)
        case (.null, .null): return true
        default:
            if let x = numeric(a), let y = numeric(b) { return x == y }
            return false
        }
    }

    private func compare(_ code: Op.Code, _ a: Value, _ b: Value) -> Bool {
        guard a.isPresent, b.isPresent else { return false }
        if case .string(let x) = a, case .string(let y) = b {
            let order = Self.order(x, y)
            switch code {
            case .equal: return order == 0
            case .notEqual: return order != 0
            case .less: return order < 0
            case .lessEqual: return order <= 0
            case .greater: return order > 0
            default: return order >= 0
            }
        }
        if case .bool(let x) = a, case .bool(let y) = b {
            switch code {
            case .equal: return x == y
            case .notEqual: return x != y
            default: return false
            }
        }
        if case .number(let x, let xText) = a, case .number(let y, let yText) = b, x == y, xText != nil || yText != nil {
            // One double, more digits than it holds: the exact decimals decide.
            let order = NumberFormatting.exactOrder(x, text: xText, y, text: yText)
            return Self.compare(code, Double(order), 0)
        }
        guard let x = Self.numeric(a), let y = Self.numeric(b) else { return code == .notEqual }
        return Self.compare(code, x, y)
    }

    /// `compare(code, a, .number(y))`, without building the constant's value.
    @inline(__always)
    private func compare(_ code: Op.Code, _ a: Value, number y: Double) -> Bool {
        guard a.isPresent else { return false }
        // An event number with more digits than its double holds: its exact decimals decide, as with any operand.
        if case .number(let x, _?) = a, x == y { return compare(code, a, .number(y)) }
        guard let x = Self.numeric(a) else { return code == .notEqual }
        return Self.compare(code, x, y)
    }

    @inline(__always)
    private static func compare(_ code: Op.Code, _ x: Double, _ y: Double) -> Bool {
        switch code {
        case .equal: return x == y
        case .notEqual: return x != y
        case .less: return x < y
        case .lessEqual: return x <= y
        case .greater: return x > y
        default: return x >= y
        }
    }

    private static func order(_ x: ByteString, _ y: ByteString) -> Int {
        let n = Swift.min(x.count, y.count)
        if n > 0 {
            let c = memcmp(x.base!, y.base!, n)
            if c != 0 { return Int(c) }
        }
        return x.count - y.count
    }

    static func test(_ code: Op.Code, _ s: ByteString, _ t: ByteString) -> Bool {
        // Lower-casing beyond ASCII changes byte lengths (`Ⱥ` is 2 bytes, `ⱥ` 3): no length test first.
        if code == .icontains { return caseInsensitiveContains(s, t) }
        guard t.count <= s.count else { return false }
        if t.count == 0 { return true }
        switch code {
        case .startswith: return memcmp(s.base!, t.base!, t.count) == 0
        case .endswith: return memcmp(s.base! + (s.count - t.count), t.base!, t.count) == 0
        // `contains`, with a needle known only now: searched from its first byte (lists' needles have their rarest
        // byte precomputed).
        default: return RareByte.find(t, anchor: 0, in: s)
        }
    }

    /// Case-insensitive substring search: ASCII letters folded byte by byte, then, for a needle with other
    /// letters, the text lower-cased by Unicode's rules (see `UnicodeCase`).
    private static func caseInsensitiveContains(_ s: ByteString, _ t: ByteString) -> Bool {
        if asciiCaseInsensitiveContains(s, t) { return true }
        if let found = UnicodeCase.withKelvinSignsAsK(s, { asciiCaseInsensitiveContains($0, t) }), found { return true }
        // A needle known only now: made into a Unicode needle only for a text that could hold it.
        guard !t.buffer.allSatisfy({ $0 < 0x80 }), !s.buffer.allSatisfy({ $0 < 0x80 }) else { return false }
        let pool = ConstantPool()
        return withExtendedLifetime(pool) {
            guard let needle = UnicodeCase.Needle(t, pool: pool) else { return false }
            return withUnsafePointer(to: needle) { UnicodeCase.occurs(UnsafeBufferPointer(start: $0, count: 1), in: s) }
        }
    }

    /// ASCII case-insensitive substring search (other bytes compare exactly).
    private static func asciiCaseInsensitiveContains(_ s: ByteString, _ t: ByteString) -> Bool {
        guard t.count <= s.count else { return false }
        if t.count == 0 { return true }
        @inline(__always) func lower(_ b: UInt8) -> UInt8 { b >= 65 && b <= 90 ? b + 32 : b }
        let first = lower(t.base![0])
        var i = 0
        let last = s.count - t.count
        while i <= last {
            if lower(s.base![i]) == first {
                var j = 1
                while j < t.count, lower(s.base![i + j]) == lower(t.base![j]) { j += 1 }
                if j == t.count { return true }
            }
            i += 1
        }
        return false
    }

    private static func scalarCount(_ s: ByteString) -> Int {
        var n = 0
        for b in s.buffer where b & 0xC0 != 0x80 { n += 1 }
        return n
    }
}
