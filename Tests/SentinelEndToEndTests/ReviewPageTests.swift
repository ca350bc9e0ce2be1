import Foundation
import Testing

/// The review page in a real browser (headless Chromium through chromedriver) against `sentinel run` on
/// loopback: log in, look at the main pages (screenshots kept), filter findings, review one, see a conflict with
/// another reviewer, and check the store.
@Suite(.serialized, .enabled(if: WebDriver.isInstalled, "needs chromium and chromium-driver (apt-get install chromium chromium-driver)"))
struct ReviewPageTests {
    static let read = ["Authorization": "Bearer r"]
    static let write = ["Authorization": "Bearer w"]

    @Test func aReviewerFiltersFindingsReviewsOneAndSeesAConflict() async throws {
        let sentinel = try LiveSentinel(
            ["--rules", "rules", "--policies", "policies"], environment: ["SENTINEL_WRITE_TOKEN": "w", "SENTINEL_READ_TOKEN": "r"])
        let lines = try String(contentsOf: SentinelProcess.packageRoot.appendingPathComponent("examples/traffic.jsonl"), encoding: .utf8)
            .split(separator: "\n")
        _ = try await RunCommandTests.post(lines[...], to: sentinel)
        #expect(try await sentinel.eventually {
            ((try await sentinel.get("/api/v1/findings?rule=JailbreakSuccess", headers: Self.read).json["findings"] as? [Any])?.count ?? 0) > 0
        })
        let base = sentinel.baseURL.absoluteString.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        let browser = try await WebDriver()
        do {
            let shots = sentinel.directory.appendingPathComponent("screenshots")
            try FileManager.default.createDirectory(at: shots, withIntermediateDirectories: true)
            func shoot(_ name: String) async throws {
                let png = try await browser.screenshot()
                #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
                #expect(png.count > 10_000, "\(name) screenshot looks empty")
                try png.write(to: shots.appendingPathComponent("\(name).png"))
            }

            // Pages need a login; a wrong token is refused.
            try await browser.open(base + "/review/findings")
            #expect(try await browser.currentURL.hasSuffix("/review/login"))
            try await browser.type("input[name=reviewer]", "ana")
            try await browser.type("input[name=token]", "nope")
            try await browser.clickAndWaitForPage("form button")
            #expect(try await sentinel.eventually(10) { try await browser.source.contains("Wrong token") })
            try await browser.type("input[name=reviewer]", "ana")
            try await browser.type("input[name=token]", "w")
            try await browser.clickAndWaitForPage("form button")
            #expect(try await browser.currentURL.hasSuffix("/review"))
            #expect(try await browser.source.contains("Firing critical"))
            // The last hour of event time, charted per model, and the health of what feeds the engine.
            #expect(try await browser.findAll("#activity svg").count == 3)
            #expect(try await browser.findAll("#activity polyline").count >= 9)
            #expect(try await browser.text("#activity").contains("qwen3-4b"))
            let health = try await browser.text("table")
            #expect(health.contains("ingestion") && health.contains("http 30314") && health.contains("reload"))
            try await shoot("overview")

            try await browser.open(base + "/review/alerts")
            #expect(try await browser.source.contains("findings?fingerprint="))
            try await shoot("alerts")

            // Filter the findings by rule.
            try await browser.open(base + "/review/findings")
            try await browser.type("#filters input[name=rule]", "JailbreakSuccess")
            try await browser.clickAndWaitForPage("#filters button")
            #expect(try await browser.currentURL.contains("rule=JailbreakSuccess"))
            let rows = try await browser.findAll("tbody tr")
            #expect(!rows.isEmpty)
            #expect(!(try await browser.source.contains("UnsafeAnswerRate</td>")))
            try await shoot("findings")

            // Review the first one; the note is text, never markup.
            try await browser.clickAndWaitForPage("tbody tr a")
            let findingURL = try await browser.currentURL
            let id = try #require(Int(findingURL.split(separator: "/").last ?? ""))
            try await shoot("finding")
            try await browser.click("input[name=output][value=unsafe]")
            try await browser.click("input[name=input][value=safe]")
            // A text area: a note's line breaks are kept (a one-line input dropped them), stored as LF.
            try await browser.type("textarea[name=note]", "<b>jailbreak</b> worked\nstep two")
            try await browser.clickAndWaitForPage("#review button")
            #expect(try await browser.text("#current-review").contains("<b>jailbreak</b> worked"))
            #expect(try await browser.source.contains("&lt;b&gt;jailbreak&lt;/b&gt;"))
            let stored = try await sentinel.get("/api/v1/findings/\(id)", headers: Self.read).json
            let review = try #require(stored["review"] as? [String: Any])
            #expect(review["output"] as? String == "unsafe")
            #expect(review["input"] as? String == "safe")
            #expect(review["reviewer"] as? String == "ana")
            #expect(review["note"] as? String == "<b>jailbreak</b> worked\nstep two")

            // Ben reviews through the API while Ana's page is open: her next save is a conflict, not an overwrite.
            let version = try #require(stored["version"] as? Int)
            let ben = try await sentinel.post(
                "/api/v1/findings/\(id)/review", #"{"reviewer":"ben","output":"safe","version":\#(version)}"#, headers: Self.write)
            #expect(ben.status == 200)
            try await browser.click("input[name=output][value=unsafe]")
            try await browser.clickAndWaitForPage("#review button")
            #expect(try await browser.text("#message").contains("Not saved"))
            #expect(try await browser.text("#current-review").contains("ben"))
            let after = try await sentinel.get("/api/v1/findings/\(id)", headers: Self.read).json
            #expect((after["review"] as? [String: Any])?["reviewer"] as? String == "ben")

            // A form posted without a session and its CSRF token changes nothing.
            _ = try await sentinel.post("/review/findings/\(id)/review", "output=unsafe&note=forged")
            let unchanged = try await sentinel.get("/api/v1/findings/\(id)", headers: Self.read).json
            #expect(unchanged["version"] as? Int == after["version"] as? Int)
            #expect((unchanged["review"] as? [String: Any])?["note"] as? String != "forged")
        } catch {
            await browser.quit()
            throw error
        }
        await browser.quit()
        #expect(sentinel.stop() == 0)
    }
}
