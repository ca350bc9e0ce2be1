import Hummingbird
import HummingbirdCore
import NIOCore

extension SentinelServer {
    /// How long a connection may go without sending a request part (head, body chunk, end) while a request is
    /// being read, or without a request at all between requests, before it is closed.
    public static let idleTimeout = TimeAmount.seconds(30)

    /// The HTTP/1.1 server to serve `makeRouter()` with: a client that stalls in a request's head or body, or
    /// leaves a connection idle, is dropped after `idleTimeout`, so partial requests cannot pile up and take every
    /// file descriptor. A request already read is answered however long it takes.
    ///
    /// ```swift
    /// let app = Application(router: server.makeRouter(), server: SentinelServer.httpServer(), configuration: …)
    /// ```
    public static func httpServer(idleTimeout: TimeAmount = idleTimeout) -> HTTPServerBuilder {
        .http1(configuration: HTTP1Channel.Configuration(idleTimeout: idleTimeout))
    }
}
