extension InfiniGramClient {
    /// Documents of a sample of the span's occurrences: `find` gives each shard's half-open range of ranks,
    /// `get_doc_by_rank` one document per rank drawn. One entry per document, by shard and index.
    func documents(of span: String, options: TraceOptions, budget: RequestBudget) async throws -> [TraceDocument] {
        guard options.maxDocumentsPerSpan > 0 else { return [] }
        let find = InfiniGramRequest(index: configuration.index, queryType: "find", query: span)
        let found = try await send(find, as: InfiniGramFind.self, budget: budget)
        var segments: [(shard: Int, ranks: Range<Int>)] = []
        var total = 0
        for (shard, pair) in found.segmentByShard.enumerated() {
            guard pair.count == 2, 0 <= pair[0], pair[0] <= pair[1], total <= Int.max - (pair[1] - pair[0]) else {
                throw TraceError.badResponse(
                    url: configuration.url, queryType: "find", reason: "segment_by_shard[\(shard)] is \(pair)")
            }
            if pair[0] < pair[1] { segments.append((shard, pair[0]..<pair[1])) }
            total += pair[1] - pair[0]
        }
        let drawn = DocumentSample.ranks(
            count: total, limit: options.maxDocumentsPerSpan, seed: DocumentSample.seed(options.seed, span: span))
        let occurrences = drawn.map { drawn in
            var rest = drawn
            for segment in segments {
                if rest < segment.ranks.count { return (shard: segment.shard, rank: segment.ranks.lowerBound + rest) }
                rest -= segment.ranks.count
            }
            preconditionFailure("rank \(drawn) beyond the \(total) occurrences")
        }
        let documents = try await occurrences.concurrentMap(limit: max(configuration.maxConcurrentRequests, 1)) {
            occurrence in
            try await document(
                of: span, shard: occurrence.shard, rank: occurrence.rank, options: options, budget: budget)
        }
        var seen = Set<[Int]>()
        return documents.filter { seen.insert([$0.shard ?? 0, $0.index]).inserted }
            .sorted { ($0.shard ?? 0, $0.index) < ($1.shard ?? 0, $1.index) }
    }

    private func document(
        of span: String, shard: Int, rank: Int, options: TraceOptions, budget: RequestBudget
    ) async throws -> TraceDocument {
        // Tokens of the document to show: the span and about as many tokens as characters of context wanted
        // (a token is ~4 characters, so that is ~2× the context on each side), within the API's 10 000.
        let tokens = min(span.utf8.count + min(max(options.contextLength, options.snippetLength), 10_000), 10_000)
        let request = InfiniGramRequest(
            index: configuration.index, queryType: "get_doc_by_rank", query: span, shard: shard, rank: rank,
            maxDisplayLength: tokens)
        let answer = try await send(request, as: InfiniGramDocument.self, budget: budget)
        let excerpt = Self.excerpt(answer.spans)
        let metadata = answer.metadata.flatMap { $0.isEmpty ? nil : $0 } ?? "{}"
        return TraceDocument(
            index: answer.documentIndex, shard: shard, metadata: metadata,
            context: excerpt.trimmed(to: options.contextLength), snippet: excerpt.trimmed(to: options.snippetLength))
    }

    /// The displayed text with its first labelled occurrence as the match. Each piece was detokenized on its own,
    /// and SentencePiece drops a piece's leading space, so pieces are joined with a space where a word would
    /// otherwise run into the next.
    static func excerpt(_ pieces: [[String?]]) -> TraceExcerpt {
        var text = ""
        var match: Range<Int>?
        var characters = 0
        for piece in pieces {
            guard let pieceText = piece.first ?? nil, !pieceText.isEmpty else { continue }
            if let last = text.unicodeScalars.last, let first = pieceText.unicodeScalars.first,
                WordCharacter.joins(WordCharacter(last.value), WordCharacter(first.value))
            {
                text += " "
                characters += 1
            }
            let length = pieceText.unicodeScalars.count
            if match == nil, piece.count > 1, piece[1] == "0" { match = characters..<characters + length }
            text += pieceText
            characters += length
        }
        return TraceExcerpt(text: text, matchStart: match?.lowerBound ?? 0, matchEnd: match?.upperBound ?? 0)
    }
}
