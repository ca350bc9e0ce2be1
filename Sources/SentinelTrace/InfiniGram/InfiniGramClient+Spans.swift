extension InfiniGramClient {
    /// The maximal spans of one sentence (infini-gram's `attribute()` rules, as ``LocalIndex`` applies them),
    /// found with `count` queries.
    ///
    /// From one start word to the next the longest match never shrinks (a suffix of a match matches), so a start
    /// only needs probing beyond the longest match found before it (which a kept span never reaches past) and
    /// the minimum length: if that much does not occur, the start cannot give a new maximal span. When it does,
    /// the match is extended by doubling steps, then bisected. A query over the API's token limit (its
    /// `MAX_QUERY_TOKENS`, 500 Llama tokens, which a list of numbers or non-Latin text reaches well within
    /// `maxQueryBytes`) reads as not occurring: the span ends before it, as it would at the byte limit.
    func maximalSpans(
        in sentence: Range<Int>, of output: OutputText, options: TraceOptions, budget: RequestBudget
    ) async throws -> [SpanCandidate] {
        var found: [SpanCandidate] = []
        var longest = -1
        for word in sentence {
            let stops = output.stopsFromWord[word]
            guard options.minSpanLength <= stops.count else { break }
            let shortest = stops.lowerBound + options.minSpanLength - 1
            guard output.wordCount(from: word, to: shortest) >= options.minSpanLength else { break }
            let start = output.words[word].lowerBound
            guard let furthest = stops.last(where: { output.stops[$0].byte - start <= configuration.maxQueryBytes })
            else { continue }
            let lowest = max(shortest, longest + 1)
            guard lowest <= furthest else { continue }
            let count = { (stop: Int) in
                try await self.count(output.text(output.bytes(from: word, to: stop)), budget: budget) ?? 0
            }
            var matched = (stop: lowest, count: try await count(lowest))
            guard matched.count > 0 else { continue }
            var failed = furthest + 1
            var step = 1
            while matched.stop + 1 < failed {
                let next = min(matched.stop + step, failed - 1)
                let occurrences = try await count(next)
                guard occurrences > 0 else {
                    failed = next
                    break
                }
                matched = (next, occurrences)
                step *= 2
            }
            while failed - matched.stop > 1 {
                let middle = (matched.stop + failed) / 2
                let occurrences = try await count(middle)
                if occurrences > 0 { matched = (middle, occurrences) } else { failed = middle }
            }
            longest = matched.stop
            if matched.count <= options.maxFrequency {
                found.append(SpanCandidate(word: word, stop: matched.stop, count: matched.count))
            }
        }
        return found
    }

    /// Occurrences of `query`; nil when it is longer than the API takes.
    private func count(_ query: String, budget: RequestBudget) async throws -> Int? {
        let request = InfiniGramRequest(index: configuration.index, queryType: "count", query: query)
        do {
            return try await send(request, as: InfiniGramCount.self, budget: budget).count
        } catch TraceError.api(_, let message) where message.hasPrefix("Please limit your input to <=") {
            return nil
        }
    }
}
