import SentinelCompile
import SentinelCore
import SentinelParse

/// Constants and lists of a graph as runtime values. Owns the bytes that constant strings point into, for the
/// lifetime of the engine.
final class ConstantPool {
    private(set) var values: [Value] = []
    private var storage: [UnsafeMutableRawPointer] = []
    private var index: [Constant: Int32] = [:]

    deinit {
        for pointer in storage { pointer.deallocate() }
    }

    /// A number's digits where the JSON number reader can read them: they end in a space, where it stops.
    func numberText(_ digits: String) -> UnsafePointer<UInt8> { bytes(digits + " ").base! }

    func bytes(_ string: String) -> ByteString {
        let utf8 = buffer(Array(string.utf8))
        return ByteString(base: UnsafePointer(utf8.baseAddress), count: utf8.count)
    }

    /// A copy of `elements` that lives as long as the pool: the hot loop reads it without reference counting.
    func buffer<T: BitwiseCopyable>(_ elements: [T]) -> UnsafeMutableBufferPointer<T> {
        let pointer = UnsafeMutablePointer<T>.allocate(capacity: max(1, elements.count))
        pointer.initialize(from: elements, count: elements.count)
        storage.append(UnsafeMutableRawPointer(pointer))
        return UnsafeMutableBufferPointer(start: pointer, count: elements.count)
    }

    func add(_ constant: Constant) -> Int32 {
        if let i = index[constant] { return i }
        let value: Value
        switch constant {
        case .null: value = .null
        case .bool(let b): value = .bool(b)
        case .number(let n): value = .number(n)
        case .wideNumber(let n, let digits): value = .number(n, text: numberText(digits))
        case .string(let s): value = .string(bytes(s))
        case .list(let items):
            // A list literal becomes a JSON array, so it is matched exactly like an array field.
            value = .array(RawArray(bytes: bytes("[" + items.map(Self.json).joined(separator: ",") + "]")))
        }
        values.append(value)
        index[constant] = Int32(values.count - 1)
        return Int32(values.count - 1)
    }

    private static func json(_ c: Constant) -> String {
        switch c {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return JSONText.number(n)
        case .wideNumber(_, let digits): return digits
        case .string(let s):
            var out = ""
            JSONText.appendString(s, to: &out)
            return out
        case .list(let items): return "[" + items.map(json).joined(separator: ",") + "]"
        }
    }
}

/// A declared list, for `in` (hash lookup) and the string tests (each item).
struct ListMatcher {
    let strings: [ByteString]
    /// The strings with ASCII letters lower-cased, for `icontains`.
    let lowercased: CaseInsensitiveNeedles
    private let stringIndex: [UInt64: [Int]]
    private let numbers: Set<Double>
    /// Items with more digits than a double holds, by their double: their digits (in the pool, ending in a space).
    private let wideNumbers: [Double: [UnsafePointer<UInt8>]]

    init(_ list: CompiledList, pool: ConstantPool) {
        var strings: [ByteString] = []
        var numbers: Set<Double> = []
        var wideNumbers: [Double: [UnsafePointer<UInt8>]] = [:]
        for item in list.items {
            switch item {
            case .string(let s): strings.append(pool.bytes(s))
            case .number(let n): numbers.insert(n)
            case .wideNumber(let n, let digits): wideNumbers[n, default: []].append(pool.numberText(digits))
            }
        }
        var index: [UInt64: [Int]] = [:]
        for (i, s) in strings.enumerated() { index[ByteHashing.hash(s.buffer), default: []].append(i) }
        self.strings = strings
        let lowercased = list.items.compactMap { item -> ByteString? in
            if case .string(let s) = item { return pool.bytes(String(s.map { $0.isASCII ? Character($0.lowercased()) : $0 })) }
            return nil
        }
        self.lowercased = CaseInsensitiveNeedles(lowercased, pool: pool)
        self.stringIndex = index
        self.numbers = numbers
        self.wideNumbers = wideNumbers
    }

    /// Whether the list at `list` holds `value`, read in place: a method of the list, read from the engine's
    /// buffer, copied it (retaining its arrays and dictionaries) at every call.
    static func contains(_ list: UnsafePointer<ListMatcher>, _ value: Value) -> Bool {
        switch value {
        case .string(let s):
            // A short list is faster to compare than to hash into a dictionary (most lists are short).
            if list.pointee.strings.count <= 8 { return list.pointee.strings.contains { $0.equals(s) } }
            guard let candidates = list.pointee.stringIndex[ByteHashing.hash(s.buffer)] else { return false }
            return candidates.contains { list.pointee.strings[$0].equals(s) }
        case .number(let n, _):
            // Equal as `==` has it: by the exact value of a number with more digits than its double holds.
            if list.pointee.numbers.contains(n), Engine.equal(value, .number(n)) { return true }
            return list.pointee.wideNumbers[n]?.contains { Engine.equal(value, .number(n, text: $0)) } ?? false
        default: return false
        }
    }
}

/// Substring search that starts from the needle's rarest byte: `memchr` for a common first letter (`i` of "ignore
/// previous instructions") stops at nearly every word, while a rare one (`v`) lets it skip most of the text.
enum RareByte {
    /// A needle and where to start looking for it.
    struct Needle {
        var bytes: ByteString
        var anchor: Int
    }

    /// Lower-case English letters from most to least frequent; other bytes count as rare, spaces as most common.
    private static let frequent = Array("etaoinshrdlcumwfgypbvkjxqz".utf8)

    static func rank(_ b: UInt8) -> Int {
        if b == 0x20 { return 100 }
        if let i = frequent.firstIndex(of: b) { return 26 - i }
        return 0
    }

    /// Offset of the needle's rarest byte (the first of equals); 0 for an empty needle.
    static func anchor(of needle: ByteString) -> Int {
        var best = 0
        for i in 0..<needle.count where rank(needle.base![i]) < rank(needle.base![best]) { best = i }
        return best
    }

    /// Whether `needle` occurs in `haystack`, searching for its byte at `anchor` first.
    static func find(_ needle: ByteString, anchor: Int, in haystack: ByteString) -> Bool {
        guard needle.count <= haystack.count else { return false }
        guard needle.count > 0, let h = haystack.base, let n = needle.base else { return true }
        let byte = Int32(n[anchor])
        var from = h + anchor
        // The anchor byte of the last possible match.
        let end = h + (haystack.count - needle.count + anchor + 1)
        while from < end {
            guard let hit = memchr(from, byte, end - from) else { return false }
            let candidate = hit.assumingMemoryBound(to: UInt8.self) - anchor
            if memcmp(candidate, n, needle.count) == 0 { return true }
            from = UnsafePointer(hit.assumingMemoryBound(to: UInt8.self)) + 1
        }
        return false
    }
}

import Foundation
