import SentinelCore
import SentinelParse

/// libFuzzer entry point: loads arbitrary bytes as YAML and checks the invariants every loaded tree must hold.
/// Build with `SENTINEL_FUZZ=1 swift build -c debug --sanitize fuzzer -Xswiftc -parse-as-library --product YAMLFuzz`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let result = YAMLLoader.load(
        bytes: bytes, file: "fuzz.yaml", limits: YAMLLoader.Limits(maxExpandedNodes: 20_000, maxDepth: 64))
    for diagnostic in result.diagnostics {
        if let range = diagnostic.range { check(range.start, size) }
    }
    var stack = result.documents
    while let node = stack.popLast() {
        check(node.range.start, size)
        check(node.range.end, size)
        precondition(node.range.start.offset <= node.range.end.offset, "node range runs backwards")
        switch node.content {
        case .scalar(let scalar):
            let first = node.range.start.offset < size ? bytes[node.range.start.offset] : 0
            switch scalar.style {
            case .plain: precondition(scalar.value.isEmpty || first == scalar.value.utf8.first, "plain start")
            case .singleQuoted: precondition(first == UInt8(ascii: "'"), "single-quoted start")
            case .doubleQuoted: precondition(first == UInt8(ascii: "\""), "double-quoted start")
            case .literal: precondition(first == UInt8(ascii: "|"), "literal start")
            case .folded: precondition(first == UInt8(ascii: ">"), "folded start")
            }
            precondition(scalar.valueLocations.count == scalar.value.unicodeScalars.count + 1, "location count")
            var previous = 0
            for location in scalar.valueLocations {
                check(location, size)
                precondition(location.offset >= previous, "value locations run backwards")
                previous = location.offset
            }
            // A visible value character points at itself in the file, or at the escape that produced it.
            for (character, location) in zip(scalar.value.unicodeScalars, scalar.valueLocations)
            where !character.properties.isWhitespace {
                let source = String(decoding: bytes[location.offset..<min(location.offset + 4, size)], as: UTF8.self)
                let escaped = scalar.style == .doubleQuoted && source.hasPrefix("\\")
                precondition(source.unicodeScalars.first == character || escaped, "value location misplaced")
            }
        case .sequence(let items):
            stack += items
        case .mapping(let pairs):
            for pair in pairs { stack += [pair.key, pair.value] }
        }
    }
    return 0
}

private func check(_ location: SourceLocation, _ size: Int) {
    precondition(location.line >= 1 && location.column >= 1, "location before the file")
    precondition(location.offset >= 0 && location.offset <= size, "location past the file")
}
