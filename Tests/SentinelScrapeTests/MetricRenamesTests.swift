import SentinelScrape
import Testing

@Suite struct MetricRenamesTests {
    @Test(arguments: [
        ("vllm:gpu_cache_usage_perc", "vllm:kv_cache_usage_perc"),
        ("vllm:gpu_prefix_cache_queries_total", "vllm:prefix_cache_queries_total"),
        ("vllm:gpu_prefix_cache_hits_total", "vllm:prefix_cache_hits_total"),
        ("vllm:gpu_prefix_cache_hits_created", "vllm:prefix_cache_hits_created"),
        ("vllm:time_per_output_token_seconds", "vllm:inter_token_latency_seconds"),
        ("vllm:time_per_output_token_seconds_bucket", "vllm:inter_token_latency_seconds_bucket"),
        ("vllm:time_per_output_token_seconds_sum", "vllm:inter_token_latency_seconds_sum"),
        ("vllm:time_per_output_token_seconds_count", "vllm:inter_token_latency_seconds_count"),
    ])
    func vllmDeprecatedNamesBecomeCurrentOnes(deprecated: String, current: String) {
        #expect(MetricRenames.vllm.canonicalName(deprecated) == current)
    }

    @Test(arguments: [
        "vllm:kv_cache_usage_perc", "vllm:inter_token_latency_seconds_bucket", "vllm:request_time_per_output_token_seconds_bucket",
        "vllm:gpu_cache_usage_perc_max", "vllm:time_per_output_token_seconds_p99", "up",
    ])
    func otherNamesStay(name: String) {
        #expect(MetricRenames.vllm.canonicalName(name) == name)
    }

    @Test func aTableIsOneLinePerFamily() {
        let renames = MetricRenames(["old_requests": "requests"])
        #expect(renames.families.count == 1)
        #expect(renames.canonicalName("old_requests_total") == "requests_total")
        #expect(MetricRenames.vllm.families.map(\.current) == [
            "vllm:kv_cache_usage_perc", "vllm:prefix_cache_queries", "vllm:prefix_cache_hits",
            "vllm:inter_token_latency_seconds",
        ])
    }
}
