import Foundation
import Testing

@testable import SentinelServe

@Suite struct ModelActivityTests {
    static let hour: Int64 = 1_777_636_800_000

    @Test func countsAnswersUnsafeShareAndLatencyPerModelAndMinute() throws {
        let activity = ModelActivity()
        for i in 0..<100 {
            activity.record(
                AnswerObservation(
                    time: Self.hour + Int64(i) * 100, model: "a", unsafe: i < 25 ? true : (i < 90 ? false : nil),
                    latencyMilliseconds: Double(i + 1) * 10))
        }
        activity.record(AnswerObservation(time: Self.hour + 61_000, model: "b", unsafe: nil, latencyMilliseconds: nil))
        let snapshot = activity.snapshot()
        #expect(snapshot.lastMinute == Self.hour + 60_000)
        #expect(snapshot.firstMinute == Self.hour + 60_000 - 59 * 60_000)
        #expect(snapshot.models.map(\.model) == ["a", "b"])
        let a = try #require(snapshot.models.first?.points)
        #expect(a.count == 60)
        let minute = try #require(a.first { $0.start == Self.hour })
        #expect(minute.answers == 100)
        #expect(minute.unsafeRatio == 25.0 / 90.0)
        // Exact p50 is 500 ms and p99 990 ms (nearest rank); buckets are 5% wide.
        #expect(abs(try #require(minute.p50) / 500 - 1) < 0.026)
        #expect(abs(try #require(minute.p99) / 990 - 1) < 0.026)
        #expect(a.last?.answers == 0 && a.last?.unsafeRatio == nil && a.last?.p50 == nil)
        let b = try #require(snapshot.models.last?.points.last)
        #expect(b.answers == 1 && b.unsafeRatio == nil && b.p99 == nil)
    }

    /// Answers dated before 1970 have negative times: their minute's slot is still in the ring (it trapped).
    @Test func answersBefore1970AreCounted() throws {
        let activity = ModelActivity()
        activity.record(AnswerObservation(time: -30 * 60_000, model: "a", unsafe: true, latencyMilliseconds: 5))
        activity.record(AnswerObservation(time: -1, model: "a", unsafe: false, latencyMilliseconds: 5))
        let points = try #require(activity.snapshot().models.first?.points)
        #expect(points.last?.start == -60_000 && points.last?.answers == 1)
        #expect(points.first { $0.start == -30 * 60_000 }?.answers == 1)
    }

    @Test func onlyTheLatestHourIsKeptAndOldSlotsAreNotReused() {
        let activity = ModelActivity()
        activity.record(AnswerObservation(time: Self.hour, model: "a", unsafe: true, latencyMilliseconds: 5))
        // Sixty minutes later the same ring slot holds a new minute; the old one is gone.
        activity.record(AnswerObservation(time: Self.hour + 60 * 60_000, model: "a", unsafe: false, latencyMilliseconds: 5))
        // Older than the hour: ignored.
        activity.record(AnswerObservation(time: Self.hour - 1, model: "a", unsafe: true, latencyMilliseconds: 5))
        let points = activity.snapshot().models[0].points
        #expect(points.map(\.answers).reduce(0, +) == 1)
        #expect(points.last?.unsafeRatio == 0)
    }

    @Test func modelsBeyondTheCapShareOneSeries() {
        let activity = ModelActivity()
        for i in 0..<(ModelActivity.maxModels + 5) {
            activity.record(AnswerObservation(time: Self.hour, model: "m\(i)", unsafe: nil, latencyMilliseconds: nil))
        }
        let models = activity.snapshot().models
        #expect(models.count == ModelActivity.maxModels + 1)
        #expect(models.first { $0.model == ModelActivity.otherModels }?.points.last?.answers == 5)
    }

    @Test func negativeAndNonFiniteLatenciesAreNotCounted() {
        var buckets = LatencyBuckets()
        buckets.add(-1)
        buckets.add(.nan)
        buckets.add(.infinity)
        #expect(buckets.quantile(0.5) == nil)
        buckets.add(0)
        #expect(buckets.quantile(0.5)! < 0.002)
    }
}

@Suite struct SVGChartTests {
    @Test func linesBreakAtGapsAndTextIsEscaped() {
        let chart = SVGChart(
            title: "<script>", series: [.init(name: "m<&>", color: "#000", values: [1, 2, nil, 4, nil, nil, 3])],
            xLabels: ("a", "b"), formatY: { "\($0)" })
        let svg = chart.render()
        #expect(!svg.contains("<script>") && svg.contains("&lt;script&gt;"))
        #expect(svg.contains("m&lt;&amp;&gt;"))
        #expect(svg.components(separatedBy: "<polyline").count - 1 == 1)
        #expect(svg.components(separatedBy: "<circle").count - 1 == 2)
    }

    @Test func theYAxisEndsAtANiceNumberAboveTheLargestValue() {
        #expect(SVGChart.niceCeiling(0) == 1)
        #expect(SVGChart.niceCeiling(0.37) == 0.5)
        #expect(SVGChart.niceCeiling(1) == 1)
        #expect(SVGChart.niceCeiling(1.2) == 2)
        #expect(SVGChart.niceCeiling(2.2) == 2.5)
        #expect(SVGChart.niceCeiling(730) == 1000)
        #expect(SVGChart.niceCeiling(.nan) == 1)
        #expect(SVGChart.niceCeiling(1.2e308) == 1.2e308)
    }

    /// One absurd value (a latency of 1e308 ms) puts nothing outside the plot and no infinity in the drawing; the
    /// other series stay drawn.
    @Test func aHugeValueKeepsTheChartDrawable() {
        let chart = SVGChart(
            title: "t",
            series: [
                .init(name: "a", color: "#000", values: [1.2e308, 1e308]), .init(name: "b", color: "#111", values: [100, 200]),
                .init(name: "c", color: "#222", values: [.infinity, -5]),
            ],
            xLabels: ("a", "b"), formatY: { String(format: "%.3g", $0) })
        let svg = chart.render()
        #expect(!svg.lowercased().contains("inf") && !svg.lowercased().contains("nan"), "\(svg)")
        let ys = svg.components(separatedBy: " y1=\"").dropFirst().compactMap { Double($0.prefix { $0 != "\"" }) }
            + svg.components(separatedBy: " cy=\"").dropFirst().compactMap { Double($0.prefix { $0 != "\"" }) }
        #expect(!ys.isEmpty && ys.allSatisfy { $0 >= 8 && $0 <= 130 }, "\(ys)")
    }
}
