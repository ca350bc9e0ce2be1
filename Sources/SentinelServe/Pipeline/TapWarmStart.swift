import Foundation
import Logging
import SentinelEvaluate

/// Refills a new engine's windows from the traffic tap when the service starts, so that a restart does not start
/// from empty windows: 6-hour baselines, `for` timers and firing alerts go on from where the last run left them,
/// as they would in a run that never stopped (a replay of the tap).
///
/// The tap files are read in name (write) order from the newest one whose first event is at least `horizon`
/// older than the newest file's first event, so the events read reach back at least `horizon` before the last
/// one. Events go through the engine as in a replay, before the service's callbacks are wired: their transitions,
/// findings, notifications and DPO pairs belong to the run that tapped them. A line that is not an event (the last line of a
/// file cut off by a crash) is counted, logged with its file and line, and skipped; an unreadable file is logged
/// and skipped.
struct TapWarmStart {
    /// What a warm start read.
    struct Outcome: Equatable, Sendable {
        var files = 0
        var events = 0
        var malformed = 0
        /// Whether the events read reach back the whole horizon before the last one (false: the tap holds less
        /// history, so windows are only partly refilled).
        var complete = false
        /// Event time of the first event read, and the engine's after the last one (ms).
        var from: Int64?
        var through: Int64?
    }

    /// Problems logged with their position before the rest are only counted.
    static let loggedProblems = 5

    let directory: String
    let horizon: Int64
    let logger: Logger

    /// Feeds the tap's recent events to `engine` and evaluates all of them (held-back ones included).
    func run(into engine: Engine) -> Outcome {
        var outcome = Outcome()
        let (files, complete) = filesToRead()
        outcome.complete = complete
        outcome.files = files.count
        for file in files {
            do {
                let reader = try LineReader(path: file.path)
                while let (line, number) = try reader.next() {
                    if LineReader.isBlank(line) { continue }
                    do {
                        try engine.ingest(line)
                        outcome.events += 1
                    } catch {
                        outcome.malformed += 1
                        if outcome.malformed <= Self.loggedProblems {
                            logger.warning(
                                "warm start skipped a line that is not an event",
                                metadata: ["file": "\(file.path)", "line": "\(number)", "error": "\(error)"])
                        }
                    }
                }
            } catch {
                logger.warning("warm start could not read a tap file", metadata: ["file": "\(file.path)", "error": "\(error)"])
            }
        }
        engine.drain()
        outcome.from = files.lazy.compactMap(\.firstEvent).first
        outcome.through = engine.watermark == .min ? nil : engine.watermark
        return outcome
    }

    /// The files to read, oldest first, and whether they reach back the whole horizon.
    func filesToRead() -> (files: [(path: String, firstEvent: Int64?)], complete: Bool) {
        var chosen: [(path: String, firstEvent: Int64?)] = []
        var cutoff: Int64?
        for path in TrafficTap.files(in: directory).reversed() {
            let first = Self.firstEventTime(path)
            chosen.append((path, first))
            guard let first else { continue }  // nothing to read in it, nor to date it by
            guard let limit = cutoff else {
                cutoff = first > Int64.min + horizon ? first - horizon : Int64.min
                if horizon == 0 { return (chosen.reversed(), true) }
                continue
            }
            if first <= limit { return (chosen.reversed(), true) }
        }
        return (chosen.reversed(), false)
    }

    /// The time of the first event line of a tap file, nil when it has none (a file of a run that wrote nothing,
    /// or one that cannot be read).
    static func firstEventTime(_ path: String) -> Int64? {
        guard let reader = try? LineReader(path: path, chunkSize: 1 << 16) else { return nil }
        let decoder = EventDecoder(paths: [])
        while let (line, _) = try? reader.next() {
            if LineReader.isBlank(line) { continue }
            if let header = try? decoder.header(of: line) { return header.timestamp }
        }
        return nil
    }
}
