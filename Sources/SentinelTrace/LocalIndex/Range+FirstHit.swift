extension Range<Int> {
    /// What `probe` gives for the first index it gives something for, where it gives nil up to some index and a
    /// value from there on; nil when it gives nil throughout. Probes from the start with doubling steps, then
    /// bisects, so an answer k places in costs about 2 log₂ k probes, and one at the start a single probe.
    func firstHit<Value, Failure: Error>(_ probe: (Int) throws(Failure) -> Value?) throws(Failure) -> Value? {
        var miss = lowerBound - 1
        var step = 1
        var hit: (index: Int, value: Value)?
        while hit == nil, miss < upperBound - 1 {
            let index = Swift.min(miss + step, upperBound - 1)
            if let value = try probe(index) { hit = (index, value) } else { miss = index }
            step *= 2
        }
        guard var found = hit else { return nil }
        while found.index - miss > 1 {
            let middle = miss + (found.index - miss) / 2
            if let value = try probe(middle) { found = (middle, value) } else { miss = middle }
        }
        return found.value
    }
}
