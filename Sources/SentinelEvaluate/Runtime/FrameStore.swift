import SentinelCompile

/// Which windows of a graph an engine keeps in frames: those of numeric samples (`events`, `condition`,
/// `samples`), one frame per partition and span with a column per window. Other windows (distinct values,
/// counters, histograms, categories) each keep a `WindowStore`.
struct FrameLayout {
    struct Frame {
        var partition: Int
        var milliseconds: Int64
        /// Window index of each column.
        var windows: [Int]
        /// The frame's columns in `columnSources`.
        var columns: Range<Int> = 0..<0
    }

    /// Where a window lives: frame and column, or frame -1 for a window kept in a `WindowStore`.
    struct Place {
        var frame: Int32
        var column: Int32
    }

    /// How a column's value is computed from an event.
    struct ColumnSource {
        enum Kind: UInt8 { case event, condition, samples }
        var kind: Kind
        /// Node of the condition or sample expression.
        var node: Int32
    }

    let frames: [Frame]
    /// By window index.
    let places: [Place]
    /// Every frame's column sources, frame after frame.
    let columnSources: [ColumnSource]

    init(graph: ConditionGraph) {
        var frames: [Frame] = []
        var places = Array(repeating: Place(frame: -1, column: -1), count: graph.windows.count)
        var frameOfSpan: [Int: [Int64: Int]] = [:]
        for (w, window) in graph.windows.enumerated() where Self.source(window.source) != nil {
            let f: Int
            if let existing = frameOfSpan[window.partition]?[window.milliseconds] {
                f = existing
            } else {
                f = frames.count
                frames.append(Frame(partition: window.partition, milliseconds: window.milliseconds, windows: []))
                frameOfSpan[window.partition, default: [:]][window.milliseconds] = f
            }
            places[w] = Place(frame: Int32(f), column: Int32(frames[f].windows.count))
            frames[f].windows.append(w)
        }
        var columnSources: [ColumnSource] = []
        for f in frames.indices {
            let start = columnSources.count
            columnSources += frames[f].windows.compactMap { Self.source(graph.windows[$0].source) }
            frames[f].columns = start..<columnSources.count
        }
        self.frames = frames
        self.places = places
        self.columnSources = columnSources
    }

    /// The column source of a window kept in a frame; nil for the other sources.
    static func source(_ source: WindowSource) -> ColumnSource? {
        switch source {
        case .events: ColumnSource(kind: .event, node: -1)
        case .condition(let x): ColumnSource(kind: .condition, node: Int32(x))
        case .samples(let x): ColumnSource(kind: .samples, node: Int32(x))
        case .values, .counter, .histogram, .categories: nil
        }
    }
}

/// The per-group frames of one `FrameLayout.Frame`.
struct FrameStore {
    let milliseconds: Int64
    let maxSamples: Int
    /// This frame's columns in the engine's column-source table (`RuntimeTables.columnSources`).
    let columns: Range<Int>
    private let template: [SampleFrame.Column]
    var groups: [SampleFrame] = []
    /// Rows dropped because a group's frame was at `maxSamples`.
    var overflow = 0

    init(_ frame: FrameLayout.Frame, graph: ConditionGraph) {
        milliseconds = frame.milliseconds
        maxSamples = graph.policy.maxWindowSamples
        columns = frame.columns
        template = frame.windows.map {
            let window = graph.windows[$0]
            let tally: Bool
            switch window.source {
            // The compiler reads these windows only as count, rate, sum or ratio (never extremes or order).
            case .events, .condition: tally = !window.needsExtremes && !window.needsOrder
            case .samples, .values, .counter, .histogram, .categories: tally = false
            }
            return SampleFrame.Column(
                extremes: window.needsExtremes, order: window.needsOrder, moments: window.needsMoments, tally: tally)
        }
    }

    mutating func ensureCapacity(_ count: Int) {
        while groups.count < count { groups.append(SampleFrame(columns: template)) }
    }

    mutating func reset(_ group: Int) { groups[group].reset() }

    /// Evicts the rows that fell out of the window at time `now`.
    @inline(__always)
    mutating func advance(_ group: Int, to now: Int64) {
        groups[group].evict(through: now - milliseconds)
    }

    /// Moves the group's window to `time` and adds the event's row (dropping the oldest row at `maxSamples`, when
    /// the event gives the frame a sample).
    @inline(__always)
    mutating func record(_ group: Int, time: Int64, values: UnsafePointer<Double>) {
        if groups[group].record(time: time, values: values, evictingThrough: time - milliseconds, limit: maxSamples) {
            overflow += 1
        }
    }
}
