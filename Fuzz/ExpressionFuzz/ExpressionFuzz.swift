import SentinelCompile
import SentinelCore
import SentinelParse

/// libFuzzer entry point: arbitrary bytes as a rule condition, through the parser and the compiler.
/// Nothing may crash; every error must lie inside the expression text.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let length = text.unicodeScalars.count
    do {
        _ = try Parser.parse(text)
    } catch {
        precondition(error.start >= 0 && error.start <= error.end && error.end <= length, "error outside the text")
    }
    // The same text as a rule's condition, so type checking and lowering see it too.
    let escaped = text.replacingOccurrences(of: "'", with: "''")
    let rules = "macros:\n  m: latency_ms > 1\nrules:\n  - {name: R, on: completion, group_by: [model], when: '\(escaped)'}\n"
    let (syntax, _) = RuleFileReader.read(text: rules, file: "fuzz.yaml")
    _ = Compiler.compile(rules: [syntax], policies: [])
    return 0
}

import Foundation
