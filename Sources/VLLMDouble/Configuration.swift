public import Logging

extension VLLMDouble {
    /// What the double answers chat requests as.
    public enum Role: String, Sendable, CaseIterable {
        /// A chat model: refuses harmful prompts, complies when they carry jailbreak markers, else answers benignly.
        case frontier
        /// A guard model: answers chat requests with a verdict in ``Configuration/guardFormat``.
        case `guard`
    }

    /// How a guard-role double phrases its verdicts.
    public enum GuardFormat: String, Sendable, CaseIterable {
        /// Qwen3Guard-Gen: `Safety: …\nCategories: …` (+ `\nRefusal: …` for response moderation).
        case qwen3guard
        /// Llama Guard 3: `safe`, or `unsafe\nS1,S10`.
        case llamaguard
        /// OpenAI moderation: verdicts only at `POST /v1/moderations`; chat requests get a 404.
        case openai
    }

    /// The JSON shape of error bodies.
    public enum ErrorShape: String, Sendable, CaseIterable {
        /// `{"error":{"message","type","param","code"}}`, vLLM ≥ 0.11.
        case current
        /// `{"object":"error","message","type","param","code"}`, vLLM ≤ 0.10.
        case legacy
    }

    /// Which vLLM release the `/metrics` names, `/version` and response fields imitate.
    public enum MetricNaming: String, Sendable, CaseIterable {
        /// vLLM 0.11: `vllm:kv_cache_usage_perc`, `vllm:inter_token_latency_seconds`, `vllm:prefix_cache_*`,
        /// finished reasons `stop,length,abort,error`, `message.reasoning`.
        case current
        /// vLLM 0.8 (early V1): `vllm:gpu_cache_usage_perc`, `vllm:time_per_output_token_seconds`,
        /// `vllm:gpu_prefix_cache_*`, finished reasons `stop,length,abort`, `message.reasoning_content`.
        case legacy

        /// What `GET /version` reports.
        public var version: String {
            switch self {
            case .current: "0.11.0"
            case .legacy: "0.8.5"
            }
        }
    }

    /// Everything a double is started with. Plain values: build one, change fields, hand it to ``VLLMDouble/init(_:)``.
    ///
    /// ```swift
    /// var configuration = VLLMDouble.Configuration(role: .guard, guardFormat: .llamaguard)
    /// configuration.interTokenDelay = .milliseconds(5)
    /// configuration.faults = [try VLLMDouble.FaultRule(parsing: "status=503,every=10")]
    /// ```
    public struct Configuration: Sendable {
        /// What chat requests are answered as.
        public var role: Role
        /// How guard verdicts are phrased (only read in the guard role).
        public var guardFormat: GuardFormat
        /// `--served-model-name`: the `model` in responses, the `model_name` label, the only `model` accepted.
        public var servedModelName: String
        /// Delay before the first token (the role chunk and the first content chunk travel together after it).
        public var firstTokenDelay: Duration
        /// Delay between consecutive tokens.
        public var interTokenDelay: Duration
        /// Faults injected by request number; the first rule whose schedule matches wins. A request's
        /// `X-Double-Fault` header overrides these.
        public var faults: [FaultRule]
        /// The vLLM release the metric names, `/version` and response fields imitate.
        public var metricNaming: MetricNaming
        /// The shape of error bodies unless a fault names another.
        public var errorShape: ErrorShape
        /// `--max-model-len`: bounds prompt plus completion and sets the token-count histogram buckets.
        public var maxModelLength: Int
        /// KV-cache capacity in tokens; in-flight prompt and answer tokens over it give `kv_cache_usage_perc`.
        public var kvCacheCapacityTokens: Int
        /// Seeds response ids, so two runs with the same requests give the same ids.
        public var seed: UInt64
        /// Log level of the HTTP server underneath.
        public var logLevel: Logger.Level

        /// A configuration with vLLM's defaults and no delays or faults.
        public init(
            role: Role = .frontier,
            guardFormat: GuardFormat = .qwen3guard,
            servedModelName: String? = nil,
            firstTokenDelay: Duration = .zero,
            interTokenDelay: Duration = .zero,
            faults: [FaultRule] = [],
            metricNaming: MetricNaming = .current,
            errorShape: ErrorShape = .current,
            maxModelLength: Int = 4096,
            kvCacheCapacityTokens: Int = 65_536,
            seed: UInt64 = 0,
            logLevel: Logger.Level = .warning
        ) {
            self.role = role
            self.guardFormat = guardFormat
            self.servedModelName = servedModelName ?? Self.defaultModelName(role: role, guardFormat: guardFormat)
            self.firstTokenDelay = firstTokenDelay
            self.interTokenDelay = interTokenDelay
            self.faults = faults
            self.metricNaming = metricNaming
            self.errorShape = errorShape
            self.maxModelLength = maxModelLength
            self.kvCacheCapacityTokens = kvCacheCapacityTokens
            self.seed = seed
            self.logLevel = logLevel
        }

        /// The model a real deployment of this role would serve (SentineLLM's frontier and guard).
        public static func defaultModelName(role: Role, guardFormat: GuardFormat) -> String {
            switch (role, guardFormat) {
            case (.frontier, _): "allenai/OLMo-2-0425-1B-Instruct"
            case (.guard, .qwen3guard): "Qwen/Qwen3Guard-Gen-0.6B"
            case (.guard, .llamaguard): "meta-llama/Llama-Guard-3-1B"
            case (.guard, .openai): "omni-moderation-latest"
            }
        }
    }
}
