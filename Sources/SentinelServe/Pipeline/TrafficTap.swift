import Foundation
import SentinelCore
import SentinelEvaluate

/// Writes every event the engine evaluates, in evaluation order, to rotating JSON Lines files in the
/// recorded-traffic format: `sentinel dry-run DIR/*.jsonl` replays them in name order and reproduces the run.
///
/// Files are named `tap-<UTC start time>-<sequence>.jsonl` (eight digits, so that name order is write order
/// within a second too), so name order is write order across restarts. A file is closed at `maxFileBytes` and the
/// oldest files beyond `maxFiles` are deleted (0 keeps all). Buffered; the evaluation loop flushes when idle and at
/// shutdown. A file that cannot be opened or written (the folder removed, a full disk) costs the events meanwhile,
/// never memory: they are dropped and counted, a write that failed part-way is cut back to its last whole line, and
/// the same file is opened again once a second (its folder made again when it is gone) until a write succeeds; no
/// file is made or pruned meanwhile. Failures go to `onProblem` when they start or change, then once a minute.
/// Used from one thread only.
public final class TrafficTap: @unchecked Sendable {
    /// What `onProblem` reports.
    public enum Problem: Sendable, Equatable {
        /// The file could not be opened or written: `failures` times since the last report.
        case failed(path: String, reason: String, failures: Int)
        /// Events not written because no file could take them.
        case dropped(events: Int)
        /// A write succeeded after failures.
        case recovered(path: String)
    }

    public let directory: String
    public let maxFileBytes: Int
    public let maxFiles: Int
    /// How long after a failure the file is tried again.
    let retryNanoseconds: UInt64
    /// Told of failures, of the events they cost (at each flush) and of the recovery.
    public var onProblem: (Problem) -> Void = { _ in }
    /// Opens a tap file for appending (a test stands in a device that fails).
    var openFile: (String) -> Int32 = { open($0, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644) }
    private var descriptor: Int32 = -1
    /// Bytes of the current file on disk.
    private var writtenBytes = 0
    /// The last file's sequence number in this run (a test starts it high).
    var sequence = 0
    private var buffer: [UInt8] = []
    /// Lines in `buffer`.
    private var bufferedLines = 0
    /// Lines dropped since the last report.
    private var unreportedDrops = 0
    /// Since a failure, until a write succeeds.
    private var failing = false
    /// While no file is open after a failure: when (uptime, nanoseconds) to open it again.
    private var retryAt: UInt64 = 0
    /// When failures are reported, by reason.
    private var failureReport = RepeatedFailureReport<String>()
    /// The file being written (or to be opened again after a failure).
    public private(set) var currentPath: String?

    /// Why the tap's folder cannot be used.
    public struct FolderError: Error, CustomStringConvertible {
        public let directory: String
        public let reason: String
        public var description: String { "tap folder '\(directory)' cannot be created: \(reason)" }
    }

    /// Creates the folder if needed. Throws `FolderError` when it cannot be created.
    public init(directory: String, maxFileBytes: Int = 128 << 20, maxFiles: Int = 0, retryAfter: Duration = .seconds(1)) throws(FolderError) {
        self.directory = directory
        self.maxFileBytes = maxFileBytes
        self.maxFiles = maxFiles
        retryNanoseconds = UInt64(retryAfter / .nanoseconds(1))
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            // Foundation's own text names no cause ("error 512"); the POSIX error under it does.
            let posix = ((error as NSError).userInfo[NSUnderlyingErrorKey] as? any Error).map { ($0 as NSError).code }
            throw FolderError(
                directory: directory, reason: posix.map { String(cString: strerror(Int32($0))) } ?? error.localizedDescription)
        }
        buffer.reserveCapacity(1 << 16)
    }

    deinit { close() }

    public func write(_ line: UnsafeRawBufferPointer) {
        if descriptor < 0 {
            guard DispatchTime.now().uptimeNanoseconds >= retryAt else {
                unreportedDrops += 1
                return
            }
            if currentPath == nil { rotate() } else { reopen() }
        } else if writtenBytes + buffer.count >= maxFileBytes, !failing {
            rotate()
        }
        guard descriptor >= 0 else {
            unreportedDrops += 1
            return
        }
        buffer.append(contentsOf: line)
        buffer.append(0x0A)
        bufferedLines += 1
        if buffer.count >= 1 << 16 { flush() }
    }

    public func flush() {
        if !buffer.isEmpty, descriptor >= 0 {
            let code = buffer.withUnsafeBytes { raw -> Int32 in
                var offset = 0
                while offset < raw.count {
                    let n = Foundation.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                    if n < 0 {
                        if errno == EINTR { continue }
                        return errno
                    }
                    offset += n
                }
                return 0
            }
            if code == 0 {
                writtenBytes += buffer.count
                if failing {
                    failing = false
                    failureReport.ended()
                    onProblem(.recovered(path: currentPath ?? directory))
                }
            } else {
                // Whatever part reached the file is cut off, so that it holds whole lines; the lines are lost.
                _ = ftruncate(descriptor, off_t(writtenBytes))
                Foundation.close(descriptor)
                descriptor = -1
                unreportedDrops += bufferedLines
                fail(errno: code)
            }
        }
        buffer.removeAll(keepingCapacity: true)
        bufferedLines = 0
        if unreportedDrops > 0 {
            onProblem(.dropped(events: unreportedDrops))
            unreportedDrops = 0
        }
    }

    public func close() {
        flush()
        if descriptor >= 0 {
            fsync(descriptor)
            Foundation.close(descriptor)
            descriptor = -1
        }
    }

    /// Closes the file and starts the next one.
    private func rotate() {
        close()
        sequence += 1
        let seconds = Int64(Date().timeIntervalSince1970) * 1000
        let stamp = Timestamp.format(seconds).replacingOccurrences(of: ":", with: "").replacingOccurrences(of: "-", with: "")
        currentPath = (directory as NSString).appendingPathComponent(String(format: "tap-%@-%08d.jsonl", stamp, sequence))
        writtenBytes = 0
        reopen()
        if descriptor >= 0, !failing { pruneOldFiles() }
    }

    /// Opens `currentPath` for appending, making the folder again when it is gone.
    private func reopen() {
        guard let path = currentPath else { return }
        descriptor = openFile(path)
        if descriptor < 0, errno == ENOENT,
            (try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)) != nil
        {
            descriptor = openFile(path)
        }
        guard descriptor >= 0 else { return fail(errno: errno) }
        let size = lseek(descriptor, 0, SEEK_END)
        writtenBytes = size >= 0 ? Int(size) : 0
    }

    private func fail(errno code: Int32) {
        failing = true
        retryAt = DispatchTime.now().uptimeNanoseconds + retryNanoseconds
        let reason = String(cString: strerror(code))
        guard let skipped = failureReport.shouldReport(reason) else { return }
        onProblem(.failed(path: currentPath ?? directory, reason: reason, failures: skipped + 1))
    }

    private func pruneOldFiles() {
        guard maxFiles > 0 else { return }
        for path in Self.files(in: directory).dropLast(maxFiles) where path != currentPath {
            try? FileManager.default.removeItem(atPath: path)
        }
    }

    /// The paths of the tap files in `directory`, in write order (empty when it cannot be read): by start time,
    /// then by sequence as a number (files of earlier versions have four digits).
    public static func files(in directory: String) -> [String] {
        func order(_ name: String) -> (String, Int) {
            let stem = name.dropLast(".jsonl".count)
            guard let dash = stem.lastIndex(of: "-"), let sequence = Int(stem[stem.index(after: dash)...]) else {
                return (String(stem), 0)
            }
            return (String(stem[..<dash]), sequence)
        }
        return ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasPrefix("tap-") && $0.hasSuffix(".jsonl") }
            .sorted { order($0) < order($1) }
            .map { (directory as NSString).appendingPathComponent($0) }
    }
}
