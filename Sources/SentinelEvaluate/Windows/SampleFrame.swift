import CPrefetch

/// The samples of every window of one span in one partition, for one group, as rows in a growable circular
/// buffer: an event's time, then each window's value (NaN where the event gave that window no sample).
///
/// The windows of a span see the same events, so the cutoff is found once per event for all of them and a row
/// leaves every window at once; one row sits in one or two cache lines, where a ring per window would touch a
/// line per window at both ends. Each column keeps exact running aggregates of its samples: count, sum and
/// population variance always, min/max (monotonic deques) and order statistics on demand, exact while the
/// column's samples are whole numbers under 2²⁰ (`IntegerCounts`, once it holds `countsThreshold` of them) or
/// while it holds up to `exactOrderLimit` samples (sorted blocks), within 0.5% (`QuantileSketch`) beyond.
struct SampleFrame {
    /// Aggregates of one column's samples; the samples themselves are the frame's rows.
    struct Column {
        let extremes: Bool
        let order: Bool
        /// Whether the sums (and infinity counts) are kept: only sums, means and standard deviations read them.
        let moments: Bool
        /// Samples are 1 or 0 (an `events` window, a `condition` one), read only as a count, a sum or a mean: the
        /// count of ones is the sum, exactly what the running sums would give, and nothing else is kept.
        let tally: Bool
        fileprivate(set) var count = 0
        /// Samples that are not 0, in a `tally` column.
        fileprivate var ones = 0
        /// Samples that are +∞ and −∞ (`"+Inf"` in a metric, a number too large for a double). They stay out of the
        /// sums, which would otherwise turn NaN for good once one left the window.
        fileprivate var positiveInfinities = 0
        fileprivate var negativeInfinities = 0
        /// Sum of the finite samples, compensated: a large sample that leaves takes no small ones with it (1e17
        /// in, 0.5 in, 1e17 out: 0.5, where a plain running sum reads 0).
        fileprivate var sum = CompensatedSum()
        /// Sums of (value − shift) and its square over the finite samples: shifting by a sample value keeps the
        /// variance stable.
        fileprivate var shift = Double.nan  // NaN until a finite sample comes
        fileprivate var shiftedSum = 0.0
        fileprivate var shiftedSumOfSquares = 0.0
        /// The largest `shiftedSumOfSquares` since the sums were last recomputed: subtracting leaves rounding error
        /// in proportion to it, which matters once the sum has fallen far below it (a large sample left).
        fileprivate var peakSumOfSquares = 0.0
        fileprivate var removalsSinceRefresh = 0
        /// Finite samples so far from the shift (~1e154) that their square overflows a double: kept out of the
        /// shifted sums, which stay finite; while one is in the window the spread is +∞.
        fileprivate var farSamples = 0
        /// Whether the spread was +∞ right after the last recomputation: a sample far from the new shift is in the
        /// window, so the shift's value leaving again is no reason to recompute.
        fileprivate var farAtShift = false
        /// Row sequence numbers of the window's maxima and minima candidates, oldest first from the head.
        fileprivate var maxima: [Int] = []
        fileprivate var maximaHead = 0
        fileprivate var minima: [Int] = []
        fileprivate var minimaHead = 0
        /// An `order` column's order statistics (nil in the others, which so do not carry their ~90 bytes).
        fileprivate var ranks: Ranks?

        init(extremes: Bool, order: Bool, moments: Bool = true, tally: Bool = false) {
            self.extremes = extremes
            self.order = order
            self.moments = moments
            self.tally = tally
            ranks = order ? Ranks() : nil
        }

        /// The sum, as IEEE arithmetic would give it: ±∞ with infinite samples of one sign, NaN with both.
        @inline(__always) var total: Double {
            if tally { return Double(ones) }
            if positiveInfinities > 0 { return negativeInfinities > 0 ? .nan : .infinity }
            return negativeInfinities > 0 ? -.infinity : sum.value
        }

        @inline(__always) var mean: Double? {
            guard count > 0 else { return nil }
            if tally || positiveInfinities > 0 || negativeInfinities > 0 { return total / Double(count) }
            return sum.mean(of: Double(count))
        }

        /// NaN when a sample is infinite (as numpy's `std` gives).
        @inline(__always) fileprivate var populationStandardDeviation: Double? {
            guard count > 0 else { return nil }
            guard positiveInfinities == 0 && negativeInfinities == 0 else { return .nan }
            return variance.squareRoot()
        }

        @inline(__always) fileprivate var finiteCount: Int { count - positiveInfinities - negativeInfinities }

        /// Population variance of the finite samples: +∞ while their squared distances from the shift overflow a
        /// double (samples ~1e154 apart), as numpy's do.
        @inline(__always) fileprivate var variance: Double {
            let n = Double(finiteCount)
            guard n > 0 else { return 0 }
            guard farSamples == 0, shiftedSumOfSquares.isFinite else { return .infinity }
            // S · (S / n), not S² / n: S² alone can overflow where the variance does not.
            return max(0, (shiftedSumOfSquares - shiftedSum * (shiftedSum / n)) / n)
        }

        /// Whether the running sums may have lost precision: the shift lies so far from the samples' mean, against
        /// their spread, that the squares cancel badly (ten equal samples left behind by a large one read a
        /// standard deviation of 0.0017, not 0), or the squares fell far below their peak (the rounding error of
        /// having added and subtracted a large sample stays).
        @inline(__always) fileprivate var sumsAreStale: Bool {
            let n = Double(finiteCount)
            guard n > 0 else { return false }
            // offset² > 10⁶ · variance, with offset m = S / n and variance = Q / n − m²: (Q / n) / m² < 1 + 10⁻⁶,
            // divided rather than squared, so that an offset of 1e152 does not overflow to ∞ > ∞.
            let m = shiftedSum / n
            return m != 0 && shiftedSumOfSquares / n / m / m < 1 + 1e-6 || shiftedSumOfSquares < 1e-3 * peakSumOfSquares
        }

        fileprivate mutating func clear() {
            self = Column(extremes: extremes, order: order, moments: moments, tally: tally)
        }
    }

    /// An `order` column's order statistics: sorted blocks, the sketch or counts of whole numbers, one at a time
    /// (nil the others), and when to try counting. A class, so that a column holds it in one word.
    final class Ranks {
        fileprivate var sorted: SortedValues?
        /// Replaces `sorted` while the column holds many samples (see `exactOrderLimit`).
        fileprivate var sketch: QuantileSketch?
        /// Replaces both while the column holds many samples, all of which it can count.
        fileprivate var counts: IntegerCounts?
        /// Samples `IntegerCounts` cannot count (fractions, negatives, 2²⁰ and over).
        fileprivate var uncountable = 0
        /// After a try of `IntegerCounts` that found the samples so spread out that counting them would take more
        /// memory than it is worth: the next try comes once the column holds twice as many (`countsTry`) or once the
        /// samples it held then have left (`countsWait` more removals), so that trying costs O(1) a sample.
        fileprivate var countsTry = 0
        fileprivate var countsWait = 0
    }

    /// Owns the rows; `base` and `mask` are copies of its pointer and capacity − 1, read on every event without a
    /// trip to the storage object.
    private var storage: RowStorage
    private var base: UnsafeMutablePointer<Double>
    private var mask: Int
    private let stride: Int
    /// Rows in 256 doubles (32 cache lines): how far ahead of the oldest row eviction prefetches.
    private let prefetchRows: Int
    private var head = 0
    /// Rows held.
    private(set) var count = 0
    /// Time of the oldest row (`Int64.max` when empty): checking for eviction, the common case, reads no row.
    private var oldestTime = Int64.max
    /// Sequence number of the oldest row; rows are numbered in arrival order.
    private(set) var firstSequence = 0
    /// Owns the column aggregates; `columns` points at them. Updated in place on every sample, so they live in
    /// plain memory: an array would be checked for uniqueness at each of those updates.
    private let columnStorage: ColumnStorage
    /// The aggregates of each column (`width` of them). Read-only outside the frame.
    let columns: UnsafeMutablePointer<Column>
    /// Number of columns.
    let width: Int

    init(columns: [Column]) {
        columnStorage = ColumnStorage(columns)
        self.columns = columnStorage.base
        width = columns.count
        stride = 1 + columns.count
        prefetchRows = 256 / stride
        storage = RowStorage(stride: stride, rows: Self.initialRows)
        base = storage.base
        mask = storage.rows - 1
    }

    /// Rows a frame has room for at first (and after a reset): most groups hold few rows, and a frame exists per
    /// span for every group.
    static let initialRows = 2

    var isEmpty: Bool { count == 0 }

    @inline(__always) private func row(_ i: Int) -> UnsafeMutablePointer<Double> {
        base + ((head &+ i) & mask) &* stride
    }

    @inline(__always) private func time(ofRow r: UnsafeMutablePointer<Double>) -> Int64 {
        Int64(bitPattern: r[0].bitPattern)
    }

    @inline(__always) func value(sequence: Int, column c: Int) -> Double { row(sequence - firstSequence)[1 + c] }

    /// Order statistics are exact up to this many samples in a column; beyond, a sketch within 0.5% takes over (a
    /// 6-hour baseline at 20 requests/s holds 432 000 samples, where sorted blocks cost a cache miss per step), and
    /// they are exact again once the column is back under a quarter of it.
    static let exactOrderLimit = 16_384

    /// Order statistics of whole numbers under 2²⁰ move to `IntegerCounts` (exact, whatever the count, and cheaper
    /// to keep than sorted blocks) from this many samples, unless that would take over 4 times the memory of sorted
    /// blocks (`tooSpread`). They go back to sorted blocks under a quarter of it, or at the next sample once counting
    /// takes that much memory (under ~700 samples its fixed 32 KiB does).
    static let countsThreshold = 2_048

    /// Column `c`'s quantile `q`.
    func quantile(_ c: Int, _ q: Double) -> Double? { Self.quantile(columns + c, q) }

    /// The quantile of the column at `column`, read in place: a method of the column, or of a frame read from an
    /// array, copied it (retaining its arrays) at every read.
    static func quantile(_ column: UnsafePointer<Column>, _ q: Double) -> Double? {
        guard let ranks = column.pointee.ranks else { return nil }
        if ranks.counts != nil { return ranks.counts!.quantile(q) }
        if ranks.sketch != nil { return ranks.sketch!.quantile(q) }
        if ranks.sorted != nil { return ranks.sorted!.quantile(q) }
        return nil
    }

    /// How column `c` keeps its order statistics.
    enum OrderKeeping { case none, sortedValues, integerCounts, sketch }

    func orderKeeping(_ c: Int) -> OrderKeeping {
        guard let ranks = columns[c].ranks else { return .none }
        if ranks.counts != nil { return .integerCounts }
        if ranks.sketch != nil { return .sketch }
        return ranks.sorted != nil ? .sortedValues : .none
    }

    func maximum(_ c: Int) -> Double? {
        columns[c].maximaHead < columns[c].maxima.count ? value(sequence: columns[c].maxima[columns[c].maximaHead], column: c) : nil
    }

    func minimum(_ c: Int) -> Double? {
        columns[c].minimaHead < columns[c].minima.count ? value(sequence: columns[c].minima[columns[c].minimaHead], column: c) : nil
    }

    /// Drops rows at or before `cutoff` (the window is `(cutoff, now]`). Most calls drop nothing.
    @inline(__always)
    mutating func evict(through cutoff: Int64) {
        while count > 0, oldestTime <= cutoff { removeOldest() }
    }

    /// Evicts through `cutoff`, then appends a row, first dropping the oldest when the frame holds `limit` rows:
    /// one access to a frame kept in an array. Whether a row was dropped for room (never for a row that is not kept,
    /// one with no value at all).
    mutating func record(time: Int64, values: UnsafePointer<Double>, evictingThrough cutoff: Int64, limit: Int) -> Bool {
        evict(through: cutoff)
        let full = count >= limit
        if full {
            guard hasSample(values) else { return false }
            removeOldest()
        }
        append(time: time, values: values)
        return full
    }

    /// Adds a row: `values[c]` for column `c`, NaN for none. A row with no value at all is not kept.
    mutating func append(time: Int64, values: UnsafePointer<Double>) {
        if count == mask + 1 { grow() }
        let r = row(count)
        // A row is a few doubles: copied in a loop, where `update(from:count:)` calls memmove. It is kept (counted)
        // only if some value is a sample.
        var kept = false
        for c in 0..<width {
            r[1 + c] = values[c]
            kept = kept || !values[c].isNaN
        }
        guard kept else { return }
        r[0] = Double(bitPattern: UInt64(bitPattern: time))
        let sequence = firstSequence + count
        if count == 0 { oldestTime = time }
        count += 1
        for c in 0..<width where !values[c].isNaN { add(values[c], sequence: sequence, column: c) }
    }

    /// Whether a row of `values` would be kept. Out of line: it runs only at the cap, and inlined it kept `record`
    /// from being inlined into the engine's loop.
    @inline(never)
    private func hasSample(_ values: UnsafePointer<Double>) -> Bool {
        (0..<width).contains { !values[$0].isNaN }
    }

    mutating func removeOldest() {
        let r = row(0)
        // Eviction walks the ring's oldest end, an hour behind the newest for a 1h window: ask now for the row
        // 32 cache lines (256 doubles) ahead, so it is in cache when its turn comes.
        sentinel_prefetch(row(prefetchRows))
        let sequence = firstSequence
        head = (head + 1) & mask
        count -= 1
        firstSequence += 1
        oldestTime = count > 0 ? time(ofRow: row(0)) : .max
        for c in 0..<width where !r[1 + c].isNaN { remove(r[1 + c], sequence: sequence, column: c) }
    }

    mutating func reset() {
        firstSequence += count
        head = 0
        count = 0
        oldestTime = .max
        if mask >= 64 { use(RowStorage(stride: stride, rows: Self.initialRows)) }
        for c in 0..<width { columns[c].clear() }
    }

    /// The rows of `previous` (another frame of the same span), taking column `c`'s values from `previous`
    /// column `sources[c]` (nil: a window new to this frame, which starts with no samples).
    mutating func replay(_ previous: SampleFrame, sources: [Int?]) {
        let values = UnsafeMutablePointer<Double>.allocate(capacity: max(1, width))
        defer { values.deallocate() }
        for i in 0..<previous.count {
            let r = previous.row(i)
            for c in 0..<width { values[c] = sources[c].map { r[1 + $0] } ?? .nan }
            append(time: previous.time(ofRow: r), values: values)
        }
    }

    private mutating func grow() {
        let larger = RowStorage(stride: stride, rows: 2 * (mask + 1))
        // The rows run from `head` to the end of the buffer, then on from its start: two copies.
        let tail = Swift.min(count, mask + 1 - head)
        larger.base.update(from: row(0), count: tail * stride)
        (larger.base + tail * stride).update(from: base, count: (count - tail) * stride)
        use(larger)
    }

    private mutating func use(_ rows: RowStorage) {
        storage = rows
        base = rows.base
        mask = rows.rows - 1
        head = 0
    }

    // MARK: Column aggregates

    // Inlined into `append`, its one caller: most columns are tallies, whose add is a few instructions.
    @inline(__always)
    private mutating func add(_ value: Double, sequence: Int, column c: Int) {
        if columns[c].tally {
            columns[c].count += 1
            if value != 0 { columns[c].ones += 1 }
            return
        }
        if !columns[c].moments {
            // Order statistics or extremes only.
        } else if value.isFinite {
            if columns[c].shift.isNaN { columns[c].shift = value }
            columns[c].sum.add(value)
            let d = value - columns[c].shift
            if (d * d).isFinite {
                columns[c].shiftedSum += d
                columns[c].shiftedSumOfSquares += d * d
            } else {
                columns[c].farSamples += 1
            }
        } else if value > 0 {
            columns[c].positiveInfinities += 1
        } else {
            columns[c].negativeInfinities += 1
        }
        columns[c].count += 1
        if columns[c].extremes {
            while columns[c].maxima.count > columns[c].maximaHead,
                self.value(sequence: columns[c].maxima[columns[c].maxima.count - 1], column: c) <= value
            {
                columns[c].maxima.removeLast()
            }
            columns[c].maxima.append(sequence)
            while columns[c].minima.count > columns[c].minimaHead,
                self.value(sequence: columns[c].minima[columns[c].minima.count - 1], column: c) >= value
            {
                columns[c].minima.removeLast()
            }
            columns[c].minima.append(sequence)
        }
        if let ranks = columns[c].ranks {
            let countable = IntegerCounts.canCount(value)
            if !countable { ranks.uncountable += 1 }
            if ranks.counts != nil {
                guard countable else { return useSortedValuesOrSketch(c) }
                ranks.counts!.insert(value)
                if Self.tooSpread(ranks.counts!, samples: columns[c].count) {
                    postponeCounts(c)
                    useSortedValuesOrSketch(c)
                }
                return
            }
            if ranks.sketch != nil {
                ranks.sketch!.insert(value)
            } else {
                if ranks.sorted == nil { ranks.sorted = SortedValues() }
                ranks.sorted!.insert(value)
                if ranks.sorted!.count > Self.exactOrderLimit { useSketch(c) }
            }
            if countsDue(c) { tryCounts(c) }
        }
    }

    /// Takes out the column's oldest sample, `value` of row `sequence`, which has already left the ring. Inlined
    /// into `removeOldest`, its one caller.
    @inline(__always)
    private mutating func remove(_ value: Double, sequence: Int, column c: Int) {
        if columns[c].tally {
            columns[c].count -= 1
            if value != 0 { columns[c].ones -= 1 }
            return
        }
        columns[c].count -= 1
        if columns[c].count == 0 {
            columns[c].clear()
            return
        }
        if !columns[c].moments {
            // Order statistics or extremes only.
        } else if value.isFinite {
            // Adding only raises the sum of squares and removing only lowers it, so its peak is reached just
            // before a removal.
            columns[c].peakSumOfSquares = max(columns[c].peakSumOfSquares, columns[c].shiftedSumOfSquares)
            columns[c].sum.add(-value)
            let d = value - columns[c].shift
            if (d * d).isFinite {
                columns[c].shiftedSum -= d
                columns[c].shiftedSumOfSquares -= d * d
            } else {
                columns[c].farSamples -= 1
            }
        } else if value > 0 {
            columns[c].positiveInfinities -= 1
        } else {
            columns[c].negativeInfinities -= 1
        }
        if columns[c].extremes {
            if columns[c].maximaHead < columns[c].maxima.count, columns[c].maxima[columns[c].maximaHead] == sequence {
                columns[c].maximaHead += 1
            }
            if columns[c].minimaHead < columns[c].minima.count, columns[c].minima[columns[c].minimaHead] == sequence {
                columns[c].minimaHead += 1
            }
            compactDeques(c)
        }
        if let ranks = columns[c].ranks {
            if !IntegerCounts.canCount(value) { ranks.uncountable -= 1 }
            if ranks.countsWait > 0 { ranks.countsWait -= 1 }
            if ranks.counts != nil {
                ranks.counts!.remove(value)
                if columns[c].count < Self.countsThreshold / 4 { useSortedValues(c) }
            } else {
                if ranks.sketch != nil {
                    ranks.sketch!.remove(value)
                    if columns[c].count < Self.exactOrderLimit / 4 { useSortedValues(c) }
                } else {
                    ranks.sorted?.remove(value)
                }
                // The last fraction may just have left, with events that bring no sample (or ticks) only evicting.
                if countsDue(c) { tryCounts(c) }
            }
        }
        guard columns[c].moments else { return }
        columns[c].removalsSinceRefresh += 1
        // Subtracting accumulates rounding error; recomputing now and then keeps sums exact to a few ulps (and
        // `standardDeviation` recomputes them at once when they may have lost precision).
        // Far samples are counted from the shift, itself a sample: when the shift's value leaves while the spread
        // is +∞ (and was not so after the last recomputation), the far one may have been the shift, with the rest
        // close together: recomputed, at most once per quarter of the window's samples, so samples far apart
        // (1e200 and 1 alternating) cost O(1) an eviction. When every sample left is far from it, the shift was
        // the far one for certain (1e300 after 256, 12, 256, and only ordinary samples after it): recomputed at
        // once, which the next shift, the newest sample, leaving can ask again only after the window turned over.
        let spreadIsInfinite = columns[c].farSamples > 0 || !columns[c].shiftedSumOfSquares.isFinite
        let shiftLeft = spreadIsInfinite && value == columns[c].shift
        if columns[c].removalsSinceRefresh > 2 * columns[c].count + 64
            || shiftLeft && columns[c].farSamples == columns[c].finiteCount
            || shiftLeft && !columns[c].farAtShift && 4 * columns[c].removalsSinceRefresh >= columns[c].count
        {
            refreshSums(c)
        }
    }

    /// Column `c`'s order statistics move from sorted blocks to a sketch.
    private func useSketch(_ c: Int) {
        let ranks = columns[c].ranks!
        var sketch = QuantileSketch()
        ranks.sorted!.forEach { sketch.insert($0) }
        ranks.sketch = sketch
        ranks.sorted = nil
    }

    /// Calls `body` with each of column `c`'s samples, oldest first, from the rows.
    private func forEachSample(ofColumn c: Int, _ body: (Double) -> Void) {
        for i in 0..<count where !row(i)[1 + c].isNaN { body(row(i)[1 + c]) }
    }

    /// Column `c`'s order statistics are exact again: sorted blocks of the samples in the rows.
    private func useSortedValues(_ c: Int) {
        let ranks = columns[c].ranks!
        var sorted = SortedValues()
        forEachSample(ofColumn: c) { sorted.insert($0) }
        ranks.sorted = sorted
        ranks.sketch = nil
        ranks.counts = nil
    }

    /// Column `c`'s order statistics leave `IntegerCounts` for what its count calls for, from the rows.
    private func useSortedValuesOrSketch(_ c: Int) {
        let ranks = columns[c].ranks!
        guard columns[c].count > Self.exactOrderLimit else { return useSortedValues(c) }
        var sketch = QuantileSketch()
        forEachSample(ofColumn: c) { sketch.insert($0) }
        ranks.sketch = sketch
        ranks.counts = nil
    }

    /// Whether column `c`, not counting, should try `IntegerCounts`: it can count every sample, holds enough of
    /// them, and its last try found them too spread out, if ever, before it doubled or they all left.
    @inline(__always)
    private func countsDue(_ c: Int) -> Bool {
        let ranks = columns[c].ranks!
        return ranks.uncountable == 0 && columns[c].count >= Self.countsThreshold
            && (ranks.countsWait == 0 || columns[c].count >= ranks.countsTry)
    }

    /// Column `c`'s samples are too spread out to count: the next try waits (see `countsTry`).
    private func postponeCounts(_ c: Int) {
        let ranks = columns[c].ranks!
        ranks.countsTry = 2 * columns[c].count
        ranks.countsWait = columns[c].count
    }

    /// Column `c`'s order statistics move to `IntegerCounts`, counted from the rows, unless its samples are too
    /// spread out. Every sample in it can be counted.
    private func tryCounts(_ c: Int) {
        let ranks = columns[c].ranks!
        let counts = IntegerCounts()
        var spread = false
        forEachSample(ofColumn: c) {
            guard !spread else { return }
            counts.insert($0)
            spread = Self.tooSpread(counts, samples: columns[c].count)
        }
        if spread { return postponeCounts(c) }
        ranks.counts = counts
        ranks.sorted = nil
        ranks.sketch = nil
    }

    /// Whether `counts`, holding `samples`, takes over 4 times the memory sorted blocks would (~12 bytes a sample; a
    /// frame row takes at least 16 more): its samples are spread thinly, or were when it held more of them.
    @inline(__always)
    private static func tooSpread(_ counts: IntegerCounts, samples: Int) -> Bool { counts.bytes > 48 * samples }

    private mutating func compactDeques(_ c: Int) {
        if columns[c].maximaHead > 64, columns[c].maximaHead * 2 > columns[c].maxima.count {
            columns[c].maxima.removeFirst(columns[c].maximaHead)
            columns[c].maximaHead = 0
        }
        if columns[c].minimaHead > 64, columns[c].minimaHead * 2 > columns[c].minima.count {
            columns[c].minima.removeFirst(columns[c].minimaHead)
            columns[c].minimaHead = 0
        }
    }

    /// Column `c`'s population standard deviation, from sums recomputed first when they may have lost precision.
    /// The check is amortised: after a refresh the shift is the newest sample, so the offset is at most √n standard
    /// deviations until that sample leaves, and the squares must first grow 1000-fold and shrink back.
    @inline(__always)
    func standardDeviation(_ c: Int) -> Double? {
        if columns[c].sumsAreStale { refreshSums(c) }
        return columns[c].populationStandardDeviation
    }

    /// `x` minus column `c`'s mean, read from the shifted sums while they hold every sample: the mean rounded to a
    /// double first loses what lies below its last digit (samples 1e15, 1e15 and 1e15 + 0.125 are 0.083 from
    /// their mean, not 0.125). Call after `standardDeviation(c)`, which refreshes the sums when they may be stale.
    func offsetFromMean(_ x: Double, column c: Int) -> Double? {
        guard let mean = columns[c].mean else { return nil }
        let column = columns[c]
        guard x.isFinite, column.moments, !column.tally, column.positiveInfinities == 0, column.negativeInfinities == 0,
            column.farSamples == 0, column.shift.isFinite, column.shiftedSum.isFinite
        else { return x - mean }
        return (x - column.shift) - column.shiftedSum / Double(column.finiteCount)
    }

    /// Recomputes the column's sums from its samples, shifted by the newest finite one (the aggregates live in
    /// `columns`, so this changes no stored property of the frame).
    private func refreshSums(_ c: Int) {
        var shift: Double?
        for i in Swift.stride(from: count - 1, through: 0, by: -1) where row(i)[1 + c].isFinite {
            shift = row(i)[1 + c]
            break
        }
        var sum = CompensatedSum()
        var shiftedSum = 0.0
        var shiftedSumOfSquares = 0.0
        var farSamples = 0
        let s = shift ?? .nan
        for i in 0..<count {
            let v = row(i)[1 + c]
            guard v.isFinite else { continue }
            sum.add(v)
            guard ((v - s) * (v - s)).isFinite else {
                farSamples += 1
                continue
            }
            shiftedSum += v - s
            shiftedSumOfSquares += (v - s) * (v - s)
        }
        columns[c].removalsSinceRefresh = 0
        columns[c].shift = s
        columns[c].sum = sum
        columns[c].shiftedSum = shiftedSum
        columns[c].shiftedSumOfSquares = shiftedSumOfSquares
        columns[c].peakSumOfSquares = shiftedSumOfSquares
        columns[c].farSamples = farSamples
        columns[c].farAtShift = farSamples > 0 || !shiftedSumOfSquares.isFinite
    }
}

/// A frame's column aggregates, in place for the same reason as its rows (see `RowStorage`).
final class ColumnStorage {
    let base: UnsafeMutablePointer<SampleFrame.Column>
    let count: Int

    init(_ columns: [SampleFrame.Column]) {
        count = columns.count
        base = .allocate(capacity: max(1, count))
        base.initialize(from: columns, count: count)
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }
}

/// A frame's row memory. A frame is mutated only in place, in its engine's store; copies of it are only read
/// (a reload replays their rows into its own frames), so the buffer needs no copy-on-write.
final class RowStorage {
    let base: UnsafeMutablePointer<Double>
    /// Capacity in rows, a power of two.
    let rows: Int
    /// Doubles per row: the time, then one value per column.
    let stride: Int

    init(stride: Int, rows: Int) {
        self.stride = stride
        self.rows = rows
        base = .allocate(capacity: stride * rows)
    }

    deinit { base.deallocate() }
}
