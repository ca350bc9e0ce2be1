import Hummingbird
import HummingbirdCore
import NIOCore

extension SentinelServer {
    /// How long a connection may go without sending a request part (head, body chunk, end) while a request is
    /// being read, or without a request at all between requests, before it is closed.
    public static let idleTimeout = TimeAmount.seconds(30)

    /// How long one request, head and body, may take to arrive from its first byte, however steadily its bytes
    /// come (the idle timeout restarts with each body chunk, which can be one byte). A fixed budget: at 60 s a body at the default 16 MiB
    /// limit needs about 280 KB/s, which any client posting that much has.
    public static let requestReadTimeout = TimeAmount.seconds(60)

    /// The HTTP/1.1 server to serve `makeRouter()` with: a client that stalls in a request's head or body, or
    /// leaves a connection idle, is dropped after `idleTimeout`, and one whose request takes longer than
    /// `requestReadTimeout` to arrive is answered 408 (when nothing was answered on it yet) and dropped, so partial
    /// requests cannot pile up and take every file descriptor. A request already read is answered however long it
    /// takes.
    ///
    /// ```swift
    /// let app = Application(router: server.makeRouter(), server: SentinelServer.httpServer(), configuration: …)
    /// ```
    public static func httpServer(
        idleTimeout: TimeAmount = idleTimeout, requestReadTimeout: TimeAmount = requestReadTimeout
    ) -> HTTPServerBuilder {
        .http1(
            configuration: HTTP1Channel.Configuration(
                additionalChannelHandlers: [RequestReadDeadlineHandler(timeout: requestReadTimeout)],
                idleTimeout: idleTimeout))
    }
}
