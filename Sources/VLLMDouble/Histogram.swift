/// A Prometheus histogram's state: counts per bucket (not cumulative) plus one past the last bound, and the sum.
struct Histogram {
    let bounds: [Double]
    private(set) var counts: [UInt64]
    private(set) var sum = 0.0

    init(bounds: [Double]) {
        self.bounds = bounds
        counts = Array(repeating: 0, count: bounds.count + 1)
    }

    /// Counts `value` in the first bucket whose bound is at least `value` (`le` is inclusive).
    mutating func observe(_ value: Double) {
        var low = 0
        var high = bounds.count
        while low < high {
            let middle = (low + high) / 2
            if bounds[middle] < value { low = middle + 1 } else { high = middle }
        }
        counts[low] += 1
        sum += value
    }

    /// vLLM's `build_1_2_5_buckets(max_value)`: 1, 2, 5, 10, 20, 50, … up to `maxValue`.
    static func oneTwoFiveBounds(upTo maxValue: Int) -> [Double] {
        var bounds: [Double] = []
        var exponent = 1
        while true {
            for mantissa in [1, 2, 5] {
                let value = mantissa * exponent
                guard value <= maxValue else { return bounds }
                bounds.append(Double(value))
            }
            exponent *= 10
        }
    }

    /// `vllm:time_to_first_token_seconds` (22 bounds; no 2.0).
    static let timeToFirstTokenBounds: [Double] = [
        0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0,
        160.0, 640.0, 2560.0,
    ]

    /// Inter-token latency and time per output token (19 bounds).
    static let tokenLatencyBounds: [Double] = [
        0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0,
    ]

    /// End-to-end, queue, inference, prefill and decode times (21 bounds).
    static let requestLatencyBounds: [Double] = [
        0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0, 480.0, 960.0,
        1920.0, 7680.0,
    ]

    /// `vllm:iteration_tokens_total`.
    static let iterationTokenBounds: [Double] = [1, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384]

    /// `vllm:request_params_n`.
    static let parameterNBounds: [Double] = [1, 2, 5, 10, 20]
}
