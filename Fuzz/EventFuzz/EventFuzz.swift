import Foundation
import SentinelAct
import SentinelCompile
import SentinelEvaluate

/// The shipped rule pack, compiled once: every fuzz input is evaluated against the real graph. libFuzzer calls
/// the entry point from one thread.
nonisolated(unsafe) private let graph: ConditionGraph = {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    let loaded = Configuration.load(
        rules: [root.appendingPathComponent("rules").path], policies: [root.appendingPathComponent("policies").path])
    guard let graph = loaded.graph else { fatalError("shipped configuration does not compile: \(loaded.diagnostics)") }
    return graph
}()
nonisolated(unsafe) private let engine = Engine(graph: graph)
/// DPO capture reads accepted lines with its own field reader, as `dry-run` and `run` do.
nonisolated(unsafe) private let dpo = DPOCapture(graph: graph)

/// libFuzzer entry point: arbitrary bytes, split into lines, through decoding, evaluation and DPO capture.
/// Malformed lines must be errors with an offset inside the line; nothing may crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    var start = 0
    for i in 0...size where i == size || data[i] == 0x0A {
        let line = UnsafeRawBufferPointer(start: data + start, count: i - start)
        do {
            try engine.ingest(line)
            dpo.observe(line, time: engine.watermark)
        } catch {
            precondition(error.offset >= 0 && error.offset <= line.count, "error offset outside the line")
        }
        start = i + 1
    }
    return 0
}
