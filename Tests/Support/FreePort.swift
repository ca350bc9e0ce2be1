#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A TCP port on 127.0.0.1 that nothing listens on: bound to port 0, read back, closed.
public enum FreePort {
    public static func find() -> Int {
        let (port, release) = reserve()
        release()
        return port
    }
}

extension FreePort {
    /// A port that refuses connections until `release` is called: bound (so no other test can take it) but not
    /// listening. For a receiver that is "down" and later comes up on the same port.
    public static func reserve() -> (port: Int, release: @Sendable () -> Void) {
        #if canImport(Glibc)
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                _ = bind(fd, raw, length)
                _ = getsockname(fd, raw, &length)
            }
        }
        return (Int(UInt16(bigEndian: address.sin_port)), { _ = close(fd) })
    }
}
