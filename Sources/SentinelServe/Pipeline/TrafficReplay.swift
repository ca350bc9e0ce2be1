import Dispatch
import Logging
import SentinelCore
import SentinelEvaluate
import Synchronization

/// Replays recorded traffic (JSON Lines in the recorded-traffic format, e.g. a tap) into the live pipeline, paced
/// by event time: an event is queued once `(ts − first ts) / speed` has passed since the replay began, so a
/// recording plays back `speed` times faster than it happened. Speed 0 queues events as fast as evaluation takes
/// them. A line that is not a valid event is logged with its file and line number and skipped; the files are
/// only read. An event more than `maxGap` of event time away from the one before (an outlier timestamp, `ts: 0`, a
/// long pause, files of different days) is logged with its file and line and not waited for: pacing starts anew
/// from it, so one line dated years ahead cannot hold every later line back for months.
public final class TrafficReplay: Sendable {
    /// How far the replay has come, for the overview and the log.
    public struct Progress: Sendable {
        public var events = 0
        public var malformed = 0
        /// Events more than `maxGap` of event time away from the one before, from which pacing started anew.
        public var jumps = 0
        /// The file being read, nil before the start and after the end.
        public var file: String?
        public var finished = false
        /// Why the replay stopped early (an unreadable file), if it did.
        public var failure: String?
    }

    public let files: [String]
    public let speed: Double
    private let state = Mutex(Progress())
    /// Events that fall due within this much of each other are queued as one batch.
    private static let batchWindow = Duration.milliseconds(10)
    private static let maxBatch = 4_096
    /// The largest distance in event time between two events that the replay paces; a larger one is not waited for.
    public static let maxGap = Duration.seconds(3_600)
    /// Problems of each kind (malformed lines, jumps) logged before the rest are only counted.
    private static let loggedProblems = 20

    public init(files: [String], speed: Double) {
        precondition(speed >= 0, "replay speed must not be negative")
        self.files = files
        self.speed = speed
    }

    public var progress: Progress { state.withLock { $0 } }

    /// Reads every file in order and queues its events into `server`; returns when all are queued, throws
    /// `CancellationError` when cancelled (shutdown) while waiting for the next event to fall due.
    public func run(into server: SentinelServer, logger: Logger) async throws {
        let clock = ContinuousClock()
        let began = clock.now
        // Event `origin` is due at `paced`; both move to an event that jumps more than `maxGap`.
        var paced = began
        var origin: Int64?
        var previous: Int64?
        var pending = EventBatch(bytes: [], lines: [], source: .replay)
        // Checks what the server's HTTP endpoint checks; renewed at each batch, so a reload's graph applies.
        var events = EventBatchReader(fieldTypes: await server.fieldTypes())

        func flush() async {
            guard pending.count > 0 else { return }
            pending.acceptedAt = DispatchTime.now().uptimeNanoseconds
            let batch = pending
            pending = EventBatch(bytes: [], lines: [], source: .replay)
            await server.submit(batch)
            state.withLock { $0.events += batch.count }
            events = EventBatchReader(fieldTypes: await server.fieldTypes())
        }

        for file in files {
            state.withLock { $0.file = file }
            let reader: LineReader
            do {
                reader = try LineReader(path: file)
            } catch {
                state.withLock { $0.failure = error.description }
                logger.error("replay cannot read a file", metadata: ["file": "\(file)", "error": "\(error.message)"])
                break
            }
            do {
                while let (line, number) = try reader.next() {
                    if LineReader.isBlank(line) { continue }
                    let header: EventHeader
                    let answer: AnswerObservation?
                    do {
                        (header, answer) = try events.readLine(line)
                    } catch {
                        if count(\.malformed) {
                            logger.warning("replay skipped a malformed line", metadata: ["at": "\(file):\(number)", "error": "\(error)"])
                        }
                        continue
                    }
                    if let before = previous, let gap = Self.jump(from: before, to: header.timestamp) {
                        if count(\.jumps) {
                            logger.warning(
                                "replay: an event is far from the one before in event time; not waited for, pacing starts anew from it",
                                metadata: ["at": "\(file):\(number)", "gap": "\(gap)"])
                        }
                        origin = header.timestamp
                        paced = clock.now
                    }
                    previous = header.timestamp
                    if speed > 0 {
                        let start = origin ?? header.timestamp
                        origin = start
                        let due = paced + Self.scaled(milliseconds: header.timestamp - start, speed: speed)
                        if due - clock.now > Self.batchWindow {
                            await flush()
                            try await clock.sleep(until: due)
                        }
                    }
                    let from = pending.bytes.count
                    pending.bytes.append(contentsOf: line)
                    pending.lines.append(from..<pending.bytes.count)
                    pending.include(timestamp: header.timestamp)
                    if let answer { pending.answers.append(answer) }
                    if pending.count >= Self.maxBatch { await flush() }
                }
            } catch let error as LineReaderError {
                state.withLock { $0.failure = error.description }
                logger.error("replay stopped: a file failed while reading", metadata: ["error": "\(error)"])
                break
            }
        }
        await flush()
        let final = state.withLock { progress in
            progress.file = nil
            progress.finished = true
            return progress
        }
        logger.notice(
            "replay finished",
            metadata: [
                "events": "\(final.events)", "malformed": "\(final.malformed)", "jumps": "\(final.jumps)",
                "seconds": "\((clock.now - began).seconds)",
            ])
    }

    /// The event-time distance from `previous` to `next` (`+3650d`, `-2h`) when it is more than `maxGap`.
    static func jump(from previous: Int64, to next: Int64) -> String? {
        // Event times lie within years 0000–9999, so the difference fits.
        let gap = next - previous
        guard gap.magnitude > UInt64(maxGap.seconds * 1000) else { return nil }
        return (gap > 0 ? "+" : "") + DurationLiteral.format(milliseconds: gap)
    }

    /// Counts a problem of one kind; true while its kind is still logged.
    private func count(_ kind: WritableKeyPath<Progress, Int>) -> Bool {
        state.withLock { progress in
            progress[keyPath: kind] += 1
            return progress[keyPath: kind] <= Self.loggedProblems
        }
    }

    /// Event-time distance `milliseconds` played back at `speed`, clamped to what a `Duration` sleep can take.
    static func scaled(milliseconds: Int64, speed: Double) -> Duration {
        let nanoseconds = Double(max(milliseconds, 0)) * 1e6 / speed
        return .nanoseconds(Int64(min(nanoseconds, 1e17)))
    }
}
