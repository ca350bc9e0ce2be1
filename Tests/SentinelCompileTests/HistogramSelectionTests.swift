import Foundation
import SentinelCore
import Testing

@testable import SentinelCompile

/// histogram_quantile is only meaningful over one histogram's `_bucket` series per group.
struct HistogramSelectionTests {
    static func warnings(on kind: String = "metric", where filter: String?, groupBy: String = "[labels.model_name]") -> [Diagnostic] {
        let rules = """
            lists:
              ttft_buckets: ["vllm:time_to_first_token_seconds_bucket"]
              both: ["vllm:time_to_first_token_seconds_bucket", "vllm:e2e_request_latency_seconds_bucket"]
            rules:
              - name: P99
                on: \(kind)
            \(filter.map { "    where: '\($0)'" } ?? "")
                group_by: \(groupBy)
                every: 1m
                when: histogram_quantile(0.99, 5m) > 1
            """
        let (_, diagnostics) = CompileFixture.compile(rules)
        let others = diagnostics.filter { ![.histogramSelection, .badArguments, .unusedList, .unusedAction].contains($0.code) }
        #expect(others.isEmpty, "\(others)")
        return diagnostics.filter { [.histogramSelection, .badArguments].contains($0.code) }
    }

    @Test(arguments: [
        #"name == "vllm:time_to_first_token_seconds_bucket""#,
        #""vllm:time_to_first_token_seconds_bucket" == name and labels.model_name != "canary""#,
        "name in ttft_buckets",
        #"name in ["a_bucket"]"#,
        #"name endswith "_bucket" and name startswith "vllm:time_to_first""#,
        #"name matches "^vllm:time_to_first_token_seconds_bucket$""#,
    ])
    func oneHistogramsBucketsAreClean(filter: String) {
        #expect(Self.warnings(where: filter).isEmpty)
    }

    /// Without `every:` a histogram function is read at each bucket sample, part way through a scrape: warned at
    /// the rule's name (all observations under 1 s read a p90 of 8.2 s).
    @Test func aHistogramFunctionReadAtEachSampleIsWarned() {
        let (_, diagnostics) = CompileFixture.compile(
            """
            rules:
              - name: P90
                on: metric
                where: name == "vllm:e2e_request_latency_seconds_bucket"
                group_by: [labels.model_name]
                when: histogram_quantile(0.9, 5m) > 1
            """)
        let warned = diagnostics.filter { $0.code == .histogramSelection }
        #expect(warned.count == 1)
        #expect(warned.first?.message.contains("part way through a scrape") == true)
        #expect(warned.first?.range?.start.line == 2)
    }

    @Test func aNameWithoutBucketsIsNamedWithItsBucketSeries() throws {
        let found = Self.warnings(where: #"name == "vllm:time_to_first_token_seconds" and labels.model_name != "x""#)
        let warning = try #require(found.first)
        #expect(found.count == 1)
        #expect(warning.severity == .warning)
        #expect(warning.message.contains("'vllm:time_to_first_token_seconds', which has none; its buckets are 'vllm:time_to_first_token_seconds_bucket'"))
        #expect(warning.range?.start.line == 7)
    }

    @Test func severalHistogramsNeedNameInTheGroup() {
        #expect(Self.warnings(where: "name in both").map(\.message).first?.contains("selects 2 histograms") == true)
        #expect(
            Self.warnings(
                where: #"name == "a_bucket" or name == "b_bucket""#
            ).map(\.message).first?.contains("selects 2 histograms") == true)
        #expect(Self.warnings(where: "name in both", groupBy: "[name, labels.model_name]").isEmpty)
    }

    @Test func noSelectionWarnsAtTheRuleKind() throws {
        let found = Self.warnings(where: nil)
        let warning = try #require(found.first)
        #expect(warning.message.contains(#"write where: name == "<histogram>_bucket""#))
        #expect(warning.range?.start.line == 6)
        #expect(Self.warnings(where: #"labels.model_name == "m""#).count == 1)
        #expect(Self.warnings(where: nil, groupBy: "[name, labels.model_name]").isEmpty)
        #expect(Self.warnings(where: #"name endswith "_seconds""#).first?.message.contains("ending '_seconds'") == true)
    }

    @Test func histogramCountIsCheckedAlike() throws {
        let rules = """
            rules:
              - {name: N, on: metric, where: 'name == "vllm:time_to_first_token_seconds"', every: 1m, when: histogram_count(5m) > 10}
              - {name: C, on: completion, when: histogram_count(5m) > 10}
            """
        let (_, diagnostics) = CompileFixture.compile(rules)
        let found = diagnostics.filter { [.histogramSelection, .badArguments].contains($0.code) }
        #expect(found.map(\.code) == [.histogramSelection, .badArguments])
        #expect(found.first?.message.hasPrefix("histogram_count reads a histogram's '_bucket' series") == true)
        #expect(found.last?.message.contains("over a field, write count(w)") == true)
    }

    /// In a rule over metrics and completions, completions bring no buckets: selecting them beside one histogram
    /// still selects one histogram.
    @Test func kindsWithoutBucketsAddNoHistogram() {
        let rules = """
            rules:
              - name: P
                on: [metric, completion]
                where: 'name == "lat_bucket" or kind == "completion"'
                group_by: [model]
                every: 1m
                when: histogram_count(5m) > 10 and count(5m) > 10
            """
        let (_, diagnostics) = CompileFixture.compile(rules)
        #expect(diagnostics.filter { $0.code == .histogramSelection }.isEmpty, "\(diagnostics)")
        let loose = rules.replacingOccurrences(of: #"kind == "completion""#, with: #"kind == "metric""#)
        #expect(CompileFixture.compile(loose).1.contains { $0.code == .histogramSelection })
    }

    @Test func completionsHaveNoBuckets() throws {
        let found = Self.warnings(on: "completion", where: nil, groupBy: "[model]")
        #expect(found.map(\.code) == [.badArguments])
        #expect(found.first?.message.contains("over a field, write quantile(q, x, w)") == true)
        // A free-form kind may carry Prometheus-style samples.
        #expect(Self.warnings(on: "exported_metric", where: #"name == "h_bucket""#, groupBy: "[model]").isEmpty)
    }
}
