import Testing

@testable import SentinelEvaluate

@Suite struct ReorderBufferTests {
    /// `heldBytes` counts the blocks held, in order or not, and goes back to 0 once all are released.
    @Test func heldBytesCountWhatIsHeld() {
        var buffer = ReorderBuffer()
        let line = Array("0123456789".utf8)
        line.withUnsafeBytes { bytes in
            buffer.insert(time: 10, line: bytes)
            buffer.insert(time: 20, line: UnsafeRawBufferPointer(rebasing: bytes[..<4]))
            buffer.insert(time: 5, line: bytes)  // behind the newest: the heap
        }
        #expect(buffer.heldBytes == 24)
        buffer.removeFirst { time, block in #expect(time == 5 && block.count == 10) }
        #expect(buffer.heldBytes == 14)
        while buffer.firstTime != nil { buffer.removeFirst { _, _ in } }
        #expect(buffer.heldBytes == 0)
    }

    /// Past the engine's cap on held bytes the oldest held events are evaluated early and counted, so memory stays
    /// bounded however fast the stream is for its lateness; an event that arrives behind them is then late.
    @Test func anEngineOverItsHeldBytesEvaluatesTheOldestEarly() throws {
        let f = try EngineFixture(
            "rules:\n  - {name: Burst, on: completion, when: \"count(1m) >= 3\"}\n", policy: "settings: {allowed_lateness: 1h}\n")
        f.engine.maxHeldBytes = 1_000
        for t in 1...40 { try f.send(at: Double(t), #"{"kind":"completion","prompt":"a prompt of some forty bytes or so"}"#) }
        #expect(f.engine.statistics.releasedEarly > 0)
        #expect(f.engine.statistics.events == f.engine.statistics.releasedEarly)
        try f.send(at: 0.5, #"{"kind":"completion"}"#)
        #expect(f.engine.statistics.lateEvents == 1)
        f.engine.finish()
        #expect(f.engine.statistics.events == 40)
        #expect(f.states("Burst") == ["firing@3"])
    }

    /// Against a plain reference (a stably sorted list): the same inserts and releases, interleaved as the engine
    /// does them, give the same lines in the same order, whatever order they arrive in.
    @Test func releasesWhatAStableSortWouldRelease() {
        var generator = SystemRandomNumberGenerator()
        for round in 0..<60 {
            var buffer = ReorderBuffer()
            var reference: [(time: Int64, text: String)] = []
            var released: [String] = []
            var expected: [String] = []
            let spread = Int64([1, 20, 2_000][round % 3])
            for i in 0..<3_000 {
                // Runs of 50 in order, each run a random step back or ahead: producers posting bodies at once.
                let time = Int64(i) + (round % 6 < 3 ? 0 : Int64((i / 50) % 4) * 120) + Int64.random(in: 0..<spread, using: &generator)
                let text = "line \(i) " + String(repeating: "x", count: i % 64)  // enough bytes to fill and recycle chunks
                Array(text.utf8).withUnsafeBytes { buffer.insert(time: time, line: $0) }
                let at = reference.lastIndex { $0.time <= time }.map { $0 + 1 } ?? 0
                reference.insert((time, text), at: at)
                let limit = buffer.maxTime - 300
                while let first = buffer.firstTime, first <= limit {
                    buffer.removeFirst { _, line in released.append(String(decoding: line, as: UTF8.self)) }
                }
                while let first = reference.first, first.time <= limit { expected.append(reference.removeFirst().text) }
            }
            while buffer.firstTime != nil {
                buffer.removeFirst { _, line in released.append(String(decoding: line, as: UTF8.self)) }
            }
            expected += reference.map(\.text)
            #expect(released == expected)
        }
    }

    @Test func theLineComesBackWithItsTime() {
        var buffer = ReorderBuffer()
        for (time, n) in [(30, 3), (10, 1), (20, 2), (10, 4)] as [(Int64, Int)] {
            Array("t\(n)".utf8).withUnsafeBytes { buffer.insert(time: time, line: $0) }
        }
        #expect(buffer.maxTime == 30)
        var out: [String] = []
        while buffer.firstTime != nil {
            buffer.removeFirst { time, line in out.append("\(time):\(String(decoding: line, as: UTF8.self))") }
        }
        #expect(out == ["10:t1", "10:t4", "20:t2", "30:t3"])
    }

    /// Lines larger than a storage chunk, and lines that exactly fill one, come back whole.
    @Test func linesOfAnySizeComeBackWhole() {
        var buffer = ReorderBuffer()
        let sizes = [10, 70_000, 5, 65_536, 3, 65_530, 9, 200_000]
        // Line i is `sizes[i]` copies of byte 65 + i: the first byte says which line came back.
        func check(_ line: UnsafeRawBufferPointer) {
            let i = Int(line.first!) - 65
            #expect(line.count == sizes[i] && line.allSatisfy { $0 == UInt8(65 + i) })
        }
        for (i, size) in sizes.enumerated() {
            let line = [UInt8](repeating: UInt8(65 + i), count: size)
            line.withUnsafeBytes { buffer.insert(time: Int64(i / 2), line: $0) }
            if i % 3 == 2, buffer.firstTime != nil { buffer.removeFirst { _, line in check(line) } }
        }
        while buffer.firstTime != nil { buffer.removeFirst { _, line in check(line) } }
    }
}
