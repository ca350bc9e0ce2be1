import Hummingbird
import NIOCore

/// Hummingbird's basic request context plus the connection, which the disconnect and hang faults close.
struct DoubleRequestContext: RequestContext {
    /// Thrown after closing the connection on purpose, so nothing more is written.
    struct Disconnected: Error {}

    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    /// Closes the connection without a (further) response.
    func disconnect() async throws -> Never {
        try? await channel.close()
        throw Disconnected()
    }
}
