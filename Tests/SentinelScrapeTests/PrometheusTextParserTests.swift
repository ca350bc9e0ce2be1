import SentinelScrape
import Testing

@Suite struct PrometheusTextParserTests {
    func parse(_ text: String) throws -> Exposition {
        try PrometheusTextParser.parse(text.utf8)
    }

    func only(_ text: String) throws -> MetricSample {
        let samples = try parse(text).samples
        try #require(samples.count == 1)
        return samples[0]
    }

    @Test func readsHelpTypeAndSamplesWithColonNames() throws {
        let exposition = try parse(
            """
            # HELP vllm:num_requests_waiting Number of requests waiting to be processed.
            # TYPE vllm:num_requests_waiting gauge
            vllm:num_requests_waiting{model_name="olmo",engine="0"} 3.0
            """)
        #expect(exposition.families == [
            MetricFamily(
                name: "vllm:num_requests_waiting", type: .gauge, help: "Number of requests waiting to be processed.")
        ])
        let sample = try #require(exposition.samples.first)
        #expect(sample.name == "vllm:num_requests_waiting")
        #expect(sample.labels == [MetricLabel("model_name", "olmo"), MetricLabel("engine", "0")])
        #expect(sample.value == 3)
        #expect(sample.type == .gauge)
        #expect(sample.timestampMillis == nil)
        #expect(!sample.isCreated)
        #expect(sample[label: "engine"] == "0")
    }

    @Test func metricNamesTakeColonsUnderscoresAndDigits() throws {
        #expect(try only("_a:b_9:c 1").name == "_a:b_9:c")
        #expect(try only(":x 1").name == ":x")
    }

    @Test func unescapesLabelValuesAndKeepsUnknownEscapes() throws {
        let sample = try only(#"m{a="back\\slash",b="say \"hi\"",c="two\nlines",d="tab\t",e=""} 1"#)
        #expect(sample.labels.map(\.value) == [#"back\slash"#, #"say "hi""#, "two\nlines", #"tab\t"#, ""])
    }

    @Test func labelValuesKeepUTF8AndSyntaxCharacters() throws {
        let sample = try only(#"m{a="naïve ✓",b="{x=\"1\", y}#"} 1"#)
        #expect(sample.labels.map(\.value) == ["naïve ✓", #"{x="1", y}#"#])
    }

    @Test func labelSetsTakeTrailingCommasBlanksAndNothing() throws {
        #expect(try only(#"m{a="1",b="2",} 1"#).labels.count == 2)
        #expect(try only("m{ a = \"1\" ,\tb=\"2\" } 1").labels == [MetricLabel("a", "1"), MetricLabel("b", "2")])
        #expect(try only("m{} 1").labels.isEmpty)
    }

    @Test(arguments: [
        ("1", 1.0), ("-2.5", -2.5), ("+3", 3), (".5", 0.5), ("5.", 5), ("1e3", 1000), ("1.5E-3", 0.0015),
        ("-2.5e+2", -250), ("0", 0), ("0.1", 0.1), ("1.7776368e+09", 1_777_636_800), ("007", 7),
        ("123456789012345678901", 123_456_789_012_345_678_901), ("2.2250738585072014e-308", 2.2250738585072014e-308),
        ("1e400", .infinity), ("+Inf", .infinity), ("-Inf", -.infinity), ("Inf", .infinity), ("inf", .infinity),
        ("+Infinity", .infinity), ("-infinity", -.infinity),
    ])
    func readsValues(text: String, value: Double) throws {
        #expect(try only("m \(text)").value == value, "\(text)")
    }

    @Test func readsNaNInAnyCase() throws {
        #expect(try only("m NaN").value.isNaN)
        #expect(try only("m nan").value.isNaN)
        #expect(try only("m -0").value.sign == .minus)
    }

    @Test func readsIntegerMillisecondTimestamps() throws {
        #expect(try only("m 1 1714567890123").timestampMillis == 1_714_567_890_123)
        #expect(try only("m{a=\"b\"} 1 -5").timestampMillis == -5)
        #expect(try only("m 1 +7 ").timestampMillis == 7)
        #expect(try only("m 1 9223372036854775807").timestampMillis == .max)
    }

    @Test func readsOpenMetricsFloatSecondTimestampsAsMilliseconds() throws {
        #expect(try only("x 1 1700000000.123").timestampMillis == 1_700_000_000_123)
        #expect(try only("x{a=\"b\"} 1 1.7e9 # {trace_id=\"t\"} 1.0").timestampMillis == 1_700_000_000_000)
        #expect(try only("x 1 -0.5").timestampMillis == -500)
        let exposition = try parse("# TYPE x counter\nx_total 1 1700000000.5\nx_created 1699999999 1700000000.25\n# EOF\n")
        #expect(exposition.samples.map(\.timestampMillis) == [1_700_000_000_500, 1_700_000_000_250])
    }

    @Test func acceptsBlankLinesCRLFTabsAndNoFinalNewline() throws {
        let exposition = try parse("\r\n# TYPE a gauge\r\n\r\n  a 1\r\n\t\nb\t2 \t3\t\r\n\nc 3")
        #expect(exposition.samples.map(\.name) == ["a", "b", "c"])
        #expect(exposition.samples.map(\.value) == [1, 2, 3])
        #expect(exposition.samples[1].timestampMillis == 3)
        #expect(exposition.samples[0].type == .gauge)
    }

    @Test func acceptsEmptyAndCommentOnlyExpositions() throws {
        #expect(try parse("").samples.isEmpty)
        #expect(try parse("\n\n").samples.isEmpty)
        #expect(try parse("# just a comment\n#\n# HELPING hands\n").samples.isEmpty)
    }

    @Test func unescapesHelpText() throws {
        let family = try #require(try parse(#"# HELP m A \\ backslash,\na newline, a \t kept"#).families.first)
        #expect(family.help == "A \\ backslash,\na newline, a \\t kept")
        #expect(family.type == .untyped)
    }

    @Test func histogramSamplesTakeTheirFamilysType() throws {
        let samples = try parse(
            """
            # TYPE h histogram
            h_bucket{le="0.5"} 1
            h_bucket{le="+Inf"} 2
            h_sum 0.7
            h_count 2
            h_total 1
            """
        ).samples
        #expect(samples.map(\.type) == [.histogram, .histogram, .histogram, .histogram, .untyped])
        #expect(samples[1][label: "le"] == "+Inf")
    }

    @Test func summaryAndCounterSamplesTakeTheirFamilysType() throws {
        let samples = try parse(
            """
            # TYPE s summary
            s{quantile="0.99"} 3
            s_sum 10
            s_count 4
            s_bucket 1
            # TYPE c counter
            c_total 5
            # TYPE d_total counter
            d_total 6
            # TYPE g gauge
            g_total 1
            """
        ).samples
        #expect(samples.map(\.type) == [.summary, .summary, .summary, .untyped, .counter, .counter, .untyped])
    }

    @Test func createdSamplesAreMarkedInBothStyles() throws {
        let samples = try parse(
            """
            # TYPE c_total counter
            c_total 5
            # TYPE c_created gauge
            c_created 1.7e9
            # TYPE h histogram
            h_count 1
            h_created 1.7e9
            # TYPE o counter
            o_total 2
            o_created 1.7e9
            # TYPE job_created gauge
            job_created 1.7e9
            # TYPE g gauge
            g_created 1
            """
        ).samples
        #expect(samples.map(\.isCreated) == [false, true, false, true, false, true, false, false])
        #expect(samples.map(\.type) == [.counter, .counter, .histogram, .histogram, .counter, .counter, .gauge, .untyped])
    }

    @Test func typeLinesApplyFromWhereTheyAppear() throws {
        let samples = try parse("h_bucket{le=\"1\"} 1\n# TYPE h histogram\nh_bucket{le=\"1\"} 1\n").samples
        #expect(samples.map(\.type) == [.untyped, .histogram])
    }

    @Test func toleratesOpenMetrics() throws {
        let exposition = try parse(
            """
            # TYPE latency_seconds histogram
            # UNIT latency_seconds seconds
            # HELP latency_seconds Latency.
            latency_seconds_bucket{le="1.0"} 3 # {trace_id="abc"} 0.5 1714567890.1
            latency_seconds_bucket{le="+Inf"} 4 1714567890123 # {trace_id="def"} 9.0
            latency_seconds_count 4
            latency_seconds_sum 7.5
            latency_seconds_created 1.7e9
            # TYPE build info
            build_info{version="1"} 1
            # TYPE thing unknown
            thing 1
            # TYPE queue gaugehistogram
            queue_bucket{le="+Inf"} 4
            queue_gcount 4
            queue_gsum 9.5
            # EOF

            """)
        #expect(exposition.families.first == MetricFamily(name: "latency_seconds", type: .histogram, help: "Latency.", unit: "seconds"))
        #expect(exposition.samples.count == 10)
        #expect(exposition.createdSampleCount == 1)
        #expect(exposition.samples[1].timestampMillis == 1_714_567_890_123)
        #expect(exposition.families.map(\.type) == [.histogram, .gauge, .untyped, .histogram])
        // An info family's `_info` samples are its gauge; a gauge histogram's `_gcount` and `_gsum` its histogram's.
        #expect(exposition.samples.filter { ["build_info", "queue_gcount", "queue_gsum"].contains($0.name) }.map(\.type)
            == [.gauge, .histogram, .histogram])
    }

    @Test func stopsAtEOF() throws {
        #expect(try parse("a 1\n# EOF").samples.count == 1)
        #expect(try parse("a 1\n# EOF\r\n\n  \n").samples.count == 1)
    }

    @Test func parsesAVLLMExposition() throws {
        let fixture = VLLMExposition(models: ["olmo-2-1b", "qwen3-8b"], engines: 2).render()
        let exposition = try parse(fixture.text)
        #expect(exposition.samples.count == fixture.samples)
        #expect(exposition.createdSampleCount == fixture.created)
        #expect(exposition.families.count == fixture.families)
        let bucket = try #require(exposition.samples.first { $0.name == "vllm:time_to_first_token_seconds_bucket" })
        #expect(bucket.labels.map(\.name) == ["model_name", "engine", "le"])
        #expect(bucket.type == .histogram)
        #expect(exposition.samples.first { $0.name == "vllm:prompt_tokens_total" }?.type == .counter)
        #expect(exposition.samples.filter(\.isCreated).allSatisfy { $0.name.hasSuffix("_created") })
    }
}
