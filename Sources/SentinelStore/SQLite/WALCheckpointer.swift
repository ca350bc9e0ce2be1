import Dispatch
import GRDB

/// Copies the WAL back into the database file from a connection of its own, once a second, so that the fsyncs a
/// checkpoint needs never happen inside a commit. SQLite's automatic checkpoint (turned off on the store's
/// connections) would run them in whichever commit crosses 1 000 pages: on the evaluation thread, stalling it.
/// A passive checkpoint takes no write lock: commits go on while it runs.
final class WALCheckpointer: @unchecked Sendable {
    private let connection: DatabaseQueue
    private let timer: any DispatchSourceTimer
    private let queue = DispatchQueue(label: "sentinel-store-checkpoint")
    private var closed = false

    init(path: String, interval: DispatchTimeInterval = .seconds(1)) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        connection = try DatabaseQueue(path: path, configuration: configuration)
        timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + interval, repeating: interval)
        timer.setEventHandler { [connection] in
            // A failed pass (the file busy) is retried at the next tick; nothing is lost, the WAL only grows.
            _ = try? connection.writeWithoutTransaction { db in try db.checkpoint(.passive) }
        }
        timer.resume()
    }

    deinit { timer.cancel() }

    /// Stops the timer and closes the connection (after a running pass has finished). Closing twice is harmless.
    func close() throws {
        timer.cancel()
        try queue.sync {
            guard !closed else { return }
            closed = true
            try connection.close()
        }
    }
}
