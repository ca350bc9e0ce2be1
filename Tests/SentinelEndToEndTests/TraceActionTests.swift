import Foundation
import Testing

/// The `trace` action in `sentinel run`: a matching exchange's response is traced against a local corpus index
/// built by `sentinel index build`, the result is kept with its finding and rendered as escaped HTML; a broken
/// index is a counted failure, never a stop.
@Suite(.serialized) struct TraceActionTests {
    static let corpus = [
        #"{"text":"The quick brown fox jumps over the lazy dog near the river bank. Nothing else happened.","source":"fables"}"#,
        #"{"text":"Mix the <script>alert(1)</script> powder with water and stir it for ten minutes exactly.","source":"recipes"}"#,
        #"{"text":"An unrelated document about sailing boats and the open sea.","source":"sea"}"#,
    ]

    static func files(index: String) throws -> (rules: String, policies: String, store: String) {
        let dir = try SentinelProcess.temporaryDirectory()
        let rules = dir.appendingPathComponent("rules.yaml")
        let policy = dir.appendingPathComponent("policy.yaml")
        try """
            rules:
              - {name: Unsafe, on: completion, group_by: [model], when: 'response_guard.safety == "unsafe"', labels: {team: safety}, actions: [notify, trace]}
            """.write(to: rules, atomically: true, encoding: .utf8)
        try """
            actions:
              notify: {type: notify}
              trace: {type: trace, backend: local, index: "\(index)", min_span_length: 4}
            receivers: [{name: review, type: store}]
            route: {receiver: review}
            """.write(to: policy, atomically: true, encoding: .utf8)
        return (rules.path, policy.path, dir.appendingPathComponent("s.db").path)
    }

    static let event = #"{"ts":1,"kind":"completion","id":"c-1","model":"m","prompt":"p","#
        + #""response":"Sure: mix the <script>alert(1)</script> powder with water and stir it for ten minutes exactly.","#
        + #""response_guard":{"safety":"unsafe","categories":[],"refusal":false}}"#

    @Test func theResponseIsTracedKeptWithItsFindingAndRenderedEscaped() async throws {
        let dir = try SentinelProcess.temporaryDirectory()
        let corpus = dir.appendingPathComponent("corpus.jsonl")
        try (Self.corpus.joined(separator: "\n") + "\n").write(to: corpus, atomically: true, encoding: .utf8)
        let index = dir.appendingPathComponent("index").path
        let build = try SentinelProcess.run(["index", "build", corpus.path, "--output", index, "--quiet"])
        #expect(build.status == 0, "\(build.stderr)")

        let files = try Self.files(index: index)
        let sentinel = try LiveSentinel(
            ["--rules", files.rules, "--policies", files.policies, "--store", files.store], environment: ["SENTINEL_WRITE_TOKEN": "w"])
        #expect(try await sentinel.post("/api/v1/events", Self.event).status == 202)
        #expect(try await sentinel.eventually(30) { try await sentinel.metric("sentinel_traces_total{outcome=\"traced\"}") == 1 })
        // The result reaches the store through the evaluation thread; poll the finding.
        var finding: [String: Any] = [:]
        #expect(try await sentinel.eventually {
            finding = (try await sentinel.get("/api/v1/findings").json["findings"] as? [[String: Any]])?.first ?? [:]
            return finding["trace"] is [String: Any]
        })
        let trace = try #require(finding["trace"] as? [String: Any])
        let spans = try #require(trace["spans"] as? [[String: Any]])
        #expect(!spans.isEmpty)
        #expect(spans.contains { ($0["text"] as? String)?.contains("powder with water") == true })
        let id = try #require(finding["id"] as? Int)
        let page = try await sentinel.get("/api/v1/findings/\(id)/trace.html")
        #expect(page.status == 200)
        #expect(page.headers["content-type"]?.hasPrefix("text/html") == true)
        #expect(!page.body.contains("<script>alert(1)</script>"))
        #expect(page.body.contains("&lt;script&gt;"))

        // The review page's finding marks the spans in the answer and lists where they occur, escaped.
        let cookie = try await sentinel.reviewCookie(token: "w")
        #expect(cookie.hasPrefix("sentinel_review="))
        let review = try await sentinel.get("/review/findings/\(id)", headers: ["Cookie": cookie])
        #expect(review.status == 200)
        #expect(review.body.contains("<details id=\"trace\" open>"))
        #expect(review.body.contains("<mark data-spans=\"span-0\"><a href=\"#span-0\">"))
        #expect(review.body.contains("powder with water"))
        #expect(!review.body.contains("<script>alert(1)</script>"))
        #expect(sentinel.stop() == 0)
    }

    /// `trace --batch` names a bad line by its number in the file, blank lines counted (it named line 5 as 3).
    @Test func aBadBatchLineIsNamedByItsLineInTheFile() throws {
        let dir = try SentinelProcess.temporaryDirectory()
        let corpus = dir.appendingPathComponent("corpus.jsonl")
        try (Self.corpus.joined(separator: "\n") + "\n").write(to: corpus, atomically: true, encoding: .utf8)
        let index = dir.appendingPathComponent("index").path
        #expect(try SentinelProcess.run(["index", "build", corpus.path, "--output", index, "--quiet"]).status == 0)
        let batch = dir.appendingPathComponent("batch.jsonl")
        for (line, message) in [
            ("not json", "not valid JSON: invalid value at byte 1"), ("[\"text\"]", "not a JSON object (an array)"),
            ("{\"text\": 5}", "no string \"text\" field"),
        ] {
            try "{\"text\":\"stir it for ten minutes\"}\n\n  \n\n\(line)\n".write(to: batch, atomically: true, encoding: .utf8)
            let result = try SentinelProcess.run(["trace", "--index", index, "--batch", batch.path])
            #expect(result.status == 2)
            #expect(result.stderr.contains("\(batch.path):5: \(message)"), "\(result.stderr)")
        }
    }

    @Test func aBrokenIndexIsACountedFailureAndEvaluationGoesOn() async throws {
        let dir = try SentinelProcess.temporaryDirectory()
        let broken = dir.appendingPathComponent("broken")
        try FileManager.default.createDirectory(at: broken, withIntermediateDirectories: true)
        try "{}".write(to: broken.appendingPathComponent("index.json"), atomically: true, encoding: .utf8)
        let files = try Self.files(index: broken.path)
        let sentinel = try LiveSentinel(["--rules", files.rules, "--policies", files.policies, "--store", files.store])
        #expect(try await sentinel.post("/api/v1/events", Self.event).status == 202)
        #expect(try await sentinel.eventually(30) { try await sentinel.metric("sentinel_traces_total{outcome=\"failed\"}") == 1 })
        #expect(try await sentinel.eventually { (try await sentinel.get("/api/v1/findings").json["findings"] as? [[String: Any]])?.count == 1 })
        #expect(sentinel.stderr.contains("trace failed"))

        // The index mended (built where the broken one was), the next trace uses it without a restart.
        try FileManager.default.removeItem(at: broken)
        let corpus = dir.appendingPathComponent("corpus.jsonl")
        try (Self.corpus.joined(separator: "\n") + "\n").write(to: corpus, atomically: true, encoding: .utf8)
        #expect(try SentinelProcess.run(["index", "build", corpus.path, "--output", broken.path, "--quiet"]).status == 0)
        // An hour on: while the index was built, idle time moved event time on with the wall clock, and a second
        // event a second after the first was late on a loaded machine (never evaluated, never traced).
        let second = Self.event.replacingOccurrences(of: #""id":"c-1""#, with: #""id":"c-2""#).replacingOccurrences(of: #""ts":1"#, with: #""ts":3600"#)
        #expect(try await sentinel.post("/api/v1/events", second).status == 202)
        #expect(try await sentinel.eventually(30) { try await sentinel.metric("sentinel_traces_total{outcome=\"traced\"}") == 1 })
        #expect(sentinel.stop() == 0)
    }
}
