import ServiceLifecycle
import UnixSignals

/// Reloads the configuration on every SIGHUP until shutdown. (`sentinel run` ignores SIGHUP before this
/// service starts, so an early HUP cannot kill the process.)
public struct ReloadSignalService: Service {
    let reloader: Reloader

    public init(reloader: Reloader) { self.reloader = reloader }

    public func run() async throws {
        for await _ in await UnixSignalsSequence(trapping: .sighup).cancelOnGracefulShutdown() {
            _ = await reloader.reload()
        }
    }
}
