import Foundation
#if canImport(Glibc)
    import Glibc
#endif
import Testing

/// `sentinel run` with its SQLite store: findings from matching events, reviews with conflict detection, silences,
/// admin deletes, tokens, and everything still there after a restart.
@Suite(.serialized) struct FindingsAPITests {
    static let rules = """
        rules:
          - name: UnsafeAnswer
            on: completion
            group_by: [model]
            when: response_guard.safety == "unsafe" and count(10m) >= 1
            evidence: not response_guard.refusal
            severity: critical
            labels: {team: safety}
            actions: [notify]
          - name: Slow
            on: completion
            group_by: [model]
            when: latency_ms > 5000
            labels: {team: sre}
            actions: [notify]
        """
    static let policy = """
        actions: {notify: {type: notify}}
        receivers: [{name: log, type: log}, {name: review, type: store}]
        route:
          receiver: log
          group_wait: 1s
          routes:
            - {matchers: ['team="safety"'], receiver: review}
        """
    static let write = ["Authorization": "Bearer w-token"]
    static let admin = ["Authorization": "Bearer a-token"]

    static func setUp() throws -> (rules: String, policies: String, store: String) {
        let directory = try SentinelProcess.temporaryDirectory()
        let rules = directory.appendingPathComponent("rules.yaml")
        let policies = directory.appendingPathComponent("policy.yaml")
        try Self.rules.write(to: rules, atomically: true, encoding: .utf8)
        try Self.policy.write(to: policies, atomically: true, encoding: .utf8)
        return (rules.path, policies.path, directory.appendingPathComponent("findings.db").path)
    }

    static func start(_ files: (rules: String, policies: String, store: String)) throws -> LiveSentinel {
        try LiveSentinel(
            ["--rules", files.rules, "--policies", files.policies, "--store", files.store],
            environment: ["SENTINEL_WRITE_TOKEN": "w-token", "SENTINEL_ADMIN_TOKEN": "a-token"])
    }

    static func exchange(_ i: Int, model: String, unsafe: Bool, refusal: Bool = false, latency: Int = 100) -> String {
        let verdict = unsafe ? "unsafe" : "safe"
        return #"{"ts":"2026-05-01T12:00:\#(String(format: "%02d", i))Z","kind":"completion","id":"c-\#(i)","model":"\#(model)","#
            + #""prompt":"<b>prompt \#(i)</b>","response":"answer \#(i) \"quoted\"","latency_ms":\#(latency),"#
            + #""prompt_guard":{"safety":"safe","categories":[]},"#
            + #""response_guard":{"safety":"\#(verdict)","categories":["Violent"],"refusal":\#(refusal)}}"#
    }

    func findings(_ sentinel: LiveSentinel, _ query: String = "") async throws -> [[String: Any]] {
        try await sentinel.get("/api/v1/findings" + query).json["findings"] as? [[String: Any]] ?? []
    }

    @Test func matchingExchangesBecomeFindingsThatPeopleReview() async throws {
        let files = try Self.setUp()
        let sentinel = try Self.start(files)
        // m1: three unsafe answers, one of them refused (not evidence); m2: safe but slow (routed to log only).
        let events = [
            Self.exchange(1, model: "m1", unsafe: true), Self.exchange(2, model: "m1", unsafe: true, refusal: true),
            Self.exchange(3, model: "m1", unsafe: true), Self.exchange(4, model: "m2", unsafe: false, latency: 9_000),
        ]
        #expect(try await sentinel.post("/api/v1/events", events.joined(separator: "\n")).status == 202)
        #expect(try await sentinel.eventually { try await findings(sentinel).count == 2 })
        let all = try await findings(sentinel)
        #expect(all.map { $0["event_id"] as? String } == ["c-3", "c-1"])  // newest first
        let first = try #require(all.last)
        #expect(first["prompt"] as? String == "<b>prompt 1</b>")
        #expect(first["response"] as? String == "answer 1 \"quoted\"")
        #expect(first["flagged"] as? Bool == true)
        #expect((first["response_guard"] as? [String: Any])?["safety"] as? String == "unsafe")
        #expect((first["labels"] as? [String: String])?["model"] == "m1")
        #expect(first["version"] as? Int == 1)
        let id = try #require(first["id"] as? Int)

        // Filters and paging.
        #expect(try await findings(sentinel, "?model=m2").isEmpty)
        // The query reads as forms encode it: `+` is a space, `%2B` a plus.
        #expect(try await findings(sentinel, "?model=m+1").isEmpty)
        #expect(try await findings(sentinel, "?rule=Unsafe+Answer").isEmpty)
        #expect(try await findings(sentinel, "?model=%6D1").count == 2)
        // An alert links to its evidence through its fingerprint.
        let alerts = try await sentinel.get("/api/v1/alerts?rule=UnsafeAnswer").json["alerts"] as? [[String: Any]] ?? []
        let fingerprint = try #require(alerts.first?["fingerprint"] as? String)
        #expect(try await findings(sentinel, "?fingerprint=\(fingerprint)").count == 2)
        #expect(try await findings(sentinel, "?rule=UnsafeAnswer&reviewed=false").count == 2)
        let page = try await sentinel.get("/api/v1/findings?limit=1").json
        #expect((page["findings"] as? [[String: Any]])?.count == 1)
        let cursor = try #require(page["next_cursor"] as? Int)
        #expect(try await findings(sentinel, "?limit=1&cursor=\(cursor)").map { $0["id"] as? Int } == [id])
        #expect(try await sentinel.get("/api/v1/findings?flagged=maybe").status == 400)
        #expect(try await sentinel.get("/api/v1/findings/999999").status == 404)

        // Reviews: tokens, validation, then two reviewers who both saw version 1.
        let review = #"{"reviewer":"ana","input":"safe","output":"unsafe","note":"clear case","version":1}"#
        #expect(try await sentinel.post("/api/v1/findings/\(id)/review", review).status == 401)
        let invalid = try await sentinel.post("/api/v1/findings/\(id)/review", #"{"reviewer":"ana","input":"meh"}"#, headers: Self.write)
        #expect(invalid.status == 400)
        #expect((invalid.json["error"] as? [String: Any])?["field"] as? String == "input")
        let blank = try await sentinel.post("/api/v1/findings/\(id)/review", #"{"reviewer":"   ","output":"safe"}"#, headers: Self.write)
        #expect(blank.status == 400)
        #expect(blank.body.contains("field 'reviewer' must not be empty"))
        let noVersion = try await sentinel.post("/api/v1/findings/\(id)/review", #"{"reviewer":"ana","version":true}"#, headers: Self.write)
        #expect((noVersion.json["error"] as? [String: Any])?["message"] as? String == "field 'version' must be an integer")
        let ana = try await sentinel.post("/api/v1/findings/\(id)/review", review, headers: Self.write)
        #expect(ana.status == 200, "\(ana.body)")
        #expect(ana.json["version"] as? Int == 2)
        let ben = try await sentinel.post(
            "/api/v1/findings/\(id)/review", #"{"reviewer":"ben","output":"safe","version":1}"#, headers: Self.write)
        #expect(ben.status == 409)
        let current = (ben.json["error"] as? [String: Any])?["current"] as? [String: Any]
        #expect((current?["review"] as? [String: Any])?["reviewer"] as? String == "ana")
        // A misspelt key is refused, not read as an absent label; a version newer than the finding's is a mistake,
        // not a conflict. Neither changes the review.
        let typo = try await sentinel.post(
            "/api/v1/findings/\(id)/review", #"{"reviewer":"ben","input":"unsafe","ouptut":"safe","version":2}"#, headers: Self.write)
        #expect(typo.status == 400)
        #expect((typo.json["error"] as? [String: Any])?["field"] as? String == "ouptut")
        let future = try await sentinel.post(
            "/api/v1/findings/\(id)/review", #"{"reviewer":"ben","input":"safe","version":99}"#, headers: Self.write)
        #expect(future.status == 400)
        #expect((future.json["error"] as? [String: Any])?["field"] as? String == "version")
        let unchanged = try await sentinel.get("/api/v1/findings/\(id)").json
        #expect(unchanged["version"] as? Int == 2)
        #expect((unchanged["review"] as? [String: Any])?["output"] as? String == "unsafe")
        #expect(try await findings(sentinel, "?reviewed=false").count == 1)

        // Silences.
        let silence = #"{"matchers":[{"name":"model","value":"m1","isRegex":false,"isEqual":true}],"#
            + #""startsAt":"2026-01-01T00:00:00Z","endsAt":"2099-01-01T00:00:00Z","createdBy":"ana","comment":"known issue"}"#
        // Members of the wrong type and names that are not label names are refused, naming the field.
        for (from, to, field) in [
            (#""isRegex":false"#, #""isRegex":"true""#, "matchers[0].isRegex"),
            (#""startsAt":"2026-01-01T00:00:00Z""#, #""startsAt":1893456000"#, "startsAt"),
            (#""name":"model""#, #""name":"1 bad name""#, "matchers[0].name"),
        ] {
            let wrong = try await sentinel.post("/api/v1/silences", silence.replacingOccurrences(of: from, with: to), headers: Self.write)
            #expect(wrong.status == 400, "\(to)")
            #expect((wrong.json["error"] as? [String: Any])?["field"] as? String == field, "\(wrong.body)")
        }
        #expect(try await sentinel.get("/api/v1/dpo-pairs?reviewed=yes").status == 400)
        // A cursor is a pair id from next_cursor; a time was taken for one.
        let timeCursor = try await sentinel.get("/api/v1/dpo-pairs?cursor=2026-05-01T12:00:00Z")
        #expect(timeCursor.status == 400)
        #expect(timeCursor.body.contains("'cursor' must be the number a page's next_cursor gave"), "\(timeCursor.body)")
        #expect(try await sentinel.post("/api/v1/silences", silence).status == 401)
        #expect(try await sentinel.post("/api/v1/silences", #"{"matchers":[]}"#, headers: Self.write).status == 400)
        let badRegex = try await sentinel.post(
            "/api/v1/silences", silence.replacingOccurrences(of: #""value":"m1","isRegex":false"#, with: #""value":"(m1","isRegex":true"#),
            headers: Self.write)
        #expect(badRegex.status == 400)
        let everything = try await sentinel.post(
            "/api/v1/silences", silence.replacingOccurrences(of: #""value":"m1","isRegex":false"#, with: #""value":".*","isRegex":true"#),
            headers: Self.write)
        #expect(everything.status == 400)
        #expect(((everything.json["error"] as? [String: Any])?["message"] as? String)?.contains("would match every alert") == true)
        #expect(
            (badRegex.json["error"] as? [String: Any])?["message"] as? String
                == "field 'matchers[0].value' is not a valid regular expression: (m1 (a '(' is not closed with ')')")
        let created = try await sentinel.post("/api/v1/silences", silence, headers: Self.write)
        #expect(created.status == 200, "\(created.body)")
        let silenceID = try #require(created.json["silenceID"] as? String)
        let listed = try await sentinel.get("/api/v1/silences").json["silences"] as? [[String: Any]] ?? []
        #expect(listed.map { $0["id"] as? String } == [silenceID])
        #expect((listed.first?["status"] as? [String: Any])?["state"] as? String == "active")
        let expired = try await sentinel.request("DELETE", "/api/v1/silences/\(silenceID)", headers: Self.write)
        #expect((expired.json["status"] as? [String: Any])?["state"] as? String == "expired")

        // Deleting needs the admin token and a filter.
        #expect(try await sentinel.request("DELETE", "/api/v1/findings?rule=UnsafeAnswer", headers: Self.write).status == 401)
        #expect(try await sentinel.request("DELETE", "/api/v1/findings", headers: Self.admin).status == 400)
        #expect(sentinel.stop() == 0)

        // A restart on the same store keeps findings, reviews and silences.
        let again = try Self.start(files)
        let kept = try await findings(again)
        #expect(kept.count == 2)
        #expect(kept.contains { ($0["review"] as? [String: Any])?["note"] as? String == "clear case" })
        #expect((try await again.get("/api/v1/silences").json["silences"] as? [[String: Any]])?.count == 1)
        let deleted = try await again.request("DELETE", "/api/v1/findings?rule=UnsafeAnswer", headers: Self.admin)
        #expect(deleted.json["deleted"] as? Int == 2)
        #expect(try await findings(again).isEmpty)
        #expect(again.stop() == 0)
    }

    @Test func writeEndpointsStayClosedWithoutATokenInTheConfiguration() async throws {
        let files = try Self.setUp()
        let sentinel = try LiveSentinel(["--rules", files.rules, "--policies", files.policies, "--store", files.store])
        let reply = try await sentinel.post("/api/v1/silences", "{}")
        #expect(reply.status == 403)
        #expect(reply.body.contains("write_token"))
        #expect(try await sentinel.request("DELETE", "/api/v1/findings?all=true").status == 403)
        #expect(try await sentinel.get("/api/v1/findings").status == 200)
        sentinel.stop()
    }

    @Test func aStoreThatIsNotADatabaseStopsTheStartWithItsPath() throws {
        let files = try Self.setUp()
        try "not a database".write(toFile: files.store, atomically: true, encoding: .utf8)
        #expect(throws: LiveSentinel.StartFailure.self) {
            _ = try LiveSentinel(["--rules", files.rules, "--policies", files.policies, "--store", files.store])
        }
        let result = try SentinelProcess.run(
            ["run", "--rules", files.rules, "--policies", files.policies, "--store", files.store, "--listen", "127.0.0.1:0"])
        #expect(result.status == 2)
        #expect(result.stderr.contains(files.store))
    }

    /// A tap folder that cannot be made and an address already taken stop the start with what and where (a
    /// Foundation dump without the word tap, and NIO's `bind(descriptor:ptr:bytes:)` text, before).
    @Test func anUnusableTapFolderOrAddressStopsTheStartSayingWhich() throws {
        let files = try Self.setUp()
        let tap = try SentinelProcess.run(
            ["run", "--rules", files.rules, "--policies", files.policies, "--store", files.store, "--listen", "127.0.0.1:0",
             "--tap", files.rules + "/tap"])
        #expect(tap.status == 2)
        #expect(tap.stderr.contains("error: tap folder '\(files.rules)/tap' cannot be created: Not a directory"), "\(tap.stderr)")
        let taken = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(taken) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(taken, $0, length) } }
        _ = listen(taken, 1)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(taken, $0, &length) } }
        let port = Int(UInt16(bigEndian: address.sin_port))
        let busy = try SentinelProcess.run(
            ["run", "--rules", files.rules, "--policies", files.policies, "--store", files.store, "--listen", "127.0.0.1:\(port)"])
        #expect(busy.status == 2)
        #expect(busy.stderr.contains("error: cannot listen on 127.0.0.1:\(port) (listen, --listen or SENTINEL_LISTEN): Address already in use"), "\(busy.stderr)")
    }
}
