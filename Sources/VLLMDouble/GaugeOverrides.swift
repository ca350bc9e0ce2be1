extension VLLMDouble {
    /// Gauge values that replace what the served requests give, to drive saturation rules (a queue, a full KV
    /// cache) without the load. nil leaves a gauge to the requests: running = requests in flight, waiting = 0,
    /// KV-cache usage = their prompt and answer tokens over ``Configuration/kvCacheCapacityTokens``.
    public struct GaugeOverrides: Sendable, Hashable {
        /// `vllm:num_requests_running`.
        public var running: Int?
        /// `vllm:num_requests_waiting`.
        public var waiting: Int?
        /// `vllm:kv_cache_usage_perc` (or `vllm:gpu_cache_usage_perc`), a fraction from 0 to 1.
        public var kvCacheUsage: Double?

        /// Overrides for the gauges given; the others follow the requests.
        public init(running: Int? = nil, waiting: Int? = nil, kvCacheUsage: Double? = nil) {
            self.running = running
            self.waiting = waiting
            self.kvCacheUsage = kvCacheUsage
        }
    }
}
