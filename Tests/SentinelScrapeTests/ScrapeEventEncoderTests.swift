import SentinelEvaluate
@testable import SentinelScrape
import Testing

@Suite struct ScrapeEventEncoderTests {
    static let ts = Timestamp.format(1_777_636_800_250)

    func lines(_ text: String, labels: [String: String] = ["cluster": "eu-1"]) throws -> [String] {
        let target = try ScrapeTarget(name: "vllm", url: "http://127.0.0.1:8000/metrics", labels: labels)
        return ScrapeEventEncoder(target: target, renames: .vllm)
            .metricLines(try PrometheusTextParser.parse(text.utf8), timestamp: Self.ts).lines
    }

    /// Samples of the deprecated vLLM names in a one-model fixture, `_created` ones aside: `gpu_cache_usage_perc`,
    /// the two `gpu_prefix_cache` counters, and `time_per_output_token_seconds`' buckets, `+Inf`, count and sum.
    static let deprecatedSamples = 3 + VLLMExposition.tokenLatencyBuckets.count + 3

    @Test func aGaugeSampleIsOneMetricLineWithTheTargetsLabels() throws {
        let result = try lines(
            """
            # TYPE vllm:num_requests_waiting gauge
            vllm:num_requests_waiting{model_name="olmo",engine="0"} 3
            vllm:num_requests_waiting{model_name="qwen",engine="0"} 0.25
            """)
        #expect(result == [
            #"{"ts":"2026-05-01T12:00:00.250Z","kind":"metric","name":"vllm:num_requests_waiting","labels":{"model_name":"olmo","engine":"0","cluster":"eu-1","instance":"127.0.0.1:8000","job":"vllm"},"value":3,"type":"gauge"}"#,
            #"{"ts":"2026-05-01T12:00:00.250Z","kind":"metric","name":"vllm:num_requests_waiting","labels":{"model_name":"qwen","engine":"0","cluster":"eu-1","instance":"127.0.0.1:8000","job":"vllm"},"value":0.25,"type":"gauge"}"#,
        ])
    }

    @Test func nonFiniteValuesAreStrings() throws {
        let result = try lines(
            """
            # TYPE h histogram
            h_bucket{le="+Inf"} +Inf
            h_sum NaN
            h_count -Inf
            big 1e300
            """, labels: [:])
        #expect(result == [
            #"{"ts":"2026-05-01T12:00:00.250Z","kind":"metric","name":"h_bucket","labels":{"le":"+Inf","instance":"127.0.0.1:8000","job":"vllm"},"value":"+Inf","type":"histogram"}"#,
            #"{"ts":"2026-05-01T12:00:00.250Z","kind":"metric","name":"h_sum","labels":{"instance":"127.0.0.1:8000","job":"vllm"},"value":"NaN","type":"histogram"}"#,
            #"{"ts":"2026-05-01T12:00:00.250Z","kind":"metric","name":"h_count","labels":{"instance":"127.0.0.1:8000","job":"vllm"},"value":"-Inf","type":"histogram"}"#,
            #"{"ts":"2026-05-01T12:00:00.250Z","kind":"metric","name":"big","labels":{"instance":"127.0.0.1:8000","job":"vllm"},"value":1e+300,"type":"untyped"}"#,
        ])
    }

    @Test func deprecatedNamesAreEmittedUnderTheCurrentOneWithTheOriginal() throws {
        let result = try lines(
            """
            # TYPE vllm:gpu_cache_usage_perc gauge
            vllm:gpu_cache_usage_perc{model_name="olmo"} 0.5
            """, labels: [:])
        #expect(result == [
            #"{"ts":"2026-05-01T12:00:00.250Z","kind":"metric","name":"vllm:kv_cache_usage_perc","labels":{"model_name":"olmo","instance":"127.0.0.1:8000","job":"vllm"},"value":0.5,"type":"gauge","renamed_from":"vllm:gpu_cache_usage_perc"}"#
        ])
    }

    @Test func whenBothNamesArePresentOnlyTheCurrentOneIsKept() throws {
        let text = VLLMExposition(models: ["olmo"], names: .both).render().text
        let result = try lines(text, labels: [:])
        #expect(!result.contains { $0.contains("renamed_from") })
        #expect(!result.contains { $0.contains(#""name":"vllm:gpu_"#) || $0.contains(#""name":"vllm:time_per"#) })
        let itl = result.filter { $0.contains(#""name":"vllm:inter_token_latency_seconds_bucket""#) }
        #expect(itl.count == VLLMExposition.tokenLatencyBuckets.count + 1)
        let current = try lines(VLLMExposition(models: ["olmo"], names: .current).render().text, labels: [:])
        #expect(result.count == current.count)
        #expect(Self.names(result) == Self.names(current))
    }

    static func names(_ lines: [String]) -> Set<String> {
        Set(lines.map { String($0.split(separator: #""name":""#)[1].prefix { $0 != "\"" }) })
    }

    @Test func deprecatedOnlyExpositionsKeepEveryFamily() throws {
        let current = try lines(VLLMExposition(models: ["olmo"], names: .current).render().text, labels: [:])
        let deprecated = try lines(VLLMExposition(models: ["olmo"], names: .deprecated).render().text, labels: [:])
        #expect(Self.names(current) == Self.names(deprecated))
        #expect(deprecated.filter { $0.contains("renamed_from") }.count == Self.deprecatedSamples)
    }

    @Test func createdSamplesAreNotEmitted() throws {
        let result = try lines(
            """
            # TYPE vllm:prompt_tokens_total counter
            vllm:prompt_tokens_total{model_name="olmo"} 97
            # TYPE vllm:prompt_tokens_created gauge
            vllm:prompt_tokens_created{model_name="olmo"} 1.7776368e+09
            """, labels: [:])
        #expect(result == [
            #"{"ts":"2026-05-01T12:00:00.250Z","kind":"metric","name":"vllm:prompt_tokens_total","labels":{"model_name":"olmo","instance":"127.0.0.1:8000","job":"vllm"},"value":97,"type":"counter"}"#
        ])
    }

    @Test func aSamplesOwnLabelsWinOverTheTargets() throws {
        let result = try lines(#"m{job="other",instance="x:1",cluster="us-2",q="a\"b\nc"} 1"#)
        #expect(result == [
            #"{"ts":"2026-05-01T12:00:00.250Z","kind":"metric","name":"m","labels":{"job":"other","instance":"x:1","cluster":"us-2","q":"a\"b\nc"},"value":1,"type":"untyped"}"#
        ])
    }

    @Test func configuredInstanceAndJobLabelsReplaceTheDerivedOnes() throws {
        let result = try lines("m 1", labels: ["instance": "gpu-node-7", "job": "serving"])
        #expect(result == [
            #"{"ts":"2026-05-01T12:00:00.250Z","kind":"metric","name":"m","labels":{"instance":"gpu-node-7","job":"serving"},"value":1,"type":"untyped"}"#
        ])
    }

    @Test func syntheticSamplesAndScrapeErrors() throws {
        let target = try ScrapeTarget(name: "vllm", url: "http://[::1]:8000/metrics", labels: ["cluster": "eu-1"])
        let encoder = ScrapeEventEncoder(target: target, renames: .vllm)
        #expect(encoder.syntheticLines(up: true, duration: .milliseconds(250), samplesScraped: 12, timestamp: Self.ts) == [
            #"{"ts":"2026-05-01T12:00:00.250Z","kind":"metric","name":"up","labels":{"cluster":"eu-1","instance":"[::1]:8000","job":"vllm"},"value":1,"type":"gauge"}"#,
            #"{"ts":"2026-05-01T12:00:00.250Z","kind":"metric","name":"scrape_duration_seconds","labels":{"cluster":"eu-1","instance":"[::1]:8000","job":"vllm"},"value":0.25,"type":"gauge"}"#,
            #"{"ts":"2026-05-01T12:00:00.250Z","kind":"metric","name":"scrape_samples_scraped","labels":{"cluster":"eu-1","instance":"[::1]:8000","job":"vllm"},"value":12,"type":"gauge"}"#,
        ])
        #expect(encoder.errorLine(.status(503), timestamp: Self.ts)
            == #"{"ts":"2026-05-01T12:00:00.250Z","kind":"scrape_error","target":"vllm","instance":"[::1]:8000","url":"http://[::1]:8000/metrics","error":"server returned HTTP status 503","status":503}"#)
        let parseError = ScrapeFailure.parse(ExpositionError(line: 3, column: 9, message: "invalid value 'x' of 'm'"))
        #expect(encoder.errorLine(parseError, timestamp: Self.ts)
            == #"{"ts":"2026-05-01T12:00:00.250Z","kind":"scrape_error","target":"vllm","instance":"[::1]:8000","url":"http://[::1]:8000/metrics","error":"invalid exposition: line 3, column 9: invalid value 'x' of 'm'","status":null}"#)
    }

    @Test func aRepeatedSeriesKeepsItsFirstSampleWhateverItsLabelOrder() throws {
        let target = try ScrapeTarget(name: "vllm", url: "http://127.0.0.1:8000/metrics")
        let exposition = try PrometheusTextParser.parse(
            """
            # TYPE c counter
            c_total{a="1",b="2"} 5
            c_total{a="1",b="3"} 7
            c_total{b="2",a="1"} 125
            c_total{a="1",b="2"} 9
            c_total 1
            c_total 2
            """.utf8)
        let (lines, duplicates) = ScrapeEventEncoder(target: target, renames: .vllm)
            .metricLines(exposition, timestamp: Self.ts)
        #expect(duplicates == 3)
        #expect(lines.map { $0.contains(#""value":5,"#) || $0.contains(#""value":7,"#) || $0.contains(#""value":1,"#) } == [
            true, true, true,
        ])
    }

    /// A label with an empty value is an absent one, and a sample's `job` or `instance` equal to the target's is the
    /// target's: either way the same series as the sample without it, whose first sample alone is kept (two
    /// values at one time would read as a counter moving). A sample's empty `job` or `cluster` masks the target's, as
    /// in Prometheus: that series has no such label.
    @Test func emptyLabelsAndTheTargetsOwnLabelsDoNotMakeAnotherSeries() throws {
        let target = try ScrapeTarget(name: "vllm", url: "http://127.0.0.1:8000/metrics", labels: ["cluster": "eu-1"])
        let exposition = try PrometheusTextParser.parse(
            """
            # TYPE c counter
            c_total{x=""} 5
            c_total 10
            c_total{job="vllm"} 11
            c_total{instance="127.0.0.1:8000",cluster="eu-1",x=""} 12
            c_total{job=""} 13
            c_total{job="other"} 14
            c_total{cluster=""} 15
            """.utf8)
        let (lines, duplicates) = ScrapeEventEncoder(target: target, renames: .vllm)
            .metricLines(exposition, timestamp: Self.ts)
        #expect(duplicates == 3)
        #expect(lines == [
            #"{"ts":"2026-05-01T12:00:00.250Z","kind":"metric","name":"c_total","labels":{"cluster":"eu-1","instance":"127.0.0.1:8000","job":"vllm"},"value":5,"type":"counter"}"#,
            #"{"ts":"2026-05-01T12:00:00.250Z","kind":"metric","name":"c_total","labels":{"cluster":"eu-1","instance":"127.0.0.1:8000"},"value":13,"type":"counter"}"#,
            #"{"ts":"2026-05-01T12:00:00.250Z","kind":"metric","name":"c_total","labels":{"job":"other","cluster":"eu-1","instance":"127.0.0.1:8000"},"value":14,"type":"counter"}"#,
            #"{"ts":"2026-05-01T12:00:00.250Z","kind":"metric","name":"c_total","labels":{"instance":"127.0.0.1:8000","job":"vllm"},"value":15,"type":"counter"}"#,
        ])
    }
}
