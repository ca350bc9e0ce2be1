import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import SentinelTestSupport
import Synchronization
import Testing

/// A stand-in for the infini-gram API over a few documents: `count`, `find` and `get_doc_by_rank` with the JSON
/// shapes of `api/api_server.py`, found by naive search over bytes (a query matches wherever its UTF-8 occurs in
/// a document). Stricter than the real API in one way: a rank whose suffix does not start with the query is an
/// error, so a client reading past the half-open segment `find` gave fails.
final class InfiniGramDouble: Sendable {
    struct Request: Sendable, Hashable {
        let queryType: String
        let query: String
        let rank: Int?
    }

    private struct Shard {
        let documents: [(text: [UInt8], metadata: String)]
        /// Every (document, offset), sorted by the bytes from there to the end of the document.
        let suffixes: [(document: Int, offset: Int)]
    }

    private struct State {
        var requests: [Request] = []
        var failures: [String: Int] = [:]
        var delay: Duration?
    }

    let index: String
    /// The API's `MAX_QUERY_TOKENS`, a query's bytes standing for its tokens here (nil: no limit).
    let maxQueryTokens: Int?
    private let shards: [Shard]
    private let state = Mutex(State())

    /// `shards`: documents as (text, metadata JSON).
    init(index: String = "v4_test_llama", maxQueryTokens: Int? = nil, shards: [[(text: String, metadata: String)]]) {
        self.index = index
        self.maxQueryTokens = maxQueryTokens
        self.shards = shards.map { documents in
            let texts = documents.map { (text: Array($0.text.utf8), metadata: $0.metadata) }
            let suffixes = texts.indices.flatMap { document in texts[document].text.indices.map { (document, $0) } }
                .sorted { a, b in
                    texts[a.0].text[a.1...].lexicographicallyPrecedes(texts[b.0].text[b.1...])
                }
            return Shard(documents: texts, suffixes: suffixes.map { (document: $0.0, offset: $0.1) })
        }
    }

    /// Requests answered so far, in order.
    var requests: [Request] { state.withLock { $0.requests } }

    /// The next `times` queries of `queryType` answer HTTP 500 with an error.
    func fail(_ queryType: String, times: Int) {
        state.withLock { $0.failures[queryType, default: 0] += times }
    }

    /// Every answer waits this long first.
    func delay(_ delay: Duration?) {
        state.withLock { $0.delay = delay }
    }

    /// Runs the double on a free port of 127.0.0.1 while `body` runs with its URL.
    func serve(_ body: @Sendable (String) async throws -> Void) async throws {
        let router = Router()
        router.post("/") { request, _ in
            let data = try await request.body.collect(upTo: 1 << 20)
            return await self.respond(to: Data(data.readableBytesView))
        }
        try await LoopbackServer.serve(router) { port in try await body("http://127.0.0.1:\(port)/") }
    }

    private func respond(to body: Data) async -> Response {
        guard let request = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else {
            return Self.json(["error": "[Flask] Invalid JSON"], status: .badRequest)
        }
        let queryType = request["query_type"] as? String ?? ""
        let query = request["query"] as? String ?? ""
        let (delay, fails) = state.withLock { state in
            state.requests.append(Request(queryType: queryType, query: query, rank: request["rank"] as? Int))
            let fails = state.failures[queryType, default: 0] > 0
            if fails { state.failures[queryType]! -= 1 }
            return (state.delay, fails)
        }
        if let delay { try? await Task.sleep(for: delay) }
        if fails {
            return Self.json(["error": "[Flask] Internal server error: injected failure"], status: .internalServerError)
        }
        guard request["index"] as? String == index else {
            return Self.json(["error": "[Flask] Invalid index: \(request["index"] ?? "")"], status: .badRequest)
        }
        let needle = Array(query.utf8)
        if let maxQueryTokens, needle.count > maxQueryTokens {
            // As `api_server.py` answers it: status 200.
            return Self.json(["error": "Please limit your input to <= \(maxQueryTokens) tokens!"])
        }
        switch queryType {
        case "count":
            let count = shards.reduce(0) { $0 + segment(of: needle, in: $1).count }
            return Self.json(["count": count, "approx": false, "latency": 0.1, "token_ids": needle.map(Int.init)])
        case "find":
            let segments = shards.map { segment(of: needle, in: $0) }
            return Self.json([
                "cnt": segments.reduce(0) { $0 + $1.count },
                "segment_by_shard": segments.map { [$0.lowerBound, $0.upperBound] },
                "latency": 0.1, "token_ids": needle.map(Int.init),
            ])
        case "get_doc_by_rank":
            return document(
                needle, shard: request["s"] as? Int, rank: request["rank"] as? Int,
                maxDisplayLength: request["max_disp_len"] as? Int ?? 1000)
        default:
            return Self.json(["error": "[Flask] Invalid query_type: \(queryType)"], status: .badRequest)
        }
    }

    /// The ranks of the suffixes starting with `needle`; empty at its insertion point when there are none.
    private func segment(of needle: [UInt8], in shard: Shard) -> Range<Int> {
        let starts = { (suffix: (document: Int, offset: Int)) in
            shard.documents[suffix.document].text[suffix.offset...].starts(with: needle)
        }
        let first =
            shard.suffixes.firstIndex { suffix in
                starts(suffix)
                    || !shard.documents[suffix.document].text[suffix.offset...].lexicographicallyPrecedes(needle)
            } ?? shard.suffixes.count
        var end = first
        while end < shard.suffixes.count, starts(shard.suffixes[end]) { end += 1 }
        return first..<end
    }

    private func document(_ needle: [UInt8], shard: Int?, rank: Int?, maxDisplayLength: Int) -> Response {
        guard let shard, shards.indices.contains(shard), let rank, shards[shard].suffixes.indices.contains(rank) else {
            return Self.json(["error": "rank out of range"], status: .internalServerError)
        }
        let suffix = shards[shard].suffixes[rank]
        let document = shards[shard].documents[suffix.document]
        guard document.text[suffix.offset...].starts(with: needle) else {
            return Self.json(["error": "rank \(rank) of shard \(shard) is not an occurrence of the query"])
        }
        let start = max(0, suffix.offset - max(maxDisplayLength - needle.count, 0) / 2)
        let window = Array(document.text[start..<min(document.text.count, start + maxDisplayLength)])
        return Self.json([
            "doc_ix": suffix.document, "doc_len": document.text.count, "disp_len": window.count,
            "needle_offset": suffix.offset - start, "metadata": document.metadata, "token_ids": window.map(Int.init),
            "spans": Self.pieces(window, needle), "latency": 0.1,
        ])
    }

    /// The window cut at the occurrences of `needle`: `[text, "0"]` for each, `[text, null]` between. Each piece
    /// loses its leading space, as SentencePiece detokenizing a piece on its own does.
    private static func pieces(_ window: [UInt8], _ needle: [UInt8]) -> [[Any]] {
        var pieces: [[Any]] = []
        var plain: [UInt8] = []
        var index = 0
        func piece(_ bytes: [UInt8], _ label: Any) {
            guard !bytes.isEmpty else { return }
            let text = String(decoding: bytes, as: UTF8.self)
            pieces.append([text.hasPrefix(" ") ? String(text.dropFirst()) : text, label])
        }
        while index < window.count {
            if !needle.isEmpty, window[index...].starts(with: needle) {
                piece(plain, NSNull())
                plain = []
                piece(needle, "0")
                index += needle.count
            } else {
                plain.append(window[index])
                index += 1
            }
        }
        piece(plain, NSNull())
        return pieces
    }

    private static func json(_ object: [String: Any], status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data("{}".utf8)
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
