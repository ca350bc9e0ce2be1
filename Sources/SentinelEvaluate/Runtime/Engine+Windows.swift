import SentinelCompile

/// Feeding events into window nodes and reading window functions.
extension Engine {
    /// Adds the current event to window `w` of group `g`.
    func record(window w: Int, group g: Int, time: Int64) {
        stores[w].advance(g, to: time)
        switch stores[w].node.source {
        case .events:
            stores[w].appendSample(g, time: time, value: 1)
        case .condition(let x):
            stores[w].appendSample(g, time: time, value: value(Int32(x)).isTrue ? 1 : 0)
        case .samples(let x):
            if let n = Self.numeric(value(Int32(x))), !n.isNaN { stores[w].appendSample(g, time: time, value: n) }
        case .values(let x):
            if let identity = ByteHashing.identity(value(Int32(x))) { stores[w].distinct[g].append(time: time, identity: identity) }
        case .counter(let x):
            guard let n = Self.numeric(value(Int32(x))), !n.isNaN else { return }
            let series = seriesIdentity(stores[w].node.seriesSlots)
            stores[w].appendCounter(g, series: series, time: time, value: n, upperBound: .nan)
        case .histogram(let le, let v):
            guard let bound = Self.numeric(value(Int32(le))) ?? Self.parseNumber(value(Int32(le))),
                let n = Self.numeric(value(Int32(v))), !n.isNaN
            else { return }
            let series = seriesIdentity(stores[w].node.seriesSlots)
            stores[w].appendCounter(g, series: series, time: time, value: n, upperBound: bound)
        case .categories(let x, _):
            switch value(Int32(x)) {
            case .array(let array):
                array.forEachElement { element in
                    if let identity = ByteHashing.identity(element) {
                        let category = stores[w].category(identity)
                        stores[w].categories[g].append(time: time, category: category)
                    }
                }
            case let other:
                if let identity = ByteHashing.identity(other) {
                    let category = stores[w].category(identity)
                    stores[w].categories[g].append(time: time, category: category)
                }
            }
        }
    }

    /// Metric name plus the labels object, independent of the order labels are written in.
    private func seriesIdentity(_ seriesSlots: [Int]) -> UInt64 {
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
        if let (end, n) = try? JSONBytes.parseNumber(base, base + s.count), end == base + s.count { return n }
        return Double(s.string)
    }

    /// The value of a window function for the current group and time.
    func windowValue(_ op: Op) -> Value {
        let g = currentGroup
        let readout = Op.Readout(rawValue: op.flag)!
        if readout == .counterRate || readout == .counterIncrease || readout == .histogramQuantile {
            stores[Int(op.a)].evictSeries(g, to: currentTime)
        }
        let store = UnsafePointer(stores.baseAddress! + Int(op.a))
        func number(_ n: Double?) -> Value { n.map(Value.number) ?? .missing }
        switch readout {
        case .count: return .number(Double(store.pointee.samples[g].count))
        case .sum:
            if case .condition = store.pointee.node.source { return .number(store.pointee.samples[g].total) }
            return store.pointee.samples[g].count > 0 ? .number(store.pointee.samples[g].total) : .missing
        case .average: return number(store.pointee.samples[g].mean)
        case .minimum: return number(store.pointee.samples[g].minimum)
        case .maximum: return number(store.pointee.samples[g].maximum)
        case .stddev: return number(store.pointee.samples[g].populationStandardDeviation)
        case .quantile: return number(store.pointee.samples[g].quantile(op.number))
        case .distinct: return .number(Double(store.pointee.distinct[g].distinctCount))
        case .eventRate: return .number(Double(store.pointee.samples[g].count) / (Double(store.pointee.node.milliseconds) / 1000))
        case .zscore:
            guard let x = Self.numeric(value(op.b)), let mean = store.pointee.samples[g].mean,
                let sd = store.pointee.samples[g].populationStandardDeviation, sd > 0
            else { return .missing }
            return .number((x - mean) / sd)
        case .counterRate: return number(store.pointee.counterValue(g, now: currentTime, perSecond: true))
        case .counterIncrease: return number(store.pointee.counterValue(g, now: currentTime, perSecond: false))
        case .histogramQuantile: return number(store.pointee.histogramQuantile(g, q: op.number, now: currentTime))
        case .psi: return number(store.pointee.categories[g].psi)
        }
    }
}

extension ByteHashing {
    /// An order-independent hash of a JSON object's members, so `{"a":1,"b":2}` and `{"b":2,"a":1}` are one series.
    static func unorderedPairs(_ object: RawObject) -> UInt64 {
        var total: UInt64 = 0
        object.forEachMember { key, value in
            var h = hash(key.buffer)
            hash(identity(value) ?? 0, into: &h)
            h ^= h >> 33
            h &*= 0xff51_afd7_ed55_8ccd
            total &+= h
        }
        return total
    }
}
