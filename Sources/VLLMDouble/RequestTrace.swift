/// When one request's tokens came out, measured, for the latency histograms of `/metrics`.
struct RequestTrace {
    let arrival: ContinuousClock.Instant
    private var firstToken: ContinuousClock.Instant?
    private var lastToken: ContinuousClock.Instant?
    private(set) var emitted = 0
    private var latencies: [Double] = []

    init(arrival: ContinuousClock.Instant) {
        self.arrival = arrival
    }

    /// `count` more tokens came out by `now`, spaced evenly since the previous one.
    mutating func emit(_ count: Int, at now: ContinuousClock.Instant = .now) {
        guard count > 0 else { return }
        var rest = count
        if firstToken == nil {
            firstToken = now
            lastToken = now
            rest -= 1
        }
        if rest > 0, let lastToken {
            let gap = Self.seconds(now - lastToken) / Double(rest)
            latencies.append(contentsOf: repeatElement(gap, count: rest))
        }
        lastToken = now
        emitted += count
    }

    /// The record of the request, ending now for `reason`.
    func finished(_ reason: EngineMetrics.FinishReason, promptTokens: Int, maxTokens: Int) -> EngineMetrics.Finished {
        EngineMetrics.Finished(
            promptTokens: promptTokens, generationTokens: emitted, maxTokens: maxTokens, reason: reason,
            timeToFirstToken: firstToken.map { Self.seconds($0 - arrival) }, interTokenLatencies: latencies,
            endToEnd: Self.seconds(.now - arrival))
    }

    private static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) * 1e-18
    }
}
