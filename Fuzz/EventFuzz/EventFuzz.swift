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

/// libFuzzer entry point: arbitrary bytes, split into lines, through decoding, evaluation and DPO capture, wired
/// as `dry-run` wires them. Each input gets a fresh engine, so a finding reproduces from its input alone (a shared
/// engine's watermark, moved far ahead by one input, made every later input late). The shipped policy holds lines
/// back for `allowed_lateness`, decoded into the re-order buffer's blocks: `drain` releases the rest, and malformed
/// lines must be errors with an offset inside the line (a line held over a reload, the one case found on release,
/// does not arise here).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let dpo = DPOCapture(graph: graph)
    let engine = Engine(graph: graph, eventFields: DPOCapture.eventFields)
    engine.onEvent = { [dpo] _, time, fields in dpo.observe(time: time, fields: fields) }
    engine.onAction = { [dpo] request in dpo.take(request) }
    engine.onMalformed = { _ in preconditionFailure("a held line was found malformed on release, without a reload") }
    var start = 0
    for i in 0...size where i == size || data[i] == 0x0A {
        let line = UnsafeRawBufferPointer(start: data + start, count: i - start)
        do {
            try engine.ingest(line)
        } catch {
            precondition(error.offset >= 0 && error.offset <= line.count, "error offset outside the line")
        }
        start = i + 1
    }
    engine.drain()
    return 0
}
