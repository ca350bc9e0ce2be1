import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
@testable import SentinelServe
import SentinelCompile
import SentinelStore
import Testing

/// The review page's forms: URL-encoded bodies decoded by hand (no trap on a stray `%`), silences from an alert's
/// matchers as browsers send them, and failures answered as HTML pages.
@Suite struct ReviewFormTests {
    /// A verdict is coloured by its `safety`, not by the word "unsafe" anywhere in it (a category named so).
    @Test func aVerdictIsColouredByItsSafety() {
        #expect(ReviewPage.verdict(#"{"safety":"safe","categories":["unsafe"]}"#).hasPrefix(#"<code class="safe">"#))
        #expect(ReviewPage.verdict(#"{"safety":"unsafe","categories":[]}"#).hasPrefix(#"<code class="unsafe">"#))
        #expect(ReviewPage.verdict(#"{"safety":"controversial"}"#).hasPrefix(#"<code class="">"#))
        #expect(ReviewPage.verdict("not json").hasPrefix(#"<code class="">"#))
    }

    @Test func formBodiesDecodePlusAndPercentEscapesAndRefuseBrokenOnes() throws {
        let form = try FormBody(Array("reviewer=Jane+Doe&note=caf%C3%A9+%26+co&empty=&flag&a=1&a=2".utf8))
        #expect(form["reviewer"] == "Jane Doe")
        #expect(form["note"] == "café & co")
        #expect(form["empty"] == "")
        #expect(form["flag"] == "")
        #expect(form["a"] == "2")
        for (body, offset) in [("token=100%", 9), ("token=%4", 6), ("t=%zz", 2), ("t=%FF", 2)] {
            #expect(throws: FormBody.Malformed.self, "\(body)") { try FormBody(Array(body.utf8)) }
            do {
                _ = try FormBody(Array(body.utf8))
            } catch {
                #expect(error.offset == offset, "\(body)")
            }
        }
    }

    static func server(
        writeToken: String, storePath: String = NSTemporaryDirectory() + "sentinel-review-\(UUID().uuidString).db"
    ) throws -> SentinelServer {
        var configuration = ServiceConfiguration()
        configuration.auth.writeToken = writeToken
        let rules = try ServerRoutesTests.ruleFile(ServerRoutesTests.rules)
        configuration.rules = [rules]
        let graph = try #require(Configuration.load(rules: [rules], policies: []).graph)
        let store = try SQLiteFindingsStore(path: storePath)
        return try SentinelServer(
            configuration: configuration, graph: graph, store: store, reloadSources: { [configuration] in (configuration, []) },
            logger: Logger(label: "test"))
    }

    /// Logs in as a reviewer with the write token; the session cookie and the form token of `page`.
    static func logIn(_ client: some TestClientProtocol, page: String) async throws -> (cookie: String, csrf: String) {
        let cookie = try await client.execute(
            uri: "/review/login", method: .post, body: ByteBuffer(string: "reviewer=ana&token=W")
        ) { response in
            try #require(response.headers[.setCookie]?.split(separator: ";").first.map(String.init))
        }
        let html = try await client.execute(uri: page, method: .get, headers: [.cookie: cookie]) { String(buffer: $0.body) }
        return (cookie, String(try #require(html.firstMatch(of: /name="csrf" value="([0-9a-f]+)"/)?.1)))
    }

    @Test func aLoginFormThatIsNotURLEncodedIsA400PageNotACrash() async throws {
        let server = try Self.server(writeToken: "W")
        try await Application(router: server.makeRouter()).test(.router) { client in
            let body = ByteBuffer(string: "reviewer=Jane+Doe&token=100%")
            try await client.execute(uri: "/review/login", method: .post, body: body) { response in
                #expect(response.status == .badRequest)
                #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
                #expect(String(buffer: response.body).contains("byte 27"))
            }
            try await client.execute(uri: "/health", method: .get) { response in #expect(response.status == .ok) }
        }
    }

    @Test func theSilenceButtonSplitsMatchersOnCRLFAsBrowsersSendThem() async throws {
        let server = try Self.server(writeToken: "W")
        try await Application(router: server.makeRouter()).test(.router) { client in
            let (cookie, csrf) = try await Self.logIn(client, page: "/review/alerts")
            // As the page writes it: values percent-encoded, so a line break in one cannot split it (`m%0A9`).
            let form = "csrf=\(csrf)&alertname=Busy&matchers=team%3Done%0D%0Amodel%3Dm%250Azz%253D1&hours=2&comment=known"
            try await client.execute(
                uri: "/review/silences", method: .post, headers: [.cookie: cookie], body: ByteBuffer(string: form)
            ) { response in
                #expect(response.status == .seeOther)
            }
        }
        let matchers = try #require(try server.store.silences().first).matchers
        #expect(matchers.map(\.name) == ["alertname", "team", "model"])
        #expect(matchers.map(\.value) == ["Busy", "one", "m\nzz=1"])
    }

    /// The silence form refuses what the API refuses: a matcher name that is no label name, a silence too short to
    /// outlive its own page; an oversized form is a 413 page, not a 500.
    @Test func theSilenceFormChecksWhatTheAPIChecksAndAnOversizedFormIsA413() async throws {
        let server = try Self.server(writeToken: "W")
        try await Application(router: server.makeRouter()).test(.router) { client in
            let (cookie, csrf) = try await Self.logIn(client, page: "/review/alerts")
            for (fields, notice) in [
                ("matchers=bad+name%3Dx&hours=2", "Not silenced: 'bad name' is not a label name"),
                ("matchers=model%3Da&hours=1e-300", "Not silenced: give a duration from a minute"),
            ] {
                try await client.execute(
                    uri: "/review/silences", method: .post, headers: [.cookie: cookie],
                    body: ByteBuffer(string: "csrf=\(csrf)&alertname=Busy&\(fields)&comment=known")
                ) { response in
                    #expect(response.status == .seeOther)
                    let location = response.headers[.location]?.removingPercentEncoding ?? ""
                    #expect(location.contains(notice), "\(location)")
                }
            }
            let big = ByteBuffer(string: "reviewer=" + String(repeating: "a", count: 70_000) + "&token=W")
            try await client.execute(uri: "/review/login", method: .post, body: big) { response in
                #expect(response.status == .contentTooLarge)
                #expect(String(buffer: response.body).contains("over the limit of 65536 bytes"))
            }
        }
        #expect(try server.store.silences().isEmpty)
    }

    @Test func aReviewFormWithAVersionTheServerNeverIssuedIsA400PageNotAConflict() async throws {
        let server = try Self.server(writeToken: "W")
        let id = try server.store.append(
            StoreBatch(findings: [Finding(time: 1, rule: "Busy", fingerprint: "f", severity: "warning", raw: "{}")]))[0]
        try await Application(router: server.makeRouter()).test(.router) { client in
            let (cookie, csrf) = try await Self.logIn(client, page: "/review/findings/\(id)")
            func submit(version: String, labels: String = "input=safe&output=unsafe") async throws -> (HTTPResponse.Status, String) {
                try await client.execute(
                    uri: "/review/findings/\(id)/review", method: .post, headers: [.cookie: cookie],
                    body: ByteBuffer(string: "csrf=\(csrf)&version=\(version)&\(labels)")
                ) { ($0.status, String(buffer: $0.body)) }
            }
            // A label that is neither is refused, not saved as "left open" over the labels a finding had.
            let (labelStatus, label) = try await submit(version: "1", labels: "input=maybe&output=UNSAFE")
            #expect(labelStatus == .badRequest)
            #expect(label.contains("field &#39;input&#39; is &#39;maybe&#39;, not &#39;safe&#39; or &#39;unsafe&#39;"), "\(label)")
            let (futureStatus, future) = try await submit(version: "99")
            #expect(futureStatus == .badRequest)
            #expect(future.contains("version 99 is not one this server issued"), "\(future)")
            #expect(future.contains("at version 1"), "\(future)")
            #expect(try await submit(version: "-1").0 == .badRequest)
            let (wordStatus, word) = try await submit(version: "two")
            #expect(wordStatus == .badRequest)
            #expect(word.contains("field &#39;version&#39; is &#39;two&#39;, not a version number"), "\(word)")
            #expect(try server.store.finding(id: id)?.review == nil)
            // The version the page issued still saves.
            #expect(try await submit(version: "1").0 == .seeOther)
        }
        #expect(try server.store.finding(id: id)?.version == 2)
    }

    @Test func aDamagedStoreRowMakesTheReviewPageAnHTMLErrorPageWithTheReason() async throws {
        let path = NSTemporaryDirectory() + "sentinel-damaged-\(UUID().uuidString).db"
        let server = try Self.server(writeToken: "W", storePath: path)
        try server.store.append(StoreBatch(findings: [Finding(time: 1, rule: "Busy", fingerprint: "f", severity: "warning", raw: "{}")]))
        let damage = Process()
        damage.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        damage.arguments = [path, "UPDATE findings SET labels = '{not json'"]
        try damage.run()
        damage.waitUntilExit()
        try #require(damage.terminationStatus == 0)
        try await Application(router: server.makeRouter()).test(.router) { client in
            let cookie = try await client.execute(
                uri: "/review/login", method: .post, body: ByteBuffer(string: "reviewer=ana&token=W")
            ) { response in
                try #require(response.headers[.setCookie]?.split(separator: ";").first.map(String.init))
            }
            try await client.execute(uri: "/review/findings", method: .get, headers: [.cookie: cookie]) { response in
                #expect(response.status == .internalServerError)
                #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
                #expect(String(buffer: response.body).contains("row 1: column &#39;labels&#39; does not hold valid JSON"))
            }
        }
    }
}
