extension MetricRenames {
    /// vLLM's renamed metrics, deprecated name first, with the vLLM version that renamed them. One line per rename.
    public static let vllm = MetricRenames([
        "vllm:gpu_cache_usage_perc": "vllm:kv_cache_usage_perc",  // 0.9
        "vllm:gpu_prefix_cache_queries": "vllm:prefix_cache_queries",  // 0.9
        "vllm:gpu_prefix_cache_hits": "vllm:prefix_cache_hits",  // 0.9
        "vllm:time_per_output_token_seconds": "vllm:inter_token_latency_seconds",  // 0.11
    ])
}
