import Synchronization

/// The simulator's counters and histograms behind one lock: written by every exchange, read by `/metrics`.
final class StatisticsRecorder: Sendable {
    private struct State {
        var statistics = SimulatorStatistics()
        var start: ContinuousClock.Instant?
        var lastArrival: ContinuousClock.Instant?
        var lag = LatencyHistogram()
        var latency = LatencyHistogram()
        var timeToFirstToken = LatencyHistogram()
        /// Shed events not yet handed to the sink (the scheduler never waits for the sink).
        var pendingShed: [String] = []
    }

    private let state = Mutex(State())

    func begin(at start: ContinuousClock.Instant) {
        state.withLock { if $0.start == nil { $0.start = start } }
    }

    /// Counts an arrival; admits it (and counts it in flight) unless `cap` exchanges are in flight already.
    /// Returns the arrival's 1-based number, or nil when it was shed (its event is queued as `shedLine`).
    func arrive(at now: ContinuousClock.Instant, lag: Duration, cap: Int, shedLine: (Int) -> String) -> Int? {
        state.withLock { s in
            s.lastArrival = now
            s.statistics.scheduled += 1
            let number = s.statistics.scheduled
            s.lag.record(lag)
            guard s.statistics.inFlight < cap else {
                s.statistics.shed += 1
                s.pendingShed.append(shedLine(number))
                return nil
            }
            s.statistics.started += 1
            s.statistics.inFlight += 1
            return number
        }
    }

    /// Counts the end of an exchange.
    func finish(
        completed: Bool, blocked: Bool, cancelled: Bool, errors: [SimulatorStatistics.ErrorKey],
        latency: Duration?, timeToFirstToken: Duration?
    ) {
        state.withLock { s in
            s.statistics.inFlight -= 1
            if completed { s.statistics.completed += 1 }
            if blocked { s.statistics.blocked += 1 }
            if cancelled { s.statistics.cancelled += 1 }
            for key in errors { s.statistics.errors[key, default: 0] += 1 }
            if let latency { s.latency.record(latency) }
            if let timeToFirstToken { s.timeToFirstToken.record(timeToFirstToken) }
        }
    }

    /// Shed events not handed to the sink yet; the next exchange to finish sends them with its own.
    func takeShed() -> [String] {
        state.withLock { s in
            defer { s.pendingShed.removeAll() }
            return s.pendingShed
        }
    }

    var snapshot: SimulatorStatistics {
        let now = ContinuousClock.now
        return state.withLock { s in
            var out = s.statistics
            if let start = s.start {
                out.elapsed = now - start
                out.arrivalSpan = (s.lastArrival ?? start) - start
            }
            out.scheduleLag = Self.quantiles(s.lag)
            out.latency = Self.quantiles(s.latency)
            out.timeToFirstToken = Self.quantiles(s.timeToFirstToken)
            return out
        }
    }

    private static func quantiles(_ h: LatencyHistogram) -> SimulatorStatistics.Quantiles {
        SimulatorStatistics.Quantiles(
            count: h.count, p50: h.quantile(0.5), p99: h.quantile(0.99), max: h.count > 0 ? h.maximum : nil)
    }
}
