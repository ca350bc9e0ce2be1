import Foundation

/// A fault as text, split but not yet understood: `kind[=value]` then `,key=value` options
/// (`status=503,shape=legacy,every=10`). ``VLLMDouble/Fault`` and ``VLLMDouble/FaultRule`` read their parts from it.
struct FaultSpec {
    typealias SpecError = VLLMDouble.FaultSpecError

    let kind: String
    let value: String?
    let options: [String: String]

    init(_ text: String) throws(SpecError) {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard let head = parts.first, !head.isEmpty else { throw SpecError("empty fault") }
        let (kind, value) = Self.pair(head)
        self.kind = kind.lowercased()
        self.value = value
        var options: [String: String] = [:]
        for part in parts.dropFirst() {
            let (key, optionValue) = Self.pair(part)
            guard let optionValue, !key.isEmpty else {
                throw SpecError("option '\(part)' in '\(text)' needs key=value")
            }
            guard options.updateValue(optionValue, forKey: key.lowercased()) == nil else {
                throw SpecError("option '\(key)' given twice in '\(text)'")
            }
        }
        self.options = options
    }

    private static func pair(_ text: String) -> (String, String?) {
        guard let equals = text.firstIndex(of: "=") else { return (text, nil) }
        return (String(text[..<equals]), String(text[text.index(after: equals)...]))
    }

    func rejectOptions(except allowed: Set<String>) throws(SpecError) {
        if let unknown = options.keys.sorted().first(where: { !allowed.contains($0) }) {
            let known = allowed.sorted().joined(separator: ", ")
            throw SpecError(
                "unknown option '\(unknown)' for fault '\(kind)' (known: \(known.isEmpty ? "none" : known))")
        }
    }

    /// The fault named by the kind, value and `shape` option.
    func fault() throws(SpecError) -> VLLMDouble.Fault {
        switch kind {
        case "slow-first-token":
            return .slowFirstToken(try Self.duration(requiredValue()))
        case "status":
            let code = try integer(requiredValue())
            guard (400...599).contains(code) else {
                throw SpecError("status \(code) is not an HTTP error status (400-599)")
            }
            return .status(code, shape: try shape())
        case "disconnect":
            return .disconnect(afterChunks: try integer(requiredValue()))
        case "malformed":
            return .malformedChunk(afterChunks: try integer(requiredValue()))
        case "stream-error":
            return .streamError(afterChunks: try integer(requiredValue()), shape: try shape())
        case "hang":
            return .hang(
                try value.map { text throws(SpecError) in try Self.duration(text) }
                    ?? VLLMDouble.Fault.defaultHangDuration)
        default:
            throw SpecError(
                "unknown fault '\(kind)' (known: slow-first-token, status, disconnect, malformed, stream-error, hang)")
        }
    }

    private func requiredValue() throws(SpecError) -> String {
        guard let value, !value.isEmpty else { throw SpecError("fault '\(kind)' needs a value: \(kind)=…") }
        return value
    }

    private func integer(_ text: String) throws(SpecError) -> Int {
        guard let number = Int(text), number >= 0 else {
            throw SpecError("'\(text)' in fault '\(kind)' is not a count")
        }
        return number
    }

    private func shape() throws(SpecError) -> VLLMDouble.ErrorShape? {
        guard let text = options["shape"] else { return nil }
        guard let shape = VLLMDouble.ErrorShape(rawValue: text) else {
            throw SpecError("shape '\(text)' is neither 'current' nor 'legacy'")
        }
        return shape
    }

    /// `250ms`, `2s`, `1.5s`, `1m`.
    static func duration(_ text: String) throws(SpecError) -> Duration {
        let units: [(suffix: String, seconds: Double)] = [("ms", 0.001), ("s", 1), ("m", 60)]
        for unit in units where text.hasSuffix(unit.suffix) {
            if let number = Double(text.dropLast(unit.suffix.count)), number >= 0, number.isFinite {
                return .milliseconds(Int64((number * unit.seconds * 1000).rounded()))
            }
        }
        throw SpecError("'\(text)' is not a duration (e.g. 250ms, 2s, 1.5s, 1m)")
    }

    /// The shortest of `Nms` and `Ns` that states the duration exactly to the millisecond.
    static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        return milliseconds % 1000 == 0 ? "\(milliseconds / 1000)s" : "\(milliseconds)ms"
    }

    static func shapeSuffix(_ shape: VLLMDouble.ErrorShape?) -> String {
        shape.map { ",shape=\($0.rawValue)" } ?? ""
    }
}
