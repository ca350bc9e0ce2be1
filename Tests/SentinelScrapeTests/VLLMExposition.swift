import SentinelCore

/// Builds a vLLM-like `/metrics` body the way `prometheus_client` writes the 0.0.4 text format: `# HELP` and
/// `# TYPE` per family, labels `model_name` and `engine` (and `le` last on buckets), counters with `_total`, and
/// `_created` samples in families of their own typed `gauge`. Values come from a seeded generator.
struct VLLMExposition {
    /// Which names the deprecated-then-renamed metrics appear under.
    enum Names {
        case current, deprecated, both
    }

    var models: [String]
    var engines = 1
    var names = Names.current
    var seed: UInt64 = 42

    /// The body, and what a correct parse finds in it.
    struct Rendered {
        var text = ""
        var samples = 0
        var created = 0
        var families = 0
        /// Sum of every `_count` sample of `vllm:e2e_request_latency_seconds`.
        var e2eRequests = 0.0
    }

    static let tokenBuckets: [Double] = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000]
    static let latencyBuckets: [Double] = [
        0.3, 0.5, 0.8, 1, 1.5, 2, 2.5, 5, 10, 15, 20, 30, 40, 50, 60, 120, 240, 480, 960, 1920, 7680,
    ]
    static let tokenLatencyBuckets: [Double] = [
        0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80,
    ]
    static let ttftBuckets: [Double] = [
        0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80, 160, 640,
        2560,
    ]

    var histograms: [(String, [Double])] {
        var list: [(String, [Double])] = [
            ("vllm:request_prompt_tokens", Self.tokenBuckets),
            ("vllm:request_generation_tokens", Self.tokenBuckets),
            ("vllm:iteration_tokens_total", [1, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384]),
            ("vllm:request_max_num_generation_tokens", Self.tokenBuckets),
            ("vllm:request_params_n", [1, 2, 5, 10, 20]),
            ("vllm:request_params_max_tokens", Self.tokenBuckets),
            ("vllm:time_to_first_token_seconds", Self.ttftBuckets),
            ("vllm:request_time_per_output_token_seconds", Self.tokenLatencyBuckets),
            ("vllm:e2e_request_latency_seconds", Self.latencyBuckets),
            ("vllm:request_queue_time_seconds", Self.latencyBuckets),
            ("vllm:request_inference_time_seconds", Self.latencyBuckets),
            ("vllm:request_prefill_time_seconds", Self.latencyBuckets),
            ("vllm:request_decode_time_seconds", Self.latencyBuckets),
        ]
        if names != .deprecated { list.append(("vllm:inter_token_latency_seconds", Self.tokenLatencyBuckets)) }
        if names != .current { list.append(("vllm:time_per_output_token_seconds", Self.tokenLatencyBuckets)) }
        return list
    }

    var gauges: [String] {
        var list = ["vllm:num_requests_running", "vllm:num_requests_waiting"]
        if names != .deprecated { list.append("vllm:kv_cache_usage_perc") }
        if names != .current { list.append("vllm:gpu_cache_usage_perc") }
        return list
    }

    var counters: [String] {
        var list = ["vllm:num_preemptions", "vllm:prompt_tokens", "vllm:generation_tokens"]
        if names != .deprecated { list += ["vllm:prefix_cache_queries", "vllm:prefix_cache_hits"] }
        if names != .current { list += ["vllm:gpu_prefix_cache_queries", "vllm:gpu_prefix_cache_hits"] }
        return list
    }

    func render() -> Rendered {
        var out = Rendered()
        var random = SplitMix64(seed: seed)
        let series = models.flatMap { model in (0..<engines).map { "model_name=\"\(model)\",engine=\"\($0)\"" } }
        func family(_ name: String, _ type: String, _ help: String) {
            out.text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
            out.families += 1
        }
        func sample(_ name: String, _ labels: String, _ value: Double, created: Bool = false) {
            out.text += "\(name){\(labels)} \(Self.goString(value))\n"
            out.samples += 1
            if created { out.created += 1 }
        }
        func createdFamily(_ base: String) {
            family(base + "_created", "gauge", base + " creation time")
            for labels in series { sample(base + "_created", labels, 1_777_636_800.25, created: true) }
        }
        for name in gauges {
            family(name, "gauge", "Gauge \(name).")
            for labels in series { sample(name, labels, Double(random.next() % 1000) / 1000) }
        }
        for name in counters {
            family(name + "_total", "counter", "Counter \(name).")
            for labels in series { sample(name + "_total", labels, Double(random.next() % 100_000)) }
            createdFamily(name)
        }
        family("vllm:request_success_total", "counter", "Count of successfully processed requests.")
        for labels in series {
            for reason in ["stop", "length", "abort", "error", "repetition"] {
                sample("vllm:request_success_total", labels + ",finished_reason=\"\(reason)\"", Double(random.next() % 500))
            }
        }
        createdFamily("vllm:request_success")
        for (name, buckets) in histograms {
            family(name, "histogram", "Histogram of \(name).")
            for labels in series {
                var cumulative = 0.0
                for bound in buckets {
                    cumulative += Double(random.next() % 20)
                    sample(name + "_bucket", labels + ",le=\"\(Self.goString(bound))\"", cumulative)
                }
                cumulative += Double(random.next() % 5)
                sample(name + "_bucket", labels + ",le=\"+Inf\"", cumulative)
                sample(name + "_count", labels, cumulative)
                sample(name + "_sum", labels, cumulative * 0.731)
                if name == "vllm:e2e_request_latency_seconds" { out.e2eRequests += cumulative }
            }
            createdFamily(name)
        }
        return out
    }

    /// A float the way `prometheus_client` writes one (Python `repr`, infinities as `+Inf`/`-Inf`).
    static func goString(_ value: Double) -> String {
        if value == .infinity { return "+Inf" }
        if value == -.infinity { return "-Inf" }
        if value == value.rounded() && abs(value) < 1e16 { return "\(Int64(value)).0" }
        return "\(value)"
    }
}
