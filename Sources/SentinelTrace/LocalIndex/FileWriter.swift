import Foundation

/// Writes a new file through a buffer.
final class FileWriter {
    let path: String
    private var written = 0
    private var descriptor: Int32
    private var buffer: [UInt8] = []

    init(creating path: String) throws(IndexError) {
        self.path = path
        descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw .writeFailed(path: path, reason: String(cString: strerror(errno))) }
        buffer.reserveCapacity(Self.capacity)
    }

    deinit {
        if descriptor >= 0 { Foundation.close(descriptor) }
    }

    /// Bytes appended so far.
    var size: Int { written + buffer.count }

    func append<Bytes: Sequence<UInt8>>(_ bytes: Bytes) throws(IndexError) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.capacity { try flush() }
    }

    /// A little-endian UInt64.
    func append(_ value: Int) throws(IndexError) {
        try append(withUnsafeBytes(of: UInt64(value).littleEndian) { Array($0) })
    }

    /// Writes out what is buffered and closes the file.
    func close() throws(IndexError) {
        try flush()
        guard Foundation.close(descriptor) == 0 else {
            throw .writeFailed(path: path, reason: String(cString: strerror(errno)))
        }
        descriptor = -1
    }

    private func flush() throws(IndexError) {
        var offset = 0
        while offset < buffer.count {
            let count = buffer[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            guard count > 0 else { throw .writeFailed(path: path, reason: String(cString: strerror(errno))) }
            offset += count
        }
        written += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }

    private static let capacity = 1 << 20
}
