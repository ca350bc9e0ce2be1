import Foundation
@testable import SentinelEvaluate
import Testing

/// Counter, histogram and drift functions against values worked out by hand with PromQL's formulas.
@Suite struct MetricFunctionTests {
    func valueAfter(_ rule: String, events: [(Double, String)], at end: Double) throws -> Double? {
        let f = try EngineFixture(rule)
        for (t, json) in events { try f.send(at: t, json) }
        f.engine.advance(to: Int64(end * 1000))
        return f.engine.activeAlerts().first?.value
    }

    static func counter(_ values: [Double]) -> [(Double, String)] {
        values.enumerated().map { i, v in
            (Double(i) * 15, #"{"kind":"metric","name":"vllm:generation_tokens_total","labels":{"model_name":"m","engine":"0"},"value":\#(v)}"#)
        }
    }

    static let counterRule = """
        rules:
          - name: Tokens
            on: metric
            where: name == "vllm:generation_tokens_total"
            group_by: [{field: labels.model_name, as: model}]
            when: increase(value, 1m) > 0
            value: increase(value, 1m)
        """

    @Test func increaseExtrapolatesLikePromQL() throws {
        // Window (0, 60]: samples 10..40 at 15..60 s; 30 over 45 s, extrapolated by 15 s to the window start.
        let v = try valueAfter(Self.counterRule, events: Self.counter([0, 10, 20, 30, 40]), at: 60)
        #expect(abs(try #require(v) - 40) < 1e-9)
    }

    /// A `+Inf` sample before a drop is a reset correction of +Inf while it is in the window; once it has left,
    /// the increase is the finite samples' again (it stayed NaN for as long as the series had samples).
    @Test func increaseRecoversOnceAnInfiniteSampleHasLeft() throws {
        let events = [1.0, .infinity, 3, 5, 7, 9, 11].enumerated().map { i, v in
            (Double(i) * 15, #"{"kind":"metric","name":"vllm:generation_tokens_total","labels":{"model_name":"m"},"value":\#(v.isInfinite ? "\"+Inf\"" : "\(v)")}"#)
        }
        let f = try EngineFixture(Self.counterRule)
        var values: [Double?] = []
        for (t, json) in events {
            try f.send(at: t, json)
            values.append(f.engine.activeAlerts().first?.value)
        }
        // +Inf while the +Inf sample leads a drop in the window (15-45 s); at 60 s it is the first sample, so
        // 7 − ∞ + ∞ is NaN, as in PromQL. At 90 s the window (30, 90] holds 5, 7, 9, 11 at 45..90 s: 6 over 45 s,
        // extrapolated by 15 s to the window start, 8.
        #expect(values[1] == .infinity && values[3] == .infinity)
        #expect(abs(try #require(values[6]) - 8) < 1e-9, "\(values)")
        #expect(f.matches("Tokens") == 5)
    }

    /// Series are summed in the order of their identities, not a dictionary's, which changes from one process to
    /// the next and with it the last bits of the sum (a threshold was crossed in some runs and not others). The
    /// order is kept as series come and leave.
    @Test func seriesAreSummedInTheOrderOfTheirIdentities() throws {
        var window = CounterWindow()
        let ids: [UInt64] = [9, 3, 7, 1, 12, 5, 2]
        for (i, id) in ids.enumerated() {
            for t in 0..<3 {
                _ = window.record(
                    series: id, upperBound: .nan, time: Int64(i * 10_000 + t * 1_000), value: Double(t) * (0.1 + Double(i) * 0.37),
                    windowMilliseconds: 30_000, maxSamples: 1_000)
            }
        }
        var visited: [Double] = []
        window.forEachSeries { visited.append($0.ring.newestValue) }
        #expect(visited == ids.sorted().map { id in 2 * (0.1 + Double(ids.firstIndex(of: id)!) * 0.37) })
        #expect(window.order == ids.sorted())
        // Evicting through 22 s empties the series sampled at 0-22 s: 9, 3 and 7.
        window.evict(through: 22_000)
        #expect(window.order == [1, 2, 5, 12])
        _ = window.record(series: 4, upperBound: .nan, time: 53_000, value: 1, windowMilliseconds: 30_000, maxSamples: 1_000)
        #expect(window.order == [1, 2, 4, 5, 12])
    }

    @Test func labelOrderDoesNotSplitASeries() throws {
        let events = [0.0, 10, 20, 30, 40].enumerated().map { i, v in
            let labels = i % 2 == 0 ? #"{"model_name":"m","engine":"0"}"# : #"{"engine":"0","model_name":"m"}"#
            return (Double(i) * 15, #"{"kind":"metric","name":"vllm:generation_tokens_total","labels":\#(labels),"value":\#(v)}"#)
        }
        let v = try valueAfter(Self.counterRule, events: events, at: 60)
        #expect(abs(try #require(v) - 40) < 1e-9)
    }

    @Test func anEmptyOrNullLabelIsAnAbsentOneInASeries() throws {
        // `"engine":""` and `"engine":null` on every other sample: still one series (Prometheus' data model), so the
        // increase is 40 as for one clean series, not two series of two samples each extrapolated on their own.
        for empty in [#""""#, "null"] {
            let events = [0.0, 10, 20, 30, 40].enumerated().map { i, v in
                let labels = i % 2 == 0 ? #"{"model_name":"m"}"# : #"{"model_name":"m","engine":\#(empty)}"#
                return (Double(i) * 15, #"{"kind":"metric","name":"vllm:generation_tokens_total","labels":\#(labels),"value":\#(v)}"#)
            }
            let v = try valueAfter(Self.counterRule, events: events, at: 60)
            #expect(abs(try #require(v) - 40) < 1e-9, "\(empty)")
        }
    }

    @Test func theExtrapolationThresholdIsDecidedOnWholeMilliseconds() throws {
        // Samples 0 and 10 four seconds apart, read 4.4 s after the second: the gap to the window end is exactly
        // 1.1 average intervals, so (as in Prometheus, which subtracts millisecond times) extrapolation stops half
        // an interval past the last sample: 10 · (4 + 0 + 2) / 4 = 15. Differences of times in seconds made the
        // gap 4.39999996 s and extrapolated to the window end (21).
        let rule = """
            rules:
              - name: Increase
                on: [metric, probe]
                group_by: [{field: labels.model_name, as: model}]
                when: kind == "probe"
                value: increase(value, 1m)
            """
        let f = try EngineFixture(rule)
        let metric = #""kind":"metric","name":"vllm:generation_tokens_total","labels":{"model_name":"m"}"#
        for (ts, rest) in [("12:10:55.164", metric + #","value":0"#), ("12:10:59.164", metric + #","value":10"#),
                           ("12:11:03.564", #""kind":"probe","labels":{"model_name":"m"}"#)] {
            var line = Array(#"{"ts":"2026-05-01T\#(ts)Z",\#(rest)}"#.utf8)
            try line.withUnsafeMutableBytes { try f.engine.ingest(UnsafeRawBufferPointer($0)) }
        }
        f.engine.advance(to: 1_777_637_463_564)  // 2026-05-01T12:11:03.564Z
        let v = f.engine.activeAlerts().first?.value
        #expect(abs(try #require(v) - 15) < 1e-9)
    }

    @Test func increaseCorrectsCounterResets() throws {
        // 10, 20, then a restart to 5, 15: increase 25 over 45 s, extrapolated to 60 s.
        let v = try valueAfter(Self.counterRule, events: Self.counter([0, 10, 20, 5, 15]), at: 60)
        #expect(abs(try #require(v) - 100.0 / 3) < 1e-9)
    }

    @Test func rateIsIncreasePerSecondAndSumsSeries() throws {
        var events = Self.counter([0, 10, 20, 30, 40])
        // A second engine of the same model: same series name, different labels, its own counter.
        events += [0.0, 10, 20, 30, 40].enumerated().map { i, v in
            (Double(i) * 15 + 1, #"{"kind":"metric","name":"vllm:generation_tokens_total","labels":{"engine":"1","model_name":"m"},"value":\#(v * 2)}"#)
        }
        let rule = Self.counterRule.replacingOccurrences(of: "increase(value, 1m)", with: "rate(value, 1m)")
        let v = try valueAfter(rule, events: events.sorted { $0.0 < $1.0 }, at: 61)
        #expect(try #require(v) > 1.9 && v! < 2.1)
    }

    @Test func histogramQuantileInterpolatesWithinTheBucket() throws {
        let bounds = ["0.1", "0.5", "1", "+Inf"]
        let counts = [10.0, 40, 45, 50]
        var events: [(Double, String)] = []
        for (t, scale) in [(0.0, 0.0), (30.0, 1.0)] {
            for (le, count) in zip(bounds, counts) {
                events.append(
                    (t, #"{"kind":"metric","name":"vllm:time_to_first_token_seconds_bucket","labels":{"le":"\#(le)","model_name":"m"},"value":\#(count * scale)}"#))
            }
        }
        let rule = """
            rules:
              - name: TTFT
                on: metric
                where: name == "vllm:time_to_first_token_seconds_bucket"
                group_by: [labels.model_name]
                every: 30s
                when: histogram_quantile(0.5, 1m) > 0
            """
        // rank 25 falls in (0.1, 0.5] holding 30 observations, 15 of them below the rank: 0.1 + 0.4 · 15/30.
        let v = try valueAfter(rule, events: events, at: 30)
        #expect(abs(try #require(v) - 0.3) < 1e-9)
    }

    /// Series summed in another order per bucket differ in the last bit: as PromQL, counts within a relative
    /// 1e-12 are one count, so q = 1 of observations all in the first bucket is its bound, not the empty next one.
    @Test func bucketCountsDifferingInTheLastBitAreOne() {
        let sum = 0.1 + 0.2  // 0.30000000000000004, one ulp over 0.3
        #expect(BucketQuantile.compute(1, buckets: [(1, 0.3), (2, sum), (.infinity, sum)]) == 1)
        #expect(BucketQuantile.compute(1, buckets: [(1, 0.3), (2, 0.3000001), (.infinity, 0.3000001)]) == 2)
        #expect(BucketQuantile.almostEqual(1e-310, 0) == false)
        #expect(BucketQuantile.almostEqual(1, 1 + 1e-13))
    }

    @Test func histogramCountIsTheIncreaseOfTheInfBuckets() throws {
        var events: [(Double, String)] = []
        // Two engines' series of one histogram; the +Inf buckets grow by 50 and 20, the finite ones are not counted.
        for (t, scale) in [(0.0, 0.0), (30.0, 1.0)] {
            for (engine, total) in [("0", 50.0), ("1", 20.0)] {
                for (le, share) in [("0.5", 0.4), ("+Inf", 1.0)] {
                    events.append(
                        (t, #"{"kind":"metric","name":"vllm:time_to_first_token_seconds_bucket","labels":{"le":"\#(le)","model_name":"m","engine":"\#(engine)"},"value":\#(total * share * scale)}"#))
                }
            }
        }
        let rule = """
            rules:
              - name: TTFTCount
                on: metric
                where: name == "vllm:time_to_first_token_seconds_bucket"
                group_by: [labels.model_name]
                every: 30s
                when: histogram_count(1m) >= 70
            """
        // Both counters start at 0, so PromQL's extrapolation stops at their zero point: exactly 50 + 20.
        #expect(try valueAfter(rule, events: events, at: 30) == 70)
        let unmet = rule.replacingOccurrences(of: ">= 70", with: "> 70")
        #expect(try valueAfter(unmet, events: events, at: 30) == nil)
    }

    @Test func psiComparesTheCurrentWindowWithTheBaselineBeforeIt() throws {
        var events: [(Double, String)] = []
        for i in 0..<100 { events.append((1 + Double(i) * 5, #"{"kind":"feedback","category":"\#(i % 2 == 0 ? "A" : "B")"}"#)) }
        for i in 0..<100 { events.append((601 + Double(i) * 2.9, #"{"kind":"feedback","category":"\#(i % 10 == 0 ? "B" : "A")"}"#)) }
        let rule = """
            rules:
              - {name: Drift, on: feedback, every: 300s, when: "psi(category, 5m, 10m) > 0.1"}
            """
        let v = try valueAfter(rule, events: events, at: 900)
        // Laplace-smoothed proportions: (count + 0.5) / (total + 0.5 · 2 categories).
        let (cA, cB, b) = (90.5 / 101, 10.5 / 101, 0.5)
        let expected = (cA - b) * log(cA / b) + (cB - b) * log(cB / b)
        #expect(abs(try #require(v) - expected) < 1e-9)
    }
}
