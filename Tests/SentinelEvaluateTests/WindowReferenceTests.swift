import Foundation
import SentinelEvaluate
import Testing

/// Window functions checked against a plain reference implementation on random traffic: for each function, the
/// number of events at which `f(...) > threshold` held must equal what the reference computes.
@Suite struct WindowReferenceTests {
    struct Event {
        var time: Double
        var model: String
        var x: Double
    }

    /// Deterministic random traffic with equal timestamps, bursts and gaps longer than the window.
    static let events: [Event] = {
        var seed: UInt64 = 7
        func next() -> UInt64 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return seed >> 33
        }
        var t = 1000.0
        return (0..<3000).map { _ in
            t += [0, 0.5, 1, 2, 5, 30, 0.25, 1][Int(next() % 8)]
            if next() % 500 == 0 { t += 200 }
            return Event(time: t, model: next() % 3 == 0 ? "b" : "a", x: Double(next() % 10_000) / 100)
        }
    }()

    static let window = 60.0

    /// The reference value of each function at each event: the window is the group's events in (t − w, t]
    /// that arrived up to and including the current one. Events in `missing` have no `latency_ms`: they count as
    /// events (and fail `latency_ms > 50`) but give no sample.
    static func reference(_ function: String, at i: Int, missing: (Int) -> Bool = { _ in false }) -> Double? {
        let e = events[i]
        var xs: [Double] = []
        var all: [Double] = []
        var j = i
        while j >= 0, events[j].time > e.time - window {
            if events[j].model == e.model {
                all.append(events[j].x)
                if !missing(j) { xs.append(events[j].x) }
            }
            j -= 1
        }
        xs.reverse()
        let n = Double(xs.count)
        let events = Double(all.count)
        let mean = xs.reduce(0, +) / n
        let sd = (xs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / n).squareRoot()
        switch function {
        case "count": return events
        case "sum": return xs.isEmpty ? nil : xs.reduce(0, +)
        case "avg": return xs.isEmpty ? nil : mean
        case "min": return xs.min()
        case "max": return xs.max()
        case "stddev": return xs.isEmpty ? nil : sd
        case "rate": return events / window
        case "ratio": return Double(xs.filter { $0 > 50 }.count) / events
        case "distinct": return Double(Set(all.map { ($0 / 10).rounded(.down) }).count)
        case "distinctWhere": return Double(Set(xs.filter { $0 > 50 }.map { ($0 / 10).rounded(.down) }).count)
        case "zscore": return sd > 0 && !missing(i) ? (e.x - mean) / sd : nil
        case "quantile":
            guard !xs.isEmpty else { return nil }
            let sorted = xs.sorted()
            let rank = 0.9 * (n - 1)
            let lo = Int(rank.rounded(.down))
            let hi = min(lo + 1, sorted.count - 1)
            return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - Double(lo))
        default: return nil
        }
    }

    static let expressions: [String: String] = [
        "count": "count(60s)", "sum": "sum(latency_ms, 60s)", "avg": "avg(latency_ms, 60s)",
        "min": "min(latency_ms, 60s)", "max": "max(latency_ms, 60s)", "stddev": "stddev(latency_ms, 60s)",
        "rate": "rate(60s)", "ratio": "ratio(latency_ms > 50, 60s)",
        "distinct": "distinct(attrs.bucket, 60s)", "distinctWhere": "distinct(attrs.bucket, latency_ms > 50, 60s)",
        "zscore": "zscore(latency_ms, 60s)",
        "quantile": "quantile(0.9, latency_ms, 60s)",
    ]

    /// A threshold between two reference values near the median, far from both, so rounding cannot flip a match.
    static func threshold(_ values: [Double]) -> Double {
        let distinct = Array(Set(values)).sorted()
        var best = distinct.count / 2
        var bestGap = 0.0
        for k in max(0, distinct.count / 3)..<max(1, min(distinct.count - 1, 2 * distinct.count / 3)) {
            let gap = distinct[k + 1] - distinct[k]
            if gap > bestGap {
                bestGap = gap
                best = k
            }
        }
        return (distinct[best] + distinct[min(best + 1, distinct.count - 1)]) / 2
    }

    @Test(arguments: [
        "count", "sum", "avg", "min", "max", "stddev", "rate", "ratio", "distinct", "distinctWhere", "zscore", "quantile",
    ])
    func matchesEqualTheReference(function: String) throws {
        let references = Self.events.indices.map { Self.reference(function, at: $0) }
        let threshold = Self.threshold(references.compactMap { $0 })
        let expected = references.filter { ($0 ?? -.infinity) > threshold }.count
        let f = try EngineFixture(
            """
            rules:
              - {name: R, on: completion, group_by: [model], when: "\(Self.expressions[function]!) > \(threshold)"}
            """)
        for e in Self.events {
            let bucket = Int((e.x / 10).rounded(.down))
            try f.send(at: e.time, #"{"kind":"completion","model":"\#(e.model)","latency_ms":\#(e.x),"attrs":{"bucket":\#(bucket)}}"#)
        }
        #expect(expected > 100 && expected < Self.events.count - 100, "threshold should split the events")
        #expect(f.matches("R") == expected)
    }

    /// Every function at once, in one engine: the sample windows of one span share a frame with a column each,
    /// and every seventh event has no `latency_ms`, so columns have holes that counts and ratios still see.
    @Test func allFunctionsSharingOneFrameMatchTheReference() throws {
        let functions = Self.expressions.keys.sorted()
        let missing: (Int) -> Bool = { $0 % 7 == 3 }
        var expected: [String: Int] = [:]
        var rules = "rules:\n"
        for function in functions {
            let references = Self.events.indices.map { Self.reference(function, at: $0, missing: missing) }
            let threshold = Self.threshold(references.compactMap { $0 })
            expected[function] = references.filter { ($0 ?? -.infinity) > threshold }.count
            rules += "  - {name: \(function), on: completion, group_by: [model], when: \"\(Self.expressions[function]!) > \(threshold)\"}\n"
        }
        let f = try EngineFixture(rules)
        for (i, e) in Self.events.enumerated() {
            let bucket = Int((e.x / 10).rounded(.down))
            let latency = missing(i) ? "" : #","latency_ms":\#(e.x)"#
            try f.send(at: e.time, #"{"kind":"completion","model":"\#(e.model)"\#(latency),"attrs":{"bucket":\#(bucket)}}"#)
        }
        for function in functions {
            #expect(expected[function]! > 100, "\(function): threshold should split the events")
            #expect(f.matches(function) == expected[function], "\(function)")
        }
    }
}
