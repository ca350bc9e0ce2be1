import Foundation
import SentinelEvaluate

/// Writes every event the engine evaluates, in evaluation order, to rotating JSON Lines files in the
/// recorded-traffic format: `sentinel dry-run DIR/*.jsonl` replays them in name order and reproduces the run.
///
/// Files are named `tap-<UTC start time>-<sequence>.jsonl`, so name order is write order across restarts. A
/// file is closed at `maxFileBytes` and the oldest files beyond `maxFiles` are deleted (0 keeps all).
/// Buffered; the evaluation loop flushes when idle and at shutdown. Used from one thread only.
public final class TrafficTap: @unchecked Sendable {
    public let directory: String
    public let maxFileBytes: Int
    public let maxFiles: Int
    private var descriptor: Int32 = -1
    private var fileBytes = 0
    private var sequence = 0
    private var buffer: [UInt8] = []
    public private(set) var currentPath: String?
    /// Write failures since start (a full disk, say); the tap keeps trying with the next file.
    public private(set) var errors = 0

    /// Creates the folder if needed. Throws when it cannot be created.
    public init(directory: String, maxFileBytes: Int = 128 << 20, maxFiles: Int = 0) throws {
        self.directory = directory
        self.maxFileBytes = maxFileBytes
        self.maxFiles = maxFiles
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        buffer.reserveCapacity(1 << 16)
    }

    deinit { close() }

    public func write(_ line: UnsafeRawBufferPointer) {
        if descriptor < 0 || fileBytes >= maxFileBytes { rotate() }
        buffer.append(contentsOf: line)
        buffer.append(0x0A)
        fileBytes += line.count + 1
        if buffer.count >= 1 << 16 { flush() }
    }

    public func flush() {
        guard !buffer.isEmpty, descriptor >= 0 else { return }
        let ok = buffer.withUnsafeBytes { raw -> Bool in
            var offset = 0
            while offset < raw.count {
                let n = Foundation.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += n
            }
            return true
        }
        if !ok { errors += 1 }
        buffer.removeAll(keepingCapacity: true)
    }

    public func close() {
        flush()
        if descriptor >= 0 {
            fsync(descriptor)
            Foundation.close(descriptor)
            descriptor = -1
        }
    }

    private func rotate() {
        close()
        sequence += 1
        let seconds = Int64(Date().timeIntervalSince1970) * 1000
        let stamp = Timestamp.format(seconds).replacingOccurrences(of: ":", with: "").replacingOccurrences(of: "-", with: "")
        let path = (directory as NSString).appendingPathComponent(String(format: "tap-%@-%04d.jsonl", stamp, sequence))
        descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        if descriptor < 0 { errors += 1 }
        currentPath = descriptor >= 0 ? path : nil
        fileBytes = 0
        pruneOldFiles()
    }

    private func pruneOldFiles() {
        guard maxFiles > 0 else { return }
        for path in Self.files(in: directory).dropLast(maxFiles) { try? FileManager.default.removeItem(atPath: path) }
    }

    /// The paths of the tap files in `directory`, in write order (empty when it cannot be read).
    public static func files(in directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasPrefix("tap-") && $0.hasSuffix(".jsonl") }.sorted()
            .map { (directory as NSString).appendingPathComponent($0) }
    }
}
