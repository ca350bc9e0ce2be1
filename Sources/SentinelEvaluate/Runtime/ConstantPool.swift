import SentinelCompile
import SentinelCore
import SentinelParse

/// Constants and lists of a graph as runtime values. Owns the bytes that constant strings point into, for the
/// lifetime of the engine.
final class ConstantPool {
    private(set) var values: [Value] = []
    private var storage: [UnsafeMutablePointer<UInt8>] = []
    private var index: [Constant: Int32] = [:]

    deinit {
        for pointer in storage { pointer.deallocate() }
    }

    func bytes(_ string: String) -> ByteString {
        let utf8 = Array(string.utf8)
        let pointer = UnsafeMutablePointer<UInt8>.allocate(capacity: max(1, utf8.count))
        pointer.initialize(from: utf8, count: utf8.count)
        storage.append(pointer)
        return ByteString(base: UnsafePointer(pointer), count: utf8.count)
    }

    func add(_ constant: Constant) -> Int32 {
        if let i = index[constant] { return i }
        let value: Value
        switch constant {
        case .null: value = .null
        case .bool(let b): value = .bool(b)
        case .number(let n): value = .number(n)
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
    let lowercased: [ByteString]
    private let stringIndex: [UInt64: [Int]]
    private let numbers: Set<Double>

    init(_ list: CompiledList, pool: ConstantPool) {
        var strings: [ByteString] = []
        var numbers: Set<Double> = []
        for item in list.items {
            switch item {
            case .string(let s): strings.append(pool.bytes(s))
            case .number(let n): numbers.insert(n)
            }
        }
        var index: [UInt64: [Int]] = [:]
        for (i, s) in strings.enumerated() { index[ByteHashing.hash(s.buffer), default: []].append(i) }
        self.strings = strings
        self.lowercased = list.items.compactMap { item in
            if case .string(let s) = item { return pool.bytes(String(s.map { $0.isASCII ? Character($0.lowercased()) : $0 })) }
            return nil
        }
        self.stringIndex = index
        self.numbers = numbers
    }

    func contains(_ value: Value) -> Bool {
        switch value {
        case .string(let s):
            guard let candidates = stringIndex[ByteHashing.hash(s.buffer)] else { return false }
            return candidates.contains { strings[$0].equals(s) }
        case .number(let n): return numbers.contains(n)
        default: return false
        }
    }
}

import Foundation
