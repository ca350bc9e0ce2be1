import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A `sentinel run` process on a free loopback port, for end-to-end tests over real HTTP. Its state is set once in
/// `init`; afterwards it only reads files and sends requests, so tasks may share it.
final class LiveSentinel: @unchecked Sendable {
    let process = Process()
    let directory: URL
    private(set) var baseURL: URL!

    /// Starts `sentinel run ARGUMENTS --listen 127.0.0.1:0` and waits until it prints its URL. Without a
    /// `--store` argument the store is a fresh file in the process's own temporary folder.
    init(_ arguments: [String], environment: [String: String] = [:]) throws {
        directory = try SentinelProcess.temporaryDirectory()
        process.executableURL = SentinelProcess.executable
        let store = arguments.contains("--store") ? [] : ["--store", directory.appendingPathComponent("sentinel.db").path]
        process.arguments = ["run", "--listen", "127.0.0.1:0"] + store + arguments
        process.currentDirectoryURL = SentinelProcess.packageRoot
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if let line = stdout.split(separator: "\n").first(where: { $0.hasPrefix("listening on ") }) {
                baseURL = URL(string: String(line.dropFirst("listening on ".count)))!
                return
            }
            guard process.isRunning else { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        process.terminate()
        throw StartFailure(stderr: stderr)
    }

    struct StartFailure: Error, CustomStringConvertible {
        var stderr: String
        var description: String { "sentinel run did not start:\n\(stderr)" }
    }

    var stdoutURL: URL { directory.appendingPathComponent("stdout") }
    var stderrURL: URL { directory.appendingPathComponent("stderr") }
    var stdout: String { (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }

    /// SIGTERM, then waits for a clean exit; returns the exit status.
    @discardableResult
    func stop() -> Int32 {
        if process.isRunning {
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
        }
        return process.terminationStatus
    }

    func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    deinit {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    struct Reply {
        var status: Int
        var body: String
        var headers: [String: String]

        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:] }
    }

    func request(
        _ method: String, _ path: String, body: Data? = nil, headers: [String: String] = [:]
    ) async throws -> Reply {
        var request = URLRequest(url: URL(string: path, relativeTo: baseURL)!)
        request.httpMethod = method
        request.httpBody = body
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as! HTTPURLResponse
        var fields: [String: String] = [:]
        for (name, value) in http.allHeaderFields { fields[String(describing: name).lowercased()] = String(describing: value) }
        return Reply(status: http.statusCode, body: String(decoding: data, as: UTF8.self), headers: fields)
    }

    /// Logs in to the review page with `token` and returns the session cookie (`name=value`) to send as `Cookie`.
    func reviewCookie(token: String, reviewer: String = "tester") async throws -> String {
        var request = URLRequest(url: URL(string: "/review/login", relativeTo: baseURL)!)
        request.httpMethod = "POST"
        request.httpBody = Data("reviewer=\(reviewer)&token=\(token)".utf8)
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        let session = URLSession(configuration: .ephemeral, delegate: NoRedirects(), delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }
        let (_, response) = try await session.data(for: request)
        let cookie = (response as? HTTPURLResponse)?.value(forHTTPHeaderField: "Set-Cookie") ?? ""
        return String(cookie.prefix { $0 != ";" })
    }

    /// Hands a redirect back to the caller instead of following it.
    private final class NoRedirects: NSObject, URLSessionTaskDelegate {
        func urlSession(
            _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
            newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void
        ) { completionHandler(nil) }
    }

    func get(_ path: String, headers: [String: String] = [:]) async throws -> Reply {
        try await request("GET", path, headers: headers)
    }

    func post(_ path: String, _ body: String, headers: [String: String] = [:]) async throws -> Reply {
        try await request("POST", path, body: Data(body.utf8), headers: headers)
    }

    /// The value of an unlabelled or exactly-labelled sample in `GET /metrics`.
    func metric(_ sample: String) async throws -> Double? {
        let text = try await get("/metrics").body
        for line in text.split(separator: "\n") where line.hasPrefix(sample + " ") {
            return Double(line.dropFirst(sample.count + 1))
        }
        return nil
    }

    /// The lines of a tap folder, in file-name order: the order the engine evaluated them.
    static func tapLines(_ tap: URL) throws -> [Substring] {
        try FileManager.default.contentsOfDirectory(atPath: tap.path).sorted().flatMap { file in
            try String(contentsOf: tap.appendingPathComponent(file), encoding: .utf8).split(separator: "\n")
        }
    }

    /// The events of a tap folder as JSON objects.
    static func tapEvents(_ tap: URL) throws -> [[String: Any]] {
        try tapLines(tap).map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
    }

    /// Polls until `condition` holds or `seconds` pass.
    func eventually(_ seconds: Double = 20, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }
}
