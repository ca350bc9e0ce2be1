import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SentinelTestSupport

/// A headless Chromium driven over the W3C WebDriver protocol by Debian's `chromedriver`, for testing the review
/// page in a real browser.
final class WebDriver: @unchecked Sendable {
    static let chromedriver = "/usr/bin/chromedriver"
    static var isInstalled: Bool {
        FileManager.default.isExecutableFile(atPath: chromedriver) && FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium")
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private let process = Process()
    private let base: URL
    private var session = ""

    init() async throws {
        let port = FreePort.find()
        base = URL(string: "http://127.0.0.1:\(port)")!
        process.executableURL = URL(fileURLWithPath: Self.chromedriver)
        process.arguments = ["--port=\(port)", "--log-path=" + FileManager.default.temporaryDirectory.appendingPathComponent("chromedriver-\(port).log").path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline {
            if let status = try? await call("GET", "/status"), (status["value"] as? [String: Any])?["ready"] as? Bool == true { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        let capabilities: [String: Any] = [
            "capabilities": [
                "alwaysMatch": [
                    "browserName": "chrome",
                    "goog:chromeOptions": [
                        "binary": "/usr/bin/chromium",
                        "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1200,900"],
                    ],
                ]
            ]
        ]
        let created = try await call("POST", "/session", capabilities)
        guard let id = (created["value"] as? [String: Any])?["sessionId"] as? String else {
            throw Failure(description: "no WebDriver session: \(created)")
        }
        session = id
    }

    func quit() async {
        _ = try? await call("DELETE", "/session/\(session)")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func open(_ url: String) async throws { _ = try await command("POST", "url", ["url": url]) }

    var currentURL: String { get async throws { try await command("GET", "url") as? String ?? "" } }
    var source: String { get async throws { try await command("GET", "source") as? String ?? "" } }

    /// The element matching a CSS selector (its WebDriver id).
    func find(_ selector: String) async throws -> String {
        let found = try await command("POST", "element", ["using": "css selector", "value": selector]) as? [String: Any]
        guard let id = found?.values.first as? String else { throw Failure(description: "no element \(selector)") }
        return id
    }

    func findAll(_ selector: String) async throws -> [String] {
        let found = try await command("POST", "elements", ["using": "css selector", "value": selector]) as? [[String: Any]] ?? []
        return found.compactMap { $0.values.first as? String }
    }

    func type(_ selector: String, _ text: String) async throws {
        let element = try await find(selector)
        _ = try await command("POST", "element/\(element)/clear", [:])
        _ = try await command("POST", "element/\(element)/value", ["text": text])
    }

    func click(_ selector: String) async throws {
        let element = try await find(selector)
        _ = try await command("POST", "element/\(element)/click", [:])
    }

    /// Clicks something that loads a new page (a link, a form's submit button) and returns once the old page is
    /// gone, so that what is read next comes from the new one. A plain `click` may return before the navigation
    /// starts; reading then finds the old page's elements, or misses the new page's (this flaked on a loaded
    /// machine).
    func clickAndWaitForPage(_ selector: String) async throws {
        let before = try await find("html")
        try await click(selector)
        let deadline = ContinuousClock.now + .seconds(20)
        var lastError = ""
        while ContinuousClock.now < deadline {
            let reply = try await call("GET", "/session/\(session)/element/\(before)/name")
            if let value = reply["value"] as? [String: Any], let error = value["error"] as? String {
                if error == "stale element reference" { return }
                // Mid-navigation chromedriver may answer "unknown error" (the new document has no execution
                // context yet; seen on a loaded CI machine): ask again until the old element is reported stale.
                lastError = "\(error): \(value["message"] ?? "")"
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        let last = lastError.isEmpty ? "" : " (last answer: \(lastError))"
        throw Failure(description: "clicking \(selector) did not load a new page within 20 s\(last)")
    }

    func text(_ selector: String) async throws -> String {
        try await command("GET", "element/\(try await find(selector))/text") as? String ?? ""
    }

    /// A PNG of the viewport.
    func screenshot() async throws -> Data {
        guard let base64 = try await command("GET", "screenshot") as? String, let data = Data(base64Encoded: base64) else {
            throw Failure(description: "no screenshot")
        }
        return data
    }

    private func command(_ method: String, _ path: String, _ body: [String: Any]? = nil) async throws -> Any? {
        let reply = try await call(method, "/session/\(session)/\(path)", body)
        if let error = (reply["value"] as? [String: Any])?["error"] as? String {
            throw Failure(description: "\(method) \(path): \(error): \((reply["value"] as? [String: Any])?["message"] ?? "")")
        }
        return reply["value"]
    }

    private func call(_ method: String, _ path: String, _ body: [String: Any]? = nil) async throws -> [String: Any] {
        var request = HTTPClientRequest(url: base.absoluteString + path)
        request.method = .init(rawValue: method)
        if let body {
            request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
            request.headers.add(name: "Content-Type", value: "application/json")
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let data = try await response.body.collect(upTo: 64 << 20)
        return (try? JSONSerialization.jsonObject(with: Data(data.readableBytesView))) as? [String: Any] ?? [:]
    }
}
