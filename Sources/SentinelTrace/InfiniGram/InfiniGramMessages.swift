/// A query to the infini-gram API: one JSON object POSTed to its URL. Query strings are tokenized by the index's
/// tokenizer (Llama-2 for the `*_llama` indexes) and match only on token boundaries, which word-aligned spans
/// mostly are.
struct InfiniGramRequest: Encodable {
    let index: String
    let queryType: String
    let query: String
    /// `get_doc_by_rank`: the shard, a rank in the half-open segment `find` gave for it, and how many tokens of
    /// the document to show around the occurrence.
    var shard: Int?
    var rank: Int?
    var maxDisplayLength: Int?

    private enum CodingKeys: String, CodingKey {
        case index, query, rank
        case queryType = "query_type"
        case shard = "s"
        case maxDisplayLength = "max_disp_len"
    }
}

/// Every answer may be `{"error": "..."}` instead, with HTTP 200, 400 or 500: checked before the answer itself.
struct InfiniGramError: Decodable {
    let error: String?
}

/// `count`: `{"count": 2349754, "approx": false, ...}`.
struct InfiniGramCount: Decodable {
    let count: Int
}

/// `find`: `{"cnt": N, "segment_by_shard": [[start, end], ...]}`, one half-open range of suffix-array ranks per
/// shard.
struct InfiniGramFind: Decodable {
    let cnt: Int
    let segmentByShard: [[Int]]

    private enum CodingKeys: String, CodingKey {
        case cnt
        case segmentByShard = "segment_by_shard"
    }
}

/// `get_doc_by_rank`: the document of one occurrence. `spans` cut the displayed text into pieces `[text, label]`,
/// label `"0"` for the occurrences of the query and null between them; `metadata` is a JSON object as a string.
struct InfiniGramDocument: Decodable {
    let documentIndex: Int
    let metadata: String?
    let spans: [[String?]]

    private enum CodingKeys: String, CodingKey {
        case metadata, spans
        case documentIndex = "doc_ix"
    }
}
