import Foundation
import SentinelEvaluate

/// What the overview's charts need from one `completion` event. Taken while the event is validated on its way
/// in (the validating scan decodes these three fields as well), so the evaluation thread pays nothing extra.
public struct AnswerObservation: Sendable, Equatable {
    public var time: Int64
    public var model: String
    /// The response guard's verdict: true for `unsafe`, false for another verdict, nil when there is none.
    public var unsafe: Bool?
    public var latencyMilliseconds: Double?

    /// The fields a decoder must fill, in the order `init(header:slots:)` reads them.
    public static let paths: [[String]] = [["model"], ["response_guard", "safety"], ["latency_ms"]]

    /// The observation of a decoded event, nil unless it is a completion.
    public init?(header: EventHeader, slots: UnsafePointer<Value>) {
        guard header.kind.buffer.elementsEqual("completion".utf8) else { return nil }
        time = header.timestamp
        if case .string(let model) = slots[0] { self.model = model.string } else { model = "" }
        if case .string(let verdict) = slots[1] { unsafe = verdict.buffer.elementsEqual("unsafe".utf8) } else { unsafe = nil }
        latencyMilliseconds = slots[2].number
    }

    public init(time: Int64, model: String, unsafe: Bool?, latencyMilliseconds: Double?) {
        self.time = time
        self.model = model
        self.unsafe = unsafe
        self.latencyMilliseconds = latencyMilliseconds
    }
}

/// Answers per minute, the share the response guard called unsafe, and latency quantiles, per model, over the
/// latest hour of event time. Owned by the evaluation thread; the review page reads a `Snapshot`.
///
/// Latencies go into log-spaced buckets 5% wide, so a quantile is within 2.5% of the exact one. At most
/// `maxModels` models get their own series; answers of further models are counted under `otherModels`.
final class ModelActivity {
    static let minutes = 60
    static let maxModels = 12
    static let otherModels = "(other models)"

    /// One minute of one model.
    struct Minute {
        /// Start of the minute (epoch ms); `.min` for a slot not used yet.
        var start = Int64.min
        var answers = 0
        var withVerdict = 0
        var unsafe = 0
        var latency = LatencyBuckets()
    }

    /// The ring of minutes of each model, indexed by minute number modulo `minutes`.
    private var series: [String: [Minute]] = [:]
    /// Start of the latest minute an answer fell in.
    private var latestMinute = Int64.min

    func record(_ observations: [AnswerObservation]) {
        for o in observations { record(o) }
    }

    func record(_ o: AnswerObservation) {
        let minute = o.time - ((o.time % 60_000) + 60_000) % 60_000
        if minute > latestMinute { latestMinute = minute }
        guard minute > latestMinute - Int64(Self.minutes) * 60_000 else { return }
        let model = series[o.model] != nil || series.count < Self.maxModels ? o.model : Self.otherModels
        let slot = Self.slot(minute)
        Self.add(o, minute: minute, to: &series[model, default: Array(repeating: Minute(), count: Self.minutes)][slot])
    }

    /// The ring slot of the minute starting at `minute` (epoch ms, before 1970 too).
    private static func slot(_ minute: Int64) -> Int {
        let n = Int64(minutes)
        return Int(((minute / 60_000) % n + n) % n)
    }

    /// Counts `o` into its minute's slot, starting the slot afresh when it last held an older minute.
    private static func add(_ o: AnswerObservation, minute: Int64, to m: inout Minute) {
        if m.start != minute { m = Minute(start: minute) }
        m.answers += 1
        if let unsafe = o.unsafe {
            m.withVerdict += 1
            if unsafe { m.unsafe += 1 }
        }
        if let latency = o.latencyMilliseconds { m.latency.add(latency) }
    }

    /// The latest hour, minute by minute, for each model (sorted by name).
    struct Snapshot: Sendable {
        struct Point: Sendable {
            var start: Int64
            var answers: Int
            /// Unsafe share of the answers that had a verdict; nil when none had one.
            var unsafeRatio: Double?
            var p50: Double?
            var p99: Double?
        }

        /// Start of the first and of the last minute shown; nil before the first answer.
        var firstMinute: Int64?
        var lastMinute: Int64?
        var models: [(model: String, points: [Point])] = []
    }

    func snapshot() -> Snapshot {
        guard latestMinute != .min else { return Snapshot() }
        let first = latestMinute - Int64(Self.minutes - 1) * 60_000
        var out = Snapshot(firstMinute: first, lastMinute: latestMinute)
        for (model, ring) in series.sorted(by: { $0.key < $1.key }) {
            let points = (0..<Self.minutes).map { i -> Snapshot.Point in
                let start = first + Int64(i) * 60_000
                let m = ring[Self.slot(start)]
                guard m.start == start else { return .init(start: start, answers: 0) }
                return .init(
                    start: start, answers: m.answers,
                    unsafeRatio: m.withVerdict > 0 ? Double(m.unsafe) / Double(m.withVerdict) : nil,
                    p50: m.latency.quantile(0.5), p99: m.latency.quantile(0.99))
            }
            out.models.append((model, points))
        }
        return out
    }
}

/// Counts of positive values in buckets whose bounds grow by 5%, sparse: only buckets that were hit are kept.
struct LatencyBuckets {
    private static let growth = 1.05
    private static let logGrowth = log(growth)
    private var counts: [Int32: Int] = [:]
    private var total = 0

    mutating func add(_ value: Double) {
        guard value.isFinite, value >= 0 else { return }
        counts[Self.bucket(value), default: 0] += 1
        total += 1
    }

    /// The `q` quantile, as the geometric middle of the bucket the rank falls in (within 2.5% of the exact value).
    func quantile(_ q: Double) -> Double? {
        guard total > 0 else { return nil }
        let rank = max(1, Int((q * Double(total)).rounded(.up)))
        var seen = 0
        for bucket in counts.keys.sorted() {
            seen += counts[bucket]!
            if seen >= rank { return Self.middle(bucket) }
        }
        return nil
    }

    /// Values up to 0.001 share the lowest bucket.
    static func bucket(_ value: Double) -> Int32 {
        Int32((log(max(value, 0.001)) / logGrowth).rounded(.down))
    }

    static func middle(_ bucket: Int32) -> Double { exp((Double(bucket) + 0.5) * logGrowth) }
}
