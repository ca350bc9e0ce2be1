import Foundation
import Synchronization

/// The engine's Prometheus metrics, fed by the requests the double serves and written as vLLM's `/metrics`.
///
/// One lock around plain counters: a request touches it when it starts and when it finishes, and a scrape once.
final class EngineMetrics: Sendable {
    /// Why a request ended: vLLM's `FinishReason` strings.
    enum FinishReason: String, CaseIterable {
        case stop, length, abort, error
    }

    /// What one request did, recorded when it ends.
    struct Finished {
        let promptTokens: Int
        let generationTokens: Int
        /// `max_tokens` as requested, or what vLLM defaults it to (the rest of the context).
        let maxTokens: Int
        let reason: FinishReason
        /// Seconds from arrival to the first token; nil when none was produced.
        let timeToFirstToken: Double?
        /// Seconds between consecutive tokens.
        let interTokenLatencies: [Double]
        /// Seconds from arrival to the end.
        let endToEnd: Double
    }

    private struct State {
        var running = 0
        var inFlightTokens = 0
        var overrides = VLLMDouble.GaugeOverrides()
        var preemptions = 0.0
        var promptTokens = 0.0
        var generationTokens = 0.0
        var finished: [FinishReason: Double] = [:]
        var promptTokensPerRequest: Histogram
        var generationTokensPerRequest: Histogram
        var iterationTokens = Histogram(bounds: Histogram.iterationTokenBounds)
        var maxGenerationTokens: Histogram
        var parameterN = Histogram(bounds: Histogram.parameterNBounds)
        var parameterMaxTokens: Histogram
        var timeToFirstToken = Histogram(bounds: Histogram.timeToFirstTokenBounds)
        var interTokenLatency = Histogram(bounds: Histogram.tokenLatencyBounds)
        var timePerOutputToken = Histogram(bounds: Histogram.tokenLatencyBounds)
        var endToEnd = Histogram(bounds: Histogram.requestLatencyBounds)
        var queueTime = Histogram(bounds: Histogram.requestLatencyBounds)
        var inferenceTime = Histogram(bounds: Histogram.requestLatencyBounds)
        var prefillTime = Histogram(bounds: Histogram.requestLatencyBounds)
        var decodeTime = Histogram(bounds: Histogram.requestLatencyBounds)

        init(maxModelLength: Int) {
            let tokenBounds = Histogram.oneTwoFiveBounds(upTo: maxModelLength)
            promptTokensPerRequest = Histogram(bounds: tokenBounds)
            generationTokensPerRequest = Histogram(bounds: tokenBounds)
            maxGenerationTokens = Histogram(bounds: tokenBounds)
            parameterMaxTokens = Histogram(bounds: tokenBounds)
        }
    }

    private let state: Mutex<State>
    private let naming: VLLMDouble.MetricNaming
    private let modelName: String
    private let kvCacheCapacityTokens: Int
    private let created: Double

    init(configuration: VLLMDouble.Configuration) {
        state = Mutex(State(maxModelLength: configuration.maxModelLength))
        naming = configuration.metricNaming
        modelName = configuration.servedModelName
        kvCacheCapacityTokens = max(configuration.kvCacheCapacityTokens, 1)
        created = Date().timeIntervalSince1970
    }

    /// A request entered the engine holding `tokens` KV-cache tokens (its prompt and its answer).
    func started(tokens: Int) {
        state.withLock { state in
            state.running += 1
            state.inFlightTokens += tokens
        }
    }

    /// A request that ``started(tokens:)`` with `tokens` left the engine.
    func finished(_ request: Finished, tokens: Int) {
        state.withLock { state in
            state.running -= 1
            state.inFlightTokens -= tokens
            state.promptTokens += Double(request.promptTokens)
            state.generationTokens += Double(request.generationTokens)
            // vLLM before 0.10 had no `error` reason: a failed request counted as aborted.
            let reason = naming == .legacy && request.reason == .error ? .abort : request.reason
            state.finished[reason, default: 0] += 1
            state.promptTokensPerRequest.observe(Double(request.promptTokens))
            state.generationTokensPerRequest.observe(Double(request.generationTokens))
            state.maxGenerationTokens.observe(Double(request.maxTokens))
            state.parameterN.observe(1)
            state.parameterMaxTokens.observe(Double(request.maxTokens))
            state.endToEnd.observe(request.endToEnd)
            state.queueTime.observe(0)
            state.inferenceTime.observe(request.endToEnd)
            guard let firstToken = request.timeToFirstToken else { return }
            // Prefill is one engine step producing the first token; each later token is a decode step.
            state.iterationTokens.observe(Double(request.promptTokens + 1))
            state.timeToFirstToken.observe(firstToken)
            state.prefillTime.observe(firstToken)
            let decode = request.endToEnd - firstToken
            state.decodeTime.observe(decode)
            for latency in request.interTokenLatencies {
                state.iterationTokens.observe(1)
                state.interTokenLatency.observe(latency)
            }
            if request.generationTokens > 1 {
                state.timePerOutputToken.observe(decode / Double(request.generationTokens - 1))
            }
        }
    }

    func setOverrides(_ overrides: VLLMDouble.GaugeOverrides) {
        state.withLock { $0.overrides = overrides }
    }

    func addPreemptions(_ count: Int) {
        state.withLock { $0.preemptions += Double(count) }
    }

    /// The `/metrics` body.
    func exposition() -> String {
        let state = state.withLock { $0 }
        var out = PrometheusText(modelName: modelName, engine: "0", created: created)
        out.foreign(
            "python_gc_objects_collected_total", help: "Objects collected during gc", type: "counter",
            samples: [("generation=\"0\"", 1523.0), ("generation=\"1\"", 412.0), ("generation=\"2\"", 27.0)])
        out.foreign(
            "python_info", help: "Python platform information", type: "gauge",
            samples: [
                ("implementation=\"CPython\",major=\"3\",minor=\"12\",patchlevel=\"3\",version=\"3.12.3\"", 1.0)
            ])
        let legacy = naming == .legacy
        out.gauge(
            "vllm:num_requests_running", help: "Number of requests in model execution batches.",
            Double(state.overrides.running ?? state.running))
        out.gauge(
            "vllm:num_requests_waiting", help: "Number of requests waiting to be processed.",
            Double(state.overrides.waiting ?? 0))
        let kvUsage =
            state.overrides.kvCacheUsage ?? min(1, Double(state.inFlightTokens) / Double(kvCacheCapacityTokens))
        if legacy {
            out.gauge("vllm:gpu_cache_usage_perc", help: "GPU KV-cache usage. 1 means 100 percent usage.", kvUsage)
            out.counter(
                "vllm:gpu_prefix_cache_queries",
                help: "GPU prefix cache queries, in terms of number of queried tokens.",
                state.promptTokens)
            out.counter(
                "vllm:gpu_prefix_cache_hits", help: "GPU prefix cache hits, in terms of number of cached tokens.", 0)
        } else {
            out.gauge("vllm:kv_cache_usage_perc", help: "KV-cache usage. 1 means 100 percent usage.", kvUsage)
            out.counter(
                "vllm:prefix_cache_queries", help: "Prefix cache queries, in terms of number of queried tokens.",
                state.promptTokens)
            out.counter("vllm:prefix_cache_hits", help: "Prefix cache hits, in terms of number of cached tokens.", 0)
        }
        out.counter(
            "vllm:num_preemptions", help: "Cumulative number of preemption from the engine.", state.preemptions)
        out.counter("vllm:prompt_tokens", help: "Number of prefill tokens processed.", state.promptTokens)
        out.counter("vllm:generation_tokens", help: "Number of generation tokens processed.", state.generationTokens)
        let reasons = legacy ? [FinishReason.stop, .length, .abort] : FinishReason.allCases
        out.counter(
            "vllm:request_success", help: "Count of successfully processed requests.", label: "finished_reason",
            values: reasons.map { ($0.rawValue, state.finished[$0] ?? 0) })
        out.histogram(
            "vllm:request_prompt_tokens", help: "Number of prefill tokens processed.", state.promptTokensPerRequest)
        out.histogram(
            "vllm:request_generation_tokens", help: "Number of generation tokens processed.",
            state.generationTokensPerRequest)
        out.histogram(
            "vllm:iteration_tokens_total", help: "Histogram of number of tokens per engine_step.",
            state.iterationTokens)
        out.histogram(
            "vllm:request_max_num_generation_tokens",
            help: "Histogram of maximum number of requested generation tokens.", state.maxGenerationTokens)
        out.histogram("vllm:request_params_n", help: "Histogram of the n request parameter.", state.parameterN)
        out.histogram(
            "vllm:request_params_max_tokens", help: "Histogram of the max_tokens request parameter.",
            state.parameterMaxTokens)
        out.histogram(
            "vllm:time_to_first_token_seconds", help: "Histogram of time to first token in seconds.",
            state.timeToFirstToken)
        if legacy {
            out.histogram(
                "vllm:time_per_output_token_seconds", help: "Histogram of time per output token in seconds.",
                state.interTokenLatency)
        } else {
            out.histogram(
                "vllm:inter_token_latency_seconds", help: "Histogram of inter-token latency in seconds.",
                state.interTokenLatency)
            // Deprecated in 0.11 and still served by it (hidden from 0.12 on): a scraper sees both names.
            out.histogram(
                "vllm:time_per_output_token_seconds",
                help: "Histogram of time per output token in seconds.",
                state.interTokenLatency)
            out.histogram(
                "vllm:request_time_per_output_token_seconds",
                help: "Histogram of time_per_output_token_seconds per request.", state.timePerOutputToken)
        }
        out.histogram(
            "vllm:e2e_request_latency_seconds", help: "Histogram of e2e request latency in seconds.", state.endToEnd)
        out.histogram(
            "vllm:request_queue_time_seconds", help: "Histogram of time spent in WAITING phase for request.",
            state.queueTime)
        out.histogram(
            "vllm:request_inference_time_seconds", help: "Histogram of time spent in RUNNING phase for request.",
            state.inferenceTime)
        out.histogram(
            "vllm:request_prefill_time_seconds", help: "Histogram of time spent in PREFILL phase for request.",
            state.prefillTime)
        out.histogram(
            "vllm:request_decode_time_seconds", help: "Histogram of time spent in DECODE phase for request.",
            state.decodeTime)
        return out.text
    }
}
