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

    /// A line of 200 000 labels (3 MB) took 6 s when each label was compared with the ones before it. The bound is
    /// loose, for a debug build on a loaded machine; a quadratic check needs minutes here.
    @Test func aLineWithAHundredThousandLabelsParsesInLinearTimeAndItsDuplicateIsFound() throws {
        let labels = (0..<100_000).map { "l\($0)=\"v\"" }.joined(separator: ",")
        let started = ContinuousClock.now
        let exposition = try PrometheusTextParser.parse("m{\(labels)} 1\n".utf8)
        #expect(exposition.samples.first?.labels.count == 100_000)
        #expect(started.duration(to: .now) < .seconds(10))

        let error = #expect(throws: ExpositionError.self) {
            try PrometheusTextParser.parse("m{\(labels)} 1\nm{a=\"1\",\(labels),l0=\"w\"} 2\n".utf8)
        }
        #expect(error?.line == 2 && error?.message == "duplicate label 'l0' in the labels of 'm'")
    }

    /// A body of short lines is millions of samples; the parse stops at the limit instead of building them all.
    @Test func theParseStopsAtTheSampleLimit() throws {
        let body = "# TYPE m counter\n" + String(repeating: "m_total 1\n", count: 1_000)
        #expect(try PrometheusTextParser.parse(body.utf8, sampleLimit: 1_000).samples.count == 1_000)
        let error = #expect(throws: ExpositionError.self) { try PrometheusTextParser.parse(body.utf8, sampleLimit: 999) }
        #expect(error == ExpositionError(line: 1_001, column: 1, message: "more than 999 samples", sampleLimit: 999))
        let malformed = #expect(throws: ExpositionError.self) { try PrometheusTextParser.parse("m{".utf8) }
        #expect(malformed?.sampleLimit == nil)
    }
}
