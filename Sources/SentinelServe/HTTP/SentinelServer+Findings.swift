import Foundation
import Hummingbird
import Logging
import SentinelAct
import SentinelCore
import SentinelEvaluate
import SentinelStore
import SentinelTrace

/// `/api/v1/findings` and `/api/v1/silences`: reading findings, reviewing them, deleting them (admin), and managing
/// silences. Bodies and answers are JSON; times are RFC 3339 (queries also take epoch milliseconds).
extension SentinelServer {
    // MARK: Findings

    /// `GET /api/v1/findings?rule=&model=&flagged=&reviewed=&since=&until=&fingerprint=&limit=&cursor=`.
    func findingsResponse(_ request: Request) throws -> Response {
        let query: FindingQuery
        switch Self.findingQuery(request, paging: true) {
        case .success(let q): query = q
        case .failure(let problem): return APIResponse.error(problem.status, problem.message)
        }
        let page = try store.findings(query)
        var body = JSONText()
        body.add("findings", raw: "[" + page.findings.map(Self.json).joined(separator: ",") + "]")
        if let next = page.nextCursor { body.add("next_cursor", Int(next)) } else { body.add("next_cursor", raw: "null") }
        return APIResponse.json(.ok, body.result)
    }

    /// `GET /api/v1/findings/{id}`.
    func findingResponse(id text: String) throws -> Response {
        guard let id = Int64(text) else { return APIResponse.error(.badRequest, "finding id '\(text)' is not a number") }
        guard let finding = try store.finding(id: id) else { return APIResponse.error(.notFound, "no finding \(id)") }
        return APIResponse.json(.ok, Self.json(finding))
    }

    /// `GET /api/v1/findings/{id}/trace.html`: the traced response with its spans highlighted and the corpus
    /// documents they occur in; every piece of model and corpus text is escaped.
    func traceHTMLResponse(id text: String) throws -> Response {
        guard let id = Int64(text) else { return APIResponse.error(.badRequest, "finding id '\(text)' is not a number") }
        guard let finding = try store.finding(id: id) else { return APIResponse.error(.notFound, "no finding \(id)") }
        guard let json = finding.traceJSON, let result = try? JSONDecoder().decode(TraceResult.self, from: Data(json.utf8)) else {
            return APIResponse.error(.notFound, "finding \(id) has no trace")
        }
        return APIResponse.text(TraceHTML.render(result, output: finding.response ?? ""), contentType: "text/html; charset=utf-8")
    }

    /// `POST /api/v1/findings/{id}/review` with `{"reviewer", "input": "safe"|"unsafe"|null, "output": …, "note",
    /// "version"}`. With `version` (the one the reviewer saw), a review made meanwhile by someone else is a 409 that
    /// carries the current finding instead of being overwritten.
    func reviewResponse(id text: String, _ request: Request) async throws -> Response {
        guard let id = Int64(text) else { return APIResponse.error(.badRequest, "finding id '\(text)' is not a number") }
        struct Body: Decodable {
            var reviewer: String
            var input: ReviewLabel?
            var output: ReviewLabel?
            var note: String?
            var version: Int?
        }
        let body: Body
        switch await Self.decode(Body.self, request, limit: 64 << 10, fields: ["reviewer", "input", "output", "note", "version"]) {
        case .success(let b): body = b
        case .failure(let problem): return APIResponse.error(problem.status, problem.message, extra: problem.extra)
        }
        // Trimmed, as the page's login trims names: "   " names nobody.
        let reviewer = body.reviewer.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reviewer.isEmpty else {
            return APIResponse.error(.badRequest, "field 'reviewer' must not be empty", extra: [("field", #""reviewer""#)])
        }
        let review = Review(
            inputLabel: body.input, outputLabel: body.output, note: body.note, reviewer: reviewer, time: WallClock.now())
        do {
            guard let updated = try store.review(findingID: id, review, expectedVersion: body.version) else {
                return APIResponse.error(.notFound, "no finding \(id)")
            }
            return APIResponse.json(.ok, Self.json(updated))
        } catch let conflict as ReviewConflict {
            if conflict.isUnissuedVersion {
                return APIResponse.error(
                    .badRequest, "field 'version' is \(conflict.expected), but finding \(id) is at version \(conflict.current.version); give the version you reviewed",
                    extra: [("field", #""version""#)])
            }
            let by = conflict.current.review.map { " by \($0.reviewer)" } ?? ""
            return APIResponse.error(
                .conflict, "finding \(id) was reviewed\(by) since version \(conflict.expected); it is now version \(conflict.current.version)",
                extra: [("current", Self.json(conflict.current))])
        }
    }

    /// `DELETE /api/v1/findings?…` (admin): deletes what the filters select; without any filter `all=true` is
    /// required, so a forgotten query string cannot empty the store.
    func deleteFindingsResponse(_ request: Request) throws -> Response {
        let query: FindingQuery
        switch Self.findingQuery(request, paging: false) {
        case .success(let q): query = q
        case .failure(let problem): return APIResponse.error(problem.status, problem.message)
        }
        let filtered = query.since != nil || query.until != nil || query.rule != nil || query.model != nil
            || query.flagged != nil || query.reviewed != nil || query.fingerprint != nil
        if !filtered, request.uri.queryParameters["all"] != "true" {
            return APIResponse.error(.badRequest, "give a filter (rule, model, since, until, flagged, reviewed, fingerprint) or all=true")
        }
        let deleted = try store.deleteFindings(query)
        logger.notice("findings deleted", metadata: ["count": "\(deleted)", "query": "\(request.uri.query ?? "")"])
        return APIResponse.json(.ok, #"{"deleted":\#(deleted)}"#)
    }

    // MARK: Silences

    /// `GET /api/v1/silences`: all silences, expired ones too, newest first, each with its `status`.
    func silencesResponse() throws -> Response {
        let now = WallClock.now()
        let items = try store.silences().map { Self.json($0, now: now) }
        return APIResponse.json(.ok, #"{"silences":["# + items.joined(separator: ",") + "]}")
    }

    /// Why a silence whose matchers all match an absent label is refused (as Alertmanager refuses it): it would
    /// mute every alert.
    static let silencesEverything =
        "would match every alert: each matcher also matches a label the alert does not have; give one that does not"

    /// `POST /api/v1/silences` with Alertmanager's v2 shape: `{"matchers": [{"name", "value", "isRegex",
    /// "isEqual"}], "startsAt", "endsAt", "createdBy", "comment"}` (and `"id"` to update one). Answers
    /// `{"silenceID": …}`.
    func createSilenceResponse(_ request: Request) async throws -> Response {
        struct Body: Decodable {
            struct Matcher: Decodable {
                var name: String
                var value: String
                var isRegex: Bool?
                var isEqual: Bool?
            }
            var matchers: [Matcher]
            var startsAt: String?
            var endsAt: String
            var createdBy: String
            var comment: String
            var id: String?
        }
        let body: Body
        // Alertmanager's clients post silences back as they read them (with `status`, `updatedAt`): members beyond
        // these are ignored, as Alertmanager ignores them.
        switch await Self.decode(Body.self, request, limit: 64 << 10, fields: nil) {
        case .success(let b): body = b
        case .failure(let problem): return APIResponse.error(problem.status, problem.message, extra: problem.extra)
        }
        func bad(_ field: String, _ message: String) -> Response {
            APIResponse.error(.badRequest, "field '\(field)' \(message)", extra: [("field", JSONText.quoted(field))])
        }
        guard !body.matchers.isEmpty else { return bad("matchers", "must be a non-empty list of {name, value, isRegex, isEqual}") }
        var matchers: [SilenceMatcher] = []
        for (i, m) in body.matchers.enumerated() {
            guard LabelName.isValid(m.name) else {
                return bad("matchers[\(i)].name", "must be a label name ([a-zA-Z_][a-zA-Z0-9_]*), not '\(m.name)'")
            }
            do {
                matchers.append(try SilenceMatcher(name: m.name, value: m.value, isRegex: m.isRegex ?? false, isEqual: m.isEqual ?? true))
            } catch {
                return bad("matchers[\(i)].value", "is not a valid regular expression: \(m.value) (\(error.reason))")
            }
        }
        guard matchers.contains(where: { !$0.matches("") }) else {
            return bad("matchers", Self.silencesEverything)
        }
        let now = WallClock.now()
        let startsAt: Int64
        if let text = body.startsAt {
            guard let t = Timestamp.parseRFC3339(text) else { return bad("startsAt", "must be an RFC 3339 time") }
            startsAt = t
        } else {
            startsAt = now
        }
        guard let endsAt = Timestamp.parseRFC3339(body.endsAt) else { return bad("endsAt", "must be an RFC 3339 time") }
        guard endsAt > startsAt else { return bad("endsAt", "must be after startsAt") }
        guard !body.createdBy.isEmpty else { return bad("createdBy", "is required") }
        guard !body.comment.isEmpty else { return bad("comment", "is required") }
        let createdBy = body.createdBy
        var silence = Silence(
            matchers: matchers, startsAt: startsAt, endsAt: endsAt, createdBy: createdBy, comment: body.comment, createdAt: now,
            updatedAt: now)
        if let id = body.id {
            guard let existing = try store.silence(id: id) else { return APIResponse.error(.notFound, "no silence \(id)") }
            silence.id = id
            silence.createdAt = existing.createdAt
        }
        try store.saveSilence(silence)
        silences.put(silence)
        logger.notice("silence saved", metadata: ["id": "\(silence.id)", "by": "\(createdBy)", "until": "\(Timestamp.format(endsAt))"])
        return APIResponse.json(.ok, #"{"silenceID":"# + JSONText.quoted(silence.id) + "}")
    }

    /// `DELETE /api/v1/silences/{id}`: expires it now.
    func expireSilenceResponse(id: String) throws -> Response {
        let now = WallClock.now()
        guard try store.expireSilence(id: id, at: now), let silence = try store.silence(id: id) else {
            return APIResponse.error(.notFound, "no silence \(id)")
        }
        silences.put(silence)
        return APIResponse.json(.ok, Self.json(silence, now: now))
    }

    // MARK: Helpers

    struct Problem: Error {
        var message: String
        /// Extra members of the error object (serialised JSON), e.g. the field at fault.
        var extra: [(String, String)] = []
        /// The answer's status: 400, or 413 for a body over its limit.
        var status: HTTPResponse.Status = .badRequest
    }

    /// A request body decoded as `T`, with an error that names the field and what was wrong with it. A member
    /// not among `fields` (when given) is an error too: a misspelt key would otherwise read as an absent one.
    static func decode<T: Decodable>(_ type: T.Type, _ request: Request, limit: Int, fields: Set<String>?) async -> Result<T, Problem> {
        let buffer: ByteBuffer
        do {
            buffer = try await RequestBody.collect(request, upTo: limit)
        } catch {
            return .failure(Problem(message: error.message, status: error.status))
        }
        let data = Data(buffer.readableBytesView)
        if let fields, let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let unknown = object.keys.sorted().first(where: { !fields.contains($0) })
        {
            return .failure(
                Problem(
                    message: "unknown field '\(unknown)' (the fields are \(fields.sorted().joined(separator: ", ")))",
                    extra: [("field", JSONText.quoted(unknown))]))
        }
        do {
            return .success(try JSONDecoder().decode(T.self, from: data))
        } catch let error as DecodingError {
            func field(_ path: [any CodingKey]) -> String {
                String(path.map { key in key.intValue.map { "[\($0)]" } ?? "." + key.stringValue }.joined().trimmingPrefix("."))
            }
            switch error {
            case .keyNotFound(let key, let context):
                let name = field(context.codingPath + [key])
                return .failure(Problem(message: "field '\(name)' is required", extra: [("field", JSONText.quoted(name))]))
            case .typeMismatch(_, let context) where context.codingPath.isEmpty,
                .valueNotFound(_, let context) where context.codingPath.isEmpty:
                return .failure(Problem(message: "the body must be a JSON object"))
            case .typeMismatch(let expected, let context), .valueNotFound(let expected, let context):
                let name = field(context.codingPath)
                return .failure(Problem(message: "field '\(name)' must be \(Self.describe(expected))", extra: [("field", JSONText.quoted(name))]))
            case .dataCorrupted(let context) where !context.codingPath.isEmpty:
                let name = field(context.codingPath)
                // An enumeration's value outside its cases: say which values it takes, not Swift's type name.
                let message = Self.choices[name].map { "field '\(name)' must be \($0)" } ?? "field '\(name)': \(context.debugDescription)"
                return .failure(Problem(message: message, extra: [("field", JSONText.quoted(name))]))
            default:
                return .failure(notDecoded(data))
            }
        } catch {
            return .failure(notDecoded(data))
        }
    }

    /// Why a body JSONDecoder could not read, as near as Foundation says where: its JSON parser gives the byte;
    /// JSON it parses was refused for a number that does not fit a whole-number field (Foundation's decoder names
    /// no field then: the member whose number is not a whole number, when one is, is the field).
    private static func notDecoded(_ data: Data) -> Problem {
        do {
            let object = try JSONSerialization.jsonObject(with: data)
            let wholeNumber = "a whole number, at most 9223372036854775807"
            let unfit = (object as? [String: Any])?.filter { _, value in
                guard let number = value as? NSNumber else { return false }
                return Int64(exactly: number.doubleValue) == nil && Int64(number.stringValue) == nil
            }.keys.sorted() ?? []
            if unfit.count == 1 {
                return Problem(message: "field '\(unfit[0])' must be \(wholeNumber)", extra: [("field", JSONText.quoted(unfit[0]))])
            }
            return Problem(message: "a number in the body does not fit its field (\(wholeNumber), where one is expected)")
        } catch {
            return Problem(
                message: "the body is not valid JSON" + (JSONSyntaxProblem.reason(error, length: data.count).map { ": \($0)" } ?? ""))
        }
    }

    /// The values of the request fields that take one of a few strings, from the types they decode to.
    static let choices: [String: String] = {
        /// `"a", "b" or c`.
        func alternatives(_ values: [String]) -> String {
            values.dropLast().joined(separator: ", ") + " or " + values.last!
        }
        let label = alternatives(ReviewLabel.allCases.map { "\"\($0.rawValue)\"" } + ["null"])
        let verdict = alternatives(StoredPair.Verdict.allCases.map { "\"\($0.rawValue)\"" })
        return ["input": label, "output": label, "verdict": verdict]
    }()

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type: return "an integer"
        case is String.Type: return "a string"
        case is Bool.Type: return "true or false"
        default: return "of type \(type)"
        }
    }

    /// A request's query parameters, read as forms encode them, `+` a space (the review page's filter form, Python's
    /// `requests`: `model=llama+3` is the model `llama 3`); an empty one (an empty form field) is left out, as no
    /// filter.
    static func queryParameters(_ request: Request) -> Result<[String: String], Problem> {
        do {
            return .success(try FormBody(Array((request.uri.query ?? "").utf8)).fields.filter { !$0.value.isEmpty })
        } catch {
            return .failure(Problem(message: "the query \(error.description.replacingOccurrences(of: "the form ", with: ""))"))
        }
    }

    /// The filters of a findings query (see `queryParameters`).
    static func findingQuery(_ request: Request, paging: Bool) -> Result<FindingQuery, Problem> {
        let parameters: [String: String]
        switch queryParameters(request) {
        case .success(let read): parameters = read
        case .failure(let problem): return .failure(problem)
        }
        var query = FindingQuery()
        func time(_ name: String) -> Result<Int64?, Problem> {
            guard let text = parameters[name] else { return .success(nil) }
            if let ms = Int64(text) { return .success(ms) }
            if let t = Timestamp.parseRFC3339(text) { return .success(t) }
            return .failure(Problem(message: "'\(name)' must be an RFC 3339 time or epoch milliseconds, not '\(text)'"))
        }
        do {
            query.since = try time("since").get()
            query.until = try time("until").get()
            query.flagged = try flag("flagged", parameters["flagged"]).get()
            query.reviewed = try flag("reviewed", parameters["reviewed"]).get()
        } catch {
            return .failure(error)
        }
        query.rule = parameters["rule"]
        query.model = parameters["model"]
        query.fingerprint = parameters["fingerprint"]
        if paging {
            if let text = parameters["limit"] {
                guard let n = Int(text), (1...1000).contains(n) else {
                    return .failure(Problem(message: "'limit' must be a number from 1 to 1000, not '\(text)'"))
                }
                query.limit = n
            }
            if let text = parameters["cursor"] {
                guard let n = Int64(text) else { return .failure(Problem(message: "'cursor' must be a number, not '\(text)'")) }
                query.cursor = n
            }
        }
        return .success(query)
    }

    /// Query parameter `name` as a boolean: `true`, `false`, or nil when absent.
    static func flag(_ name: String, _ text: String?) -> Result<Bool?, Problem> {
        switch text {
        case nil: return .success(nil)
        case "true": return .success(true)
        case "false": return .success(false)
        case let other?: return .failure(Problem(message: "'\(name)' must be true or false, not '\(other)'"))
        }
    }

    static func json(_ f: Finding) -> String {
        var json = JSONText()
        json.add("id", Int(f.id))
        json.add("ts", Timestamp.format(f.time))
        json.add("rule", f.rule)
        json.add("fingerprint", f.fingerprint)
        json.add("severity", f.severity)
        json.add("labels", object: f.labels.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        json.add("event_id", optional: f.eventID)
        json.add("model", optional: f.model)
        json.add("prompt", optional: f.prompt)
        json.add("response", optional: f.response)
        json.add("prompt_guard", raw: f.promptGuard ?? "null")
        json.add("response_guard", raw: f.responseGuard ?? "null")
        json.add("flagged", f.flagged)
        json.add("raw", f.raw)
        if let review = f.review {
            var r = JSONText()
            r.add("input", optional: review.inputLabel?.rawValue)
            r.add("output", optional: review.outputLabel?.rawValue)
            r.add("note", optional: review.note)
            r.add("reviewer", review.reviewer)
            r.add("time", Timestamp.format(review.time))
            json.add("review", raw: r.result)
        } else {
            json.add("review", raw: "null")
        }
        json.add("version", f.version)
        json.add("dpo_pair_id", raw: f.dpoPairID.map { "\($0)" } ?? "null")
        json.add("trace", raw: f.traceJSON ?? "null")
        return json.result
    }

    static func json(_ s: Silence, now: Int64) -> String {
        var json = JSONText()
        json.add("id", s.id)
        let status = now < s.startsAt ? "pending" : (now < s.endsAt ? "active" : "expired")
        json.add("status", raw: #"{"state":"# + JSONText.quoted(status) + "}")
        let matchers = s.matchers.map { m -> String in
            var j = JSONText()
            j.add("name", m.name)
            j.add("value", m.value)
            j.add("isRegex", m.isRegex)
            j.add("isEqual", m.isEqual)
            return j.result
        }
        json.add("matchers", raw: "[" + matchers.joined(separator: ",") + "]")
        json.add("startsAt", Timestamp.format(s.startsAt))
        json.add("endsAt", Timestamp.format(s.endsAt))
        json.add("createdBy", s.createdBy)
        json.add("comment", s.comment)
        json.add("updatedAt", Timestamp.format(s.updatedAt))
        return json.result
    }
}

extension SentinelServer {
    // MARK: DPO pairs

    /// `GET /api/v1/dpo-pairs?model=&since=&until=&reviewed=true&dropped=true&limit=&cursor=`: newest first.
    func pairsResponse(_ request: Request) throws -> Response {
        let parameters: [String: String]
        switch Self.queryParameters(request) {
        case .success(let read): parameters = read
        case .failure(let problem): return APIResponse.error(.badRequest, problem.message)
        }
        var query = PairQuery(limit: 100)
        for (name, keyPath) in [("since", \PairQuery.since), ("until", \PairQuery.until)] {
            guard let text = parameters[name] else { continue }
            guard let value = Int64(text) ?? Timestamp.parseRFC3339(text) else {
                return APIResponse.error(.badRequest, "'\(name)' must be an RFC 3339 time or epoch milliseconds, not '\(text)'")
            }
            query[keyPath: keyPath] = value
        }
        // The `next_cursor` of the previous page: a pair's id, not a time.
        if let text = parameters["cursor"] {
            guard let id = Int64(text) else {
                return APIResponse.error(.badRequest, "'cursor' must be the number a page's next_cursor gave, not '\(text)'")
            }
            query.cursor = id
        }
        if let text = parameters["limit"] {
            guard let n = Int(text), (1...1000).contains(n) else {
                return APIResponse.error(.badRequest, "'limit' must be a number from 1 to 1000, not '\(text)'")
            }
            query.limit = n
        }
        query.model = parameters["model"]
        do {
            query.reviewedOnly = try Self.flag("reviewed", parameters["reviewed"]).get() ?? false
            query.includeDropped = try Self.flag("dropped", parameters["dropped"]).get() ?? false
        } catch {
            return APIResponse.error(.badRequest, error.message)
        }
        let pairs = try store.pairs(query)
        var body = JSONText()
        body.add("pairs", raw: "[" + pairs.map(Self.json).joined(separator: ",") + "]")
        if pairs.count == query.limit, let last = pairs.last { body.add("next_cursor", Int(last.id)) } else { body.add("next_cursor", raw: "null") }
        return APIResponse.json(.ok, body.result)
    }

    /// `POST /api/v1/dpo-pairs/{id}/review` with `{"reviewer", "verdict": "accepted"|"rejected"}`.
    func pairReviewResponse(id text: String, _ request: Request) async throws -> Response {
        guard let id = Int64(text) else { return APIResponse.error(.badRequest, "pair id '\(text)' is not a number") }
        struct Body: Decodable {
            var reviewer: String
            var verdict: StoredPair.Verdict
        }
        let body: Body
        switch await Self.decode(Body.self, request, limit: 16 << 10, fields: ["reviewer", "verdict"]) {
        case .success(let b): body = b
        case .failure(let problem): return APIResponse.error(problem.status, problem.message, extra: problem.extra)
        }
        guard !body.reviewer.isEmpty else {
            return APIResponse.error(.badRequest, "field 'reviewer' must not be empty", extra: [("field", #""reviewer""#)])
        }
        guard let pair = try store.reviewPair(id: id, verdict: body.verdict, reviewer: body.reviewer, at: WallClock.now()) else {
            return APIResponse.error(.notFound, "no DPO pair \(id)")
        }
        return APIResponse.json(.ok, Self.json(pair))
    }

    static func json(_ stored: StoredPair) -> String {
        let p = stored.pair
        var json = JSONText()
        json.add("id", Int(stored.id))
        json.add("ts", Timestamp.format(p.time))
        json.add("prompt", p.prompt)
        json.add("chosen", p.chosen)
        json.add("rejected", p.rejected)
        json.add("model", optional: p.model)
        json.add("rule", p.rule)
        json.add("categories", strings: p.categories)
        json.add("rejected_guard", raw: p.rejectedGuard ?? "null")
        json.add("chosen_guard", raw: p.chosenGuard ?? "null")
        json.add("rejected_event_id", p.rejectedEventID)
        json.add("chosen_event_id", optional: p.chosenEventID)
        json.add("source", p.source)
        json.add("safety_instruction", optional: p.safetyInstruction)
        json.add("verdict", optional: stored.verdict?.rawValue)
        json.add("reviewer", optional: stored.reviewer)
        return json.result
    }
}
