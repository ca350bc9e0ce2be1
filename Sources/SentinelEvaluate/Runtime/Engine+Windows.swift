import SentinelCompile

/// Feeding events into window nodes and reading window functions.
extension Engine {
    /// Adds the current event as a row to frame `f` of group `g`: 1 for an `events` column, 1 or 0 for a
    /// condition, the number for a sample expression (no sample, NaN, when it is not a number). Inlined, with the
    /// frame's `record`, into the loop over a partition's frames (out of line, each call retained the frames).
    @inline(__always)
    func record(frame f: Int, group g: Int, time: Int64) {
        let columns = frames[f].columns
        for i in columns {
            let source = tables.columnSources[i]
            let v: Double
            switch source.kind {
            case .event: v = 1
            case .condition: v = holds(source.node) ? 1 : 0
            case .samples: v = number(source.node) ?? .nan
            }
            rowScratch[i - columns.lowerBound] = v
        }
        frames[f].record(g, time: time, values: rowScratch)
    }

    /// Adds the current event to window `w` of group `g`, a window not kept in a frame.
    func record(window w: Int, group g: Int, time: Int64) {
        stores[w].advance(g, to: time)
        switch stores[w].node.source {
        case .events, .condition, .samples:
            break  // kept in frames
        case .values(let x, let condition):
            if let condition, !holds(Int32(condition)) { return }
            if let identity = ByteHashing.identity(value(Int32(x))) { stores[w].appendDistinct(g, time: time, identity: identity) }
        case .counter(let x):
            guard let n = number(Int32(x)), !n.isNaN else { return }
            let series = seriesIdentity(stores[w].node.seriesSlots)
            stores[w].appendCounter(g, series: series, time: time, value: n, upperBound: .nan)
        case .histogram(let le, let v):
            guard let bound = number(Int32(le)) ?? Self.parseNumber(value(Int32(le))),
                let n = number(Int32(v)), !n.isNaN
            else { return }
            let series = seriesIdentity(stores[w].node.seriesSlots)
            stores[w].appendCounter(g, series: series, time: time, value: n, upperBound: bound)
        case .categories(let x, _):
            switch value(Int32(x)) {
            case .array(let array):
                array.forEachElement { element in
                    if let identity = ByteHashing.identity(element) { stores[w].appendCategory(g, time: time, identity: identity) }
                }
            case let other:
                if let identity = ByteHashing.identity(other) { stores[w].appendCategory(g, time: time, identity: identity) }
            }
        }
    }

    /// Metric name plus the labels object, independent of the order labels are written in.
    private func seriesIdentity(_ seriesSlots: [Int]) -> UInt64 {
        seriesIdentities.identity(seriesSlots, in: slots) { computeSeriesIdentity(seriesSlots) }
    }

    private func computeSeriesIdentity(_ seriesSlots: [Int]) -> UInt64 {
        var h = ByteHashing.seed
        for slot in seriesSlots {
            switch slots[slot] {
            case .string(let s): ByteHashing.hash(s.buffer, into: &h)
            case .object(let o): ByteHashing.hash(ByteHashing.unorderedPairs(o), into: &h)
            default: ByteHashing.hash(0, into: &h)
            }
        }
        return h
    }

    /// Bucket bounds written as strings (`"0.25"`, `"1e-05"`; `"+Inf"` is read by `numeric`). The JSON number
    /// reader takes the usual spellings without making a String; others go to `Double(_:)`.
    private static func parseNumber(_ v: Value) -> Double? {
        guard case .string(let s) = v, s.count < 40, let base = s.base, s.count > 0 else { return nil }
        if let (end, n, _) = try? JSONBytes.parseNumber(base, base + s.count), end == base + s.count { return n }
        return Double(s.string)
    }

    /// The value of a window function for the current group and time (nil: none, such as the mean of no samples).
    func windowNumber(_ op: Op) -> Double? {
        let g = currentGroup
        let readout = Op.Readout(rawValue: op.flag)!
        switch readout {
        case .counterRate, .counterIncrease, .histogramQuantile, .histogramCount:
            stores[Int(op.a)].evictSeries(g, to: currentTime)
        default: break
        }
        let place = tables.places[Int(op.a)]
        if place.frame >= 0 {
            let store = UnsafePointer(frames.baseAddress! + Int(place.frame))
            let c = Int(place.column)
            // Read in place: a copy of the column would retain its arrays.
            switch readout {
            case .count: return Double(store.pointee.groups[g].columns[c].count)
            case .sum:
                let column = store.pointee.columns.lowerBound + c
                if tables.columnSources[column].kind == .condition { return store.pointee.groups[g].columns[c].total }
                return store.pointee.groups[g].columns[c].count > 0 ? store.pointee.groups[g].columns[c].total : nil
            case .average: return store.pointee.groups[g].columns[c].mean
            case .minimum: return store.pointee.groups[g].minimum(c)
            case .maximum: return store.pointee.groups[g].maximum(c)
            case .stddev: return store.pointee.groups[g].standardDeviation(c)
            case .quantile: return SampleFrame.quantile(store.pointee.groups[g].columns + c, op.number)
            case .eventRate:
                return Double(store.pointee.groups[g].columns[c].count) / (Double(store.pointee.milliseconds) / 1000)
            case .zscore:
                // No value when the spread is 0; NaN, as the standard deviation, while an infinite sample is in.
                guard let x = number(op.b), let sd = store.pointee.groups[g].standardDeviation(c), sd != 0,
                    let offset = store.pointee.groups[g].offsetFromMean(x, column: c)
                else { return nil }
                return offset / sd
            case .distinct, .counterRate, .counterIncrease, .histogramQuantile, .histogramCount, .psi:
                return nil  // read from stores, below; the compiler never asks a frame for these
            }
        }
        let store = UnsafePointer(stores.baseAddress! + Int(op.a))
        switch readout {
        case .count, .sum, .average, .minimum, .maximum, .stddev, .quantile, .eventRate, .zscore:
            return nil  // kept in frames, above
        case .distinct: return Double(store.pointee.distinct[g].distinctCount)
        case .counterRate: return store.pointee.counterValue(g, now: currentTime, perSecond: true)
        case .counterIncrease: return store.pointee.counterValue(g, now: currentTime, perSecond: false)
        case .histogramQuantile: return store.pointee.histogramQuantile(g, q: op.number, now: currentTime)
        case .histogramCount: return store.pointee.histogramCount(g, now: currentTime)
        case .psi: return store.pointee.categories[g].psi
        }
    }
}

extension ByteHashing {
    /// An order-independent hash of a JSON object's members, so `{"a":1,"b":2}` and `{"b":2,"a":1}` are one series.
    /// A member whose value is `""` or `null` is left out: in Prometheus' data model an empty label is an absent
    /// one, so `{"pod":""}` and `{}` are one series.
    static func unorderedPairs(_ object: RawObject) -> UInt64 {
        var total: UInt64 = 0
        object.forEachMember { key, value in
            switch value {
            case .null, .missing: return
            case .string(let s) where s.count == 0: return
            default: break
            }
            var h = hash(key.buffer)
            hash(identity(value) ?? 0, into: &h)
            h ^= h >> 33
            h &*= 0xff51_afd7_ed55_8ccd
            total &+= h
        }
        return total
    }
}
