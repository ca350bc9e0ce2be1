import Foundation

/// Buffered writes to stdout and stderr (Swift 6 forbids touching the C `stdout` global). Locked, so any
/// thread may write.
final class Output: @unchecked Sendable {
    private let lock = NSLock()
    static let standard = Output(fileDescriptor: 1)
    static let error = Output(fileDescriptor: 2)

    private let fileDescriptor: Int32
    private var buffer: [UInt8] = []

    init(fileDescriptor: Int32) {
        self.fileDescriptor = fileDescriptor
        buffer.reserveCapacity(1 << 16)
    }

    var isTerminal: Bool { isatty(fileDescriptor) == 1 }

    func write(_ text: String) {
        lock.withLock {
            buffer.append(contentsOf: text.utf8)
            if buffer.count >= 1 << 16 { flushLocked() }
        }
    }

    func line(_ text: String) {
        lock.withLock {
            buffer.append(contentsOf: text.utf8)
            buffer.append(0x0A)
            if buffer.count >= 1 << 16 { flushLocked() }
        }
    }

    func flush() {
        lock.withLock { flushLocked() }
    }

    private func flushLocked() {
        var offset = 0
        while offset < buffer.count {
            let written = buffer[offset...].withUnsafeBytes { Foundation.write(fileDescriptor, $0.baseAddress, $0.count) }
            if written <= 0 { break }
            offset += written
        }
        buffer.removeAll(keepingCapacity: true)
    }
}

/// Exit codes shared by the commands: 0 clean, 1 findings, 2 usage or I/O.
enum ExitStatus {
    static let findings = ExitCode(1)
    static let usage = ExitCode(2)
}

import ArgumentParser
