import Foundation
import SentinelCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A loopback HTTP/1.1 server that answers each request with a script of raw bytes and socket actions, for the
/// wire faults a well-behaved server never makes: a reset after `[DONE]`, a body that never ends, a JSON answer to
/// a streaming request. Every request's path is recorded.
///
/// ```swift
/// let steps: [ScriptedServer.Step] = [.send(ScriptedServer.head() + ScriptedServer.chunk(sse)), .reset]
/// try await ScriptedServer.withRunning({ _ in steps }) { server in
///     _ = try await ChatClient(baseURL: server.url).stream(request)
/// }
/// ```
final class ScriptedServer: Sendable {
    /// One step of an answer.
    enum Step: Sendable {
        case send([UInt8])
        case pause(Duration)
        /// Closes with a TCP reset (linger 0).
        case reset
        /// Keeps the connection open, silent, until the server stops.
        case hold
    }

    /// `http://127.0.0.1:PORT`.
    let url: String
    private let listener: Int32
    private let stopped = Atomic<Bool>(false)
    /// Signalled when the accept loop has returned: only then may the listener's descriptor be closed. Closed
    /// earlier, its number could be reused by another test's server socket, whose connections this loop would
    /// then accept and answer with the wrong script.
    private let acceptLoopEnded = DispatchSemaphore(value: 0)
    private let paths = Mutex<[String]>([])

    /// Requests received so far, by path.
    var requestPaths: [String] { paths.withLock { $0 } }

    private init(respond: @escaping @Sendable (_ path: String) -> [Step]) throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(listener, pointer, length) == 0 && listen(listener, 16) == 0
                    && getsockname(listener, pointer, &length) == 0
            }
        }
        guard bound else {
            close(listener)
            throw POSIXError(.EADDRNOTAVAIL)
        }
        self.listener = listener
        url = "http://127.0.0.1:\(UInt16(bigEndian: address.sin_port))"
        Thread.detachNewThread { [self] in
            defer { acceptLoopEnded.signal() }
            while true {
                let connection = accept(listener, nil, nil)
                guard connection >= 0 else { return }
                Thread.detachNewThread { self.serve(connection, respond) }
            }
        }
    }

    /// Runs `body` with a server answering by `respond`, then stops it.
    static func withRunning<T>(
        _ respond: @escaping @Sendable (_ path: String) -> [Step], _ body: (ScriptedServer) async throws -> T
    ) async throws -> T {
        let server = try ScriptedServer(respond: respond)
        defer { server.stop() }
        return try await body(server)
    }

    private func stop() {
        stopped.store(true, ordering: .releasing)
        // Wakes a blocked `accept` (and fails later ones), so the loop returns before the descriptor is closed.
        shutdown(listener, Int32(SHUT_RDWR))
        acceptLoopEnded.wait()
        close(listener)
    }

    private func serve(_ connection: Int32, _ respond: (String) -> [Step]) {
        defer { close(connection) }
        while let path = readRequest(connection) {
            paths.withLock { $0.append(path) }
            for step in respond(path) {
                switch step {
                case .send(let bytes):
                    guard bytes.withUnsafeBytes({ send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == bytes.count
                    else { return }
                case .pause(let duration):
                    Thread.sleep(forTimeInterval: duration.seconds)
                case .reset:
                    var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
                    setsockopt(connection, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
                    return
                case .hold:
                    while !stopped.load(ordering: .acquiring) { Thread.sleep(forTimeInterval: 0.05) }
                    return
                }
            }
        }
    }

    /// Reads one request (head and `Content-Length` body); its path, or nil when the client closed.
    private func readRequest(_ connection: Int32) -> String? {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let separator = Array("\r\n\r\n".utf8)
        while true {
            if let end = received.firstRange(of: separator) {
                let head = String(decoding: received[..<end.lowerBound], as: UTF8.self)
                let length = head.split(separator: "\r\n").lazy.compactMap { line -> Int? in
                    let parts = line.split(separator: ":", maxSplits: 1)
                    guard parts.count == 2, parts[0].lowercased() == "content-length" else { return nil }
                    return Int(parts[1].trimmingCharacters(in: .whitespaces))
                }.first ?? 0
                if received.count - end.upperBound >= length {
                    return head.split(separator: " ").dropFirst().first.map(String.init) ?? "/"
                }
            }
            let n = recv(connection, &buffer, buffer.count, 0)
            guard n > 0 else { return nil }
            received += buffer[..<n]
        }
    }

    /// A `200` response head: chunked when no `length` is given.
    static func head(contentType: String = "text/event-stream", length: Int? = nil) -> [UInt8] {
        let framing = length.map { "Content-Length: \($0)" } ?? "Transfer-Encoding: chunked"
        return Array("HTTP/1.1 200 OK\r\nContent-Type: \(contentType)\r\n\(framing)\r\n\r\n".utf8)
    }

    /// One chunk of a chunked body.
    static func chunk(_ bytes: [UInt8]) -> [UInt8] {
        Array(String(bytes.count, radix: 16).utf8) + [13, 10] + bytes + [13, 10]
    }

    /// The end of a chunked body.
    static let lastChunk = Array("0\r\n\r\n".utf8)

    /// A complete JSON answer with `Content-Length`.
    static func json(_ text: String) -> [Step] {
        [.send(head(contentType: "application/json", length: text.utf8.count) + Array(text.utf8))]
    }

    /// A guard's chat completion whose message is `content`.
    static func guardAnswer(_ content: String) -> [Step] {
        var message = JSONText()
        message.add("role", "assistant")
        message.add("content", content)
        return json(#"{"choices":[{"index":0,"message":\#(message.result)}]}"#)
    }
}
