import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A real Alertmanager (Debian's `prometheus-alertmanager`) on 127.0.0.1, clustering off, grouping by `alertname`.
public enum AlertmanagerProcess {
    public static let binary = "/usr/bin/prometheus-alertmanager"

    public static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: binary) }

    /// Groups by `alertname`; pass another configuration to `with` to group otherwise.
    public static let configuration = """
        route:
          receiver: sink
          group_by: [alertname]
        receivers:
          - name: sink
        """

    /// Starts Alertmanager in a temporary folder, waits until it is ready, runs `body` with its base URL, then
    /// stops it and removes the folder.
    public static func with(configuration: String = configuration, _ body: (String) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sentinel-am-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let configFile = folder.appendingPathComponent("alertmanager.yml")
        try configuration.write(to: configFile, atomically: true, encoding: .utf8)
        let logFile = folder.appendingPathComponent("alertmanager.log")
        try Data().write(to: logFile)

        let base = "http://127.0.0.1:\(FreePort.find())"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = [
            "--config.file=\(configFile.path)", "--storage.path=\(folder.appendingPathComponent("data").path)",
            "--web.listen-address=\(base.dropFirst("http://".count))", "--cluster.listen-address=",
        ]
        let log = try FileHandle(forWritingTo: logFile)
        process.standardOutput = log
        process.standardError = log
        try process.run()
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        guard try await waitUntilReady(base) else {
            throw Failure(message: "Alertmanager did not become ready: \((try? String(contentsOf: logFile, encoding: .utf8)) ?? "")")
        }
        try await body(base)
    }

    private static func waitUntilReady(_ base: String) async throws -> Bool {
        let end = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < end {
            if let (status, _) = try? await get(base + "/-/ready"), status == 200 { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    /// The status and body of `GET url`.
    public static func get(_ url: String) async throws -> (Int, Data) {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(5))
        let body = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), Data(body.readableBytesView))
    }

    /// `GET url` as parsed JSON.
    public static func json(_ url: String) async throws -> Any {
        let (status, body) = try await get(url)
        guard status == 200 else { throw Failure(message: "GET \(url): \(status) \(String(decoding: body, as: UTF8.self))") }
        return try JSONSerialization.jsonObject(with: body)
    }

    public struct Failure: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }
}
