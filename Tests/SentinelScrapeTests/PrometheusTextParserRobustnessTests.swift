import SentinelCore
import SentinelScrape
import Testing

/// Any bytes give an exposition or a positioned error: no crash, no hang. (Debug builds check every buffer
/// index, so an out-of-bounds read fails these tests rather than going unnoticed.)
@Suite(.timeLimit(.minutes(2))) struct PrometheusTextParserRobustnessTests {
    /// Bytes that steer the parser into every state, and some that are never valid.
    static let alphabet: [UInt8] =
        Array("{}\",=\\\n #HELPTYPEUNITEOF_:le+-.eE0123456789aNInf".utf8) + [0x0D, 0x09, 0x00, 0xC3, 0xFF]

    func check(_ bytes: [UInt8]) {
        do {
            let exposition = try PrometheusTextParser.parse(bytes)
            #expect(exposition.samples.count <= bytes.count)
        } catch {
            let lines = bytes.reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
            #expect(error.line >= 1 && error.line <= lines, "\(bytes)")
            #expect(error.column >= 1 && error.column <= bytes.count + 1, "\(bytes)")
            #expect(!error.message.isEmpty)
        }
    }

    @Test func randomBytesNeverCrashOrHang() {
        var random = SplitMix64(seed: 7)
        for round in 0..<3_000 {
            let count = Int(random.next() % 200)
            let bytes = (0..<count).map { _ in
                round % 3 == 0 ? UInt8(truncatingIfNeeded: random.next()) : Self.alphabet.randomElement(using: &random)!
            }
            check(bytes)
        }
    }

    @Test func everyPrefixOfAnExpositionParsesOrFails() {
        let text = Array(VLLMExposition(models: ["m"]).render().text.utf8.prefix(3_000))
        for end in 0...text.count { check(Array(text[..<end])) }
    }

    @Test func mutatedExpositionsNeverCrashOrHang() {
        var random = SplitMix64(seed: 11)
        let text = Array(VLLMExposition(models: ["a", "b"]).render().text.utf8)
        for _ in 0..<300 {
            var bytes = text
            for _ in 0..<(1 + random.next() % 8) {
                let at = Int(random.next() % UInt64(bytes.count))
                switch random.next() % 3 {
                case 0: bytes[at] = Self.alphabet.randomElement(using: &random)!
                case 1: bytes.insert(Self.alphabet.randomElement(using: &random)!, at: at)
                default: bytes.remove(at: at)
                }
            }
            check(bytes)
        }
    }

    /// 50 models × every vLLM histogram, parsed whole and checked against what was written. (Its parse rate is
    /// measured by hand on a release build; a debug test run says nothing about speed.)
    @Test func parsesALargeVLLMExposition() throws {
        let fixture = VLLMExposition(models: (0..<50).map { "model-\($0)" }).render()
        let exposition = try PrometheusTextParser.parse(fixture.text.utf8)
        #expect(exposition.samples.count == fixture.samples)
        #expect(exposition.createdSampleCount == fixture.created)
        #expect(exposition.families.count == fixture.families)
        let e2e = exposition.samples.filter { $0.name == "vllm:e2e_request_latency_seconds_count" }
        #expect(e2e.count == 50)
        #expect(e2e.reduce(0) { $0 + $1.value } == fixture.e2eRequests)
        #expect(Set(e2e.compactMap { $0[label: "model_name"] }).count == 50)
    }
}
