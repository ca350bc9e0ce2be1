import Foundation
import Logging
import SentinelEvaluate

/// Refills a new engine's windows from the traffic tap when the service starts, so that a restart does not start
/// from empty windows: 6-hour baselines, `for` timers and firing alerts go on from where the last run left them,
/// as they would in a run that never stopped (a replay of the tap).
///
/// The tap files are read in name (write) order from the newest one whose first event is at least `horizon`
/// older than the first event of a file after it, so the events read reach back at least `horizon` before the
/// last one (a newer file of older events, a replay's, does not make it read the whole tap). Events go through the engine as in a replay, before the service's callbacks are wired: their transitions,
/// findings, notifications and DPO pairs belong to the run that tapped them. A line that is not an event (the last line of a
/// file cut off by a crash) is counted, logged with its file and line, and skipped; an unreadable file is logged
/// and skipped.
struct TapWarmStart {
    /// What a warm start read.
    struct Outcome: Equatable, Sendable {
        var files = 0
        var events = 0
        var malformed = 0
        /// Events after `latest`, skipped.
        var future = 0
        /// Whether the events read reach back the whole horizon before the last one (false: the tap holds less
        /// history, so windows are only partly refilled).
        var complete = false
        /// Event time of the first event read, and the engine's after the last one (ms).
        var from: Int64?
        var through: Int64?
        /// When the newest file read that holds an event was last written (wall clock): about when the tapped
        /// stream reached `through`.
        var lastWrite: Date?
    }

    /// Problems logged with their position before the rest are only counted.
    static let loggedProblems = 5

    let directory: String
    let horizon: Int64
    let logger: Logger
    /// Events after this time (ms) are skipped: tapped while the machine's clock was ahead, one would move event
    /// time there and make every live event late until then.
    var latest = Int64.max

    /// Feeds the tap's recent events to `engine` and evaluates all of them (held-back ones included).
    func run(into engine: Engine) -> Outcome {
        var outcome = Outcome()
        let files = filesToRead()
        outcome.files = files.count
        func problem(_ tag: Int, _ error: EventDecodeError) {
            outcome.malformed += 1
            guard outcome.malformed <= Self.loggedProblems else { return }
            logger.warning(
                "warm start skipped a line that is not an event",
                metadata: ["file": "\(files[tag >> 40].path)", "line": "\(tag & (1 << 40 - 1))", "error": "\(error)"])
        }
        let headers = EventDecoder(paths: [])
        for (index, file) in files.enumerated() {
            do {
                let reader = try LineReader(path: file.path)
                while let next = try reader.nextOrSkipped() {
                    let (line, number): (UnsafeRawBufferPointer, Int)
                    switch next {
                    case .success(let read): (line, number) = read
                    case .failure(let overLong):
                        // A line over the reader's limit: skipped like any line that is not an event.
                        problem(index << 40 | (overLong.line ?? 0), EventDecodeError(message: overLong.message, offset: 0))
                        continue
                    }
                    if LineReader.isBlank(line) { continue }
                    let tag = index << 40 | number
                    if latest != .max, let time = try? headers.header(of: line).timestamp, time > latest {
                        outcome.future += 1
                        if outcome.future <= Self.loggedProblems {
                            logger.warning(
                                "warm start skipped an event later than this machine's clock allows (limits.max_future)",
                                metadata: ["file": "\(file.path)", "line": "\(number)", "ts": "\(Timestamp.format(time))"])
                        }
                        continue
                    }
                    do {
                        try engine.ingest(line)
                        outcome.events += 1
                    } catch {
                        problem(tag, error)
                    }
                }
            } catch {
                logger.warning("warm start could not read a tap file", metadata: ["file": "\(file.path)", "error": "\(error)"])
            }
        }
        engine.drain()
        outcome.from = files.lazy.compactMap(\.firstEvent).first
        outcome.through = engine.watermark == .min ? nil : engine.watermark
        outcome.lastWrite = files.last { $0.firstEvent != nil }.flatMap { file in
            (try? FileManager.default.attributesOfItem(atPath: file.path))?[.modificationDate] as? Date
        }
        if let from = outcome.from, let through = outcome.through { outcome.complete = through - from >= horizon }
        return outcome
    }

    /// The files to read, oldest first, with the time of their first event.
    func filesToRead() -> [(path: String, firstEvent: Int64?)] {
        var chosen: [(path: String, firstEvent: Int64?)] = []
        var newest: Int64?
        for path in TrafficTap.files(in: directory).reversed() {
            let first = Self.firstEventTime(path, latest: latest)
            chosen.append((path, first))
            guard let first else { continue }  // nothing to read in it, nor to date it by
            if let newest, first < newest, newest - first >= horizon { break }
            newest = max(newest ?? first, first)
            if horizon == 0 { break }
        }
        return chosen.reversed()
    }

    /// The time of the first event line of a tap file, nil when it has none (a file of a run that wrote nothing,
    /// or one that cannot be read).
    /// Events after `latest` are passed over, as `run` skips them.
    static func firstEventTime(_ path: String, latest: Int64 = .max) -> Int64? {
        guard let reader = try? LineReader(path: path, chunkSize: 1 << 16) else { return nil }
        let decoder = EventDecoder(paths: [])
        while let (line, _) = try? reader.next() {
            if LineReader.isBlank(line) { continue }
            if let header = try? decoder.header(of: line), header.timestamp <= latest { return header.timestamp }
        }
        return nil
    }
}
