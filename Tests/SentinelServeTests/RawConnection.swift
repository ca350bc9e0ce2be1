import Dispatch
#if canImport(Glibc)
    import Glibc
#endif

/// A plain TCP connection to a local port, for requests no HTTP client would send: half a request, a chunked body
/// written by hand. Reads block a dispatch thread, never one of the few that run the server's handlers.
final class RawConnection: @unchecked Sendable {
    private let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            throw Failure(message: "cannot connect to port \(port): errno \(errno)")
        }
    }

    deinit { close(fd) }

    struct Failure: Error { var message: String }

    func send(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Everything the server sends until it closes the connection, or nil if it is still open after `seconds`.
    func readUntilClosed(seconds: Int) async -> String? {
        await read(seconds: seconds) { _ in false }
    }

    /// What the server sends up to the end of a response head, or nil if that does not come within `seconds`.
    func readResponseHead(seconds: Int) async -> String? {
        await read(seconds: seconds) { $0.contains("\r\n\r\n") }
    }

    /// What the server sends until `done` holds for it (or it closes the connection), nil after `seconds`.
    func read(seconds: Int, until done: @escaping @Sendable (String) -> Bool) async -> String? {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: self.blockingRead(seconds: seconds, until: done)) }
        }
    }

    /// Reads until `done` holds for what was received (returns it) or the server closes the connection (returns
    /// what came); nil when neither happens within `seconds`.
    private func blockingRead(seconds: Int, until done: (String) -> Bool) -> String? {
        var timeout = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n == 0 { return String(decoding: received, as: UTF8.self) }
            if n < 0 { return errno == EAGAIN || errno == EWOULDBLOCK ? nil : String(decoding: received, as: UTF8.self) }
            received += buffer[..<n]
            if done(String(decoding: received, as: UTF8.self)) { return String(decoding: received, as: UTF8.self) }
        }
    }
}
