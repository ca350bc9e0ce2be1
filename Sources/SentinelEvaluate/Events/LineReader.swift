import SentinelCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file that cannot be opened or read: its path and the system's reason (`strerror`); or a line over the
/// reader's maximum length, with its number.
public struct LineReaderError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var message: String
    /// The `errno` value (`EFBIG` for a line over the maximum length).
    public var code: Int32
    /// The line the error is about, for a line over the maximum length.
    public var line: Int?
    /// Whether reading can go on with the next line (a line over the maximum length in a regular file, whose end
    /// the reader skips to); false when the input cannot be read further.
    public var isResumable = false

    public init(path: String, code: Int32) {
        self.init(path: path, code: code, message: String(cString: strerror(code)))
    }

    public init(path: String, code: Int32, message: String) {
        self.path = path
        self.code = code
        self.message = message
    }

    public var description: String {
        if let line { return "\(path):\(line): \(message)" }
        return "\(path): \(message)"
    }
}

/// Reads a file or a file descriptor (stdin) line by line in 1 MiB `read(2)` chunks, without copying lines.
///
/// Lines are split at `\n`; a `\r` before it is dropped, and so is a byte-order mark at the start of any line.
/// A last line without a newline is returned; lines longer than the buffer grow it, up to `maxLineLength`. Empty
/// lines are returned (as empty buffers) so line numbers stay exact. A regular file that is compressed, UTF-16, a
/// JSON array or one pretty-printed document is refused when opened (`notJSONLines`).
///
/// A line over `maxLineLength` bytes is an error (`EFBIG`, with its number). In a regular file the reader then
/// skips to the line's end and goes on (`isResumable`); from a pipe, a device or stdin it stops there, as the end
/// may never come (`/dev/zero`).
public final class LineReader {
    public static let chunkSize = 1 << 20
    /// The longest line read: 64 MiB.
    public static let maxLineLength = 64 << 20

    public let path: String
    public let maxLineLength: Int
    private let fd: Int32
    private let ownsDescriptor: Bool
    private var buffer: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// Unread data is `buffer[start ..< filled]`; `buffer[start ..< searched]` has no newline.
    private var start = 0
    private var searched = 0
    private var filled = 0
    private var atEOF = false
    private var lineNumber = 0
    /// Bytes before `buffer[0]` in the input.
    private var consumed = 0
    /// Whether the reader can skip the rest of an over-long line (the input is a regular file).
    private let canSkip: Bool
    /// Set after an over-long line: skip to its end (`canSkip`), or stop (otherwise).
    private var skippingLine = false
    /// Called before each read from an input that is not a regular file (a pipe, a terminal), where the read may
    /// wait for a writer: what was made of the lines so far can be shown first (`tail -f | sentinel dry-run -`).
    public var beforeWaiting: (() -> Void)?

    /// Opens `path` for reading.
    public init(
        path: String, chunkSize: Int = LineReader.chunkSize, maxLineLength: Int = LineReader.maxLineLength
    ) throws(LineReaderError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw LineReaderError(path: path, code: errno) }
        var info = stat()
        if fstat(fd, &info) != 0 {
            let code = errno
            close(fd)
            throw LineReaderError(path: path, code: code)
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw LineReaderError(path: path, code: EISDIR)
        }
        if let problem = Self.notJSONLines(fd) {
            close(fd)
            throw LineReaderError(path: path, code: EINVAL, message: problem)
        }
        self.path = path
        self.fd = fd
        self.ownsDescriptor = true
        self.maxLineLength = max(maxLineLength, 1)
        self.canSkip = (info.st_mode & S_IFMT) == S_IFREG
        self.capacity = min(max(chunkSize, 1), self.maxLineLength + 2)
        self.buffer = .allocate(capacity: capacity)
    }

    /// Reads from an open descriptor such as `STDIN_FILENO` (not closed by the reader). `name` is used in errors.
    public init(
        fileDescriptor: Int32, name: String = "<stdin>", chunkSize: Int = LineReader.chunkSize,
        maxLineLength: Int = LineReader.maxLineLength
    ) {
        self.path = name
        self.fd = fileDescriptor
        self.ownsDescriptor = false
        self.maxLineLength = max(maxLineLength, 1)
        var info = stat()
        self.canSkip = fstat(fileDescriptor, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
        self.capacity = min(max(chunkSize, 1), self.maxLineLength + 2)
        self.buffer = .allocate(capacity: capacity)
    }

    /// Why a regular file, by its first bytes, is not JSON Lines and how to make it so: compressed (gzip, zstd,
    /// bzip2, xz), UTF-16, a JSON array or one pretty-printed document (each of whose lines would be reported
    /// malformed, hundreds of errors saying "expected a JSON object"). Nil for anything else, and for what cannot
    /// be read at an offset (a pipe).
    private static func notJSONLines(_ fd: Int32) -> String? {
        var head = [UInt8](repeating: 0, count: 256)
        let count = head.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 256, 0) }
        guard count >= 2 else { return nil }
        head.removeLast(256 - count)
        func compressed(_ format: String, _ command: String) -> String {
            "\(format)-compressed; decompress it first (\(command) FILE)"
        }
        if head[0] == 0x1F, head[1] == 0x8B { return compressed("gzip", "zcat") }
        if count >= 4, head[0...3] == [0x28, 0xB5, 0x2F, 0xFD] { return compressed("zstd", "zstdcat") }
        if count >= 4, head[0...2] == [0x42, 0x5A, 0x68], (0x31...0x39).contains(head[3]) { return compressed("bzip2", "bzcat") }
        if count >= 6, head[0...5] == [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00] { return compressed("xz", "xzcat") }
        // A byte-order mark, or a NUL beside a first `{` or whitespace: UTF-16 (as Windows PowerShell writes).
        let opening: Set<UInt8> = [0x7B, 0x5B, 0x20, 0x09, 0x0D, 0x0A]
        let little = head[0] == 0xFF && head[1] == 0xFE || opening.contains(head[0]) && head[1] == 0
        if little || head[0] == 0xFE && head[1] == 0xFF || head[0] == 0 && opening.contains(head[1]) {
            return "UTF-16 text, not UTF-8; convert it first (iconv -f UTF-16\(little ? "LE" : "BE") -t UTF-8 FILE)"
        }
        var i = head.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        while i < head.count, head[i] == 0x20 || head[i] == 0x09 || head[i] == 0x0D || head[i] == 0x0A { i += 1 }
        guard i < head.count else { return nil }
        if head[i] == 0x5B { return "a JSON array, not JSON Lines (one event per line); convert it first (jq -c '.[]' FILE)" }
        var j = i + 1
        while j < head.count, head[j] == 0x20 || head[j] == 0x09 || head[j] == 0x0D { j += 1 }
        if head[i] == 0x7B, j < head.count, head[j] == 0x0A {
            return "pretty-printed JSON, not JSON Lines (one event per line); convert it first (jq -c . FILE)"
        }
        return nil
    }

    deinit {
        buffer.deallocate()
        if ownsDescriptor { close(fd) }
    }

    /// The next line (without its `\n` or `\r\n`) and its 1-based number, or nil at end of input. The bytes stay
    /// valid until the next call.
    /// A line over `maxLineLength` throws (`EFBIG`); the next call goes on after that line's end when the error
    /// `isResumable`, and returns nil otherwise.
    public func next() throws(LineReaderError) -> (line: UnsafeRawBufferPointer, number: Int)? {
        if skippingLine {
            guard canSkip, try skipToLineEnd() else { return nil }
        }
        while true {
            if searched < filled, let found = memchr(buffer + searched, 0x0A, filled - searched) {
                let newline = UnsafeMutableRawPointer(found).assumingMemoryBound(to: UInt8.self) - buffer
                if LineLimit.isExceeded(length: newline - start, last: buffer[newline - 1], limit: maxLineLength) {
                    throw tooLong()
                }
                return line(to: newline, resumingAt: newline + 1)
            }
            searched = filled
            if LineLimit.isExceeded(length: filled - start, last: buffer[filled - 1], limit: maxLineLength) {
                throw tooLong()
            }
            if atEOF {
                guard start < filled else { return nil }
                return line(to: filled, resumingAt: filled)
            }
            try fill()
        }
    }

    /// `next()` for readers that go on past a line over `maxLineLength` when they can: such a line comes back as
    /// its error (`isResumable`) instead of being thrown, and reading goes on after it; nil at the end of input.
    /// Errors that end reading are thrown.
    public func nextOrSkipped() throws(LineReaderError) -> Result<(line: UnsafeRawBufferPointer, number: Int), LineReaderError>? {
        do {
            return try next().map { .success($0) }
        } catch where error.isResumable {
            return .failure(error)
        }
    }

    /// The error for the line at `start`, which is over the maximum length; the reader skips or stops after it.
    private func tooLong() -> LineReaderError {
        lineNumber += 1
        skippingLine = true
        let limit = ByteCount.text(maxLineLength)
        var error = LineReaderError(
            path: path, code: EFBIG,
            message: "line is longer than the limit of \(limit) (it starts at byte \(consumed + start))"
                + (canSkip ? "" : "; reading stops here, as the input is not a regular file"))
        error.line = lineNumber
        error.isResumable = canSkip
        return error
    }

    /// Drops the rest of an over-long line, reading until its newline (then true) or the end of input (false).
    private func skipToLineEnd() throws(LineReaderError) -> Bool {
        while true {
            if let found = memchr(buffer + start, 0x0A, filled - start) {
                let newline = UnsafeMutableRawPointer(found).assumingMemoryBound(to: UInt8.self) - buffer
                start = newline + 1
                searched = start
                skippingLine = false
                return true
            }
            start = filled
            searched = filled
            if atEOF { return false }
            try fill()
        }
    }

    /// The line `buffer[start ..< end]` without a trailing `\r` and without a UTF-8 byte-order mark at its start
    /// (which some editors write: on line 1, or on any line of files joined with `cat`); reading resumes at `next`.
    private func line(to end: Int, resumingAt next: Int) -> (line: UnsafeRawBufferPointer, number: Int) {
        var lineStart = start
        var lineEnd = end
        if lineEnd > lineStart && buffer[lineEnd - 1] == 0x0D { lineEnd -= 1 }
        lineNumber += 1
        if lineEnd - lineStart >= 3, buffer[lineStart] == 0xEF, buffer[lineStart + 1] == 0xBB,
            buffer[lineStart + 2] == 0xBF
        {
            lineStart += 3
        }
        start = next
        searched = next
        return (UnsafeRawBufferPointer(start: buffer + lineStart, count: lineEnd - lineStart), lineNumber)
    }

    /// Whether a line holds only JSON whitespace other than newlines (event streams skip such lines).
    public static func isBlank(_ line: UnsafeRawBufferPointer) -> Bool {
        line.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
    }

    /// Moves the partial line to the front, grows the buffer if the partial line fills it (to two bytes over the
    /// maximum line length at most, enough to see that a line with its CR LF is over it), and reads more.
    private func fill() throws(LineReaderError) {
        if start > 0 {
            let remaining = filled - start
            if remaining > 0 { memmove(buffer, buffer + start, remaining) }
            consumed += start
            filled = remaining
            searched -= start
            start = 0
        }
        if filled == capacity {
            let grownCapacity = min(capacity * 2, maxLineLength + 2)
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: grownCapacity)
            grown.update(from: buffer, count: filled)
            buffer.deallocate()
            buffer = grown
            capacity = grownCapacity
        }
        if !canSkip { beforeWaiting?() }
        while true {
            let n = read(fd, buffer + filled, capacity - filled)
            if n > 0 {
                filled += n
                return
            }
            if n == 0 {
                atEOF = true
                return
            }
            let code = errno
            if code == EINTR { continue }
            throw LineReaderError(path: path, code: code)
        }
    }
}
