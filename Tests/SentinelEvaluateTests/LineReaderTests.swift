import SentinelCore
import SentinelEvaluate
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

private func posixWrite(_ fd: Int32, _ p: UnsafeRawPointer?, _ n: Int) -> Int { write(fd, p, n) }

/// A fresh temporary directory per test (removed at the end).
final class TemporaryDirectory {
    let path: String

    init() {
        var template = Array("/tmp/sentinel-linereader-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(made != nil, "mkdtemp failed")
        path = String(cString: template)
    }

    deinit {
        if let dir = opendir(path) {
            while let entry = readdir(dir) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
                }
                if name != "." && name != ".." { unlink(path + "/" + name) }
            }
            closedir(dir)
        }
        rmdir(path)
    }

    func write(_ name: String, _ bytes: [UInt8]) -> String {
        let file = path + "/" + name
        let fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        precondition(fd >= 0)
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { posixWrite(fd, $0.baseAddress, $0.count) }
            precondition(n > 0)
            offset += n
        }
        close(fd)
        return file
    }
}

/// All lines of a reader as byte arrays, with their numbers.
func readAll(_ reader: LineReader) throws -> [(line: [UInt8], number: Int)] {
    var out: [(line: [UInt8], number: Int)] = []
    while let (line, number) = try reader.next() { out.append((Array(line), number)) }
    return out
}

/// The expected split: at `\n`, dropping one `\r` before it (and at the end), no line after a final newline.
func expectedLines(_ bytes: [UInt8]) -> [[UInt8]] {
    var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
    if bytes.last == 0x0A || bytes.isEmpty { lines.removeLast() }
    return lines.map { $0.last == 0x0D ? Array($0.dropLast()) : $0 }
}

@Suite struct LineReaderTests {
    @Test func splitsLinesAndStripsCRLF() throws {
        let dir = TemporaryDirectory()
        let path = dir.write("a.jsonl", Array("first\nsecond\r\n\n\r\nfou\rrth\nlast".utf8))
        let lines = try readAll(try LineReader(path: path))
        #expect(lines.map { String(decoding: $0.line, as: UTF8.self) } == ["first", "second", "", "", "fou\rrth", "last"])
        #expect(lines.map(\.number) == [1, 2, 3, 4, 5, 6])
    }

    /// A byte-order mark starts the first line of a file some editors save, and any line of files joined with
    /// `cat`: dropped at the start of every line (one mid-file cost its event, "expected a JSON object").
    @Test func aByteOrderMarkIsDroppedFromTheStartOfEveryLine() throws {
        let dir = TemporaryDirectory()
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        let path = dir.write("bom.jsonl", bom + Array("one\n".utf8) + bom + Array("two\nthr".utf8) + bom + Array("ee".utf8))
        let lines = try readAll(try LineReader(path: path))
        #expect(lines.map(\.line) == [Array("one".utf8), Array("two".utf8), Array("thr".utf8) + bom + Array("ee".utf8)])
    }

    @Test func blankLinesHoldOnlySpacesTabsAndCarriageReturns() {
        for (text, blank) in [("", true), (" \t\r ", true), (" x ", false), ("{}", false)] {
            Array(text.utf8).withUnsafeBytes { #expect(LineReader.isBlank($0) == blank, "\(text.debugDescription)") }
        }
    }

    @Test func finalNewlineAddsNoLineAndEmptyFileHasNone() throws {
        let dir = TemporaryDirectory()
        #expect(try readAll(try LineReader(path: dir.write("a", Array("x\n".utf8)))).map(\.line) == [Array("x".utf8)])
        #expect(try readAll(try LineReader(path: dir.write("b", []))).isEmpty)
        #expect(try readAll(try LineReader(path: dir.write("c", [0x0A]))).map(\.line) == [[]])
        #expect(try readAll(try LineReader(path: dir.write("d", Array("x\r".utf8)))).map(\.line) == [Array("x".utf8)])
        let reader = try LineReader(path: dir.write("e", Array("only".utf8)))
        #expect(try reader.next()?.number == 1)
        #expect(try reader.next() == nil)
        #expect(try reader.next() == nil)
    }

    @Test func lineLongerThanTheChunk() throws {
        let dir = TemporaryDirectory()
        var bytes = Array("{\"short\":1}\r\n".utf8)
        let long = [UInt8](repeating: 0x61, count: 3 * LineReader.chunkSize + 17)
        bytes += long + [0x0D, 0x0A]
        bytes += Array("tail\r\n".utf8)
        bytes += [UInt8](repeating: 0x62, count: LineReader.chunkSize - 1) + [0x0A]  // exactly fills a chunk with \n
        bytes += [UInt8](repeating: 0x63, count: LineReader.chunkSize + 1)  // final line, no newline
        let lines = try readAll(try LineReader(path: dir.write("long.jsonl", bytes)))
        #expect(lines.count == 5)
        #expect(lines.map(\.line.count) == [11, long.count, 4, LineReader.chunkSize - 1, LineReader.chunkSize + 1])
        #expect(lines[1].line == long)
        #expect(lines.map(\.number) == [1, 2, 3, 4, 5])
    }

    /// Lines had no cap: `/dev/zero` grew the buffer by gigabytes. A line over the maximum is an error with the
    /// file, its line number and the limit; in a regular file reading goes on at the next line.
    @Test func aLineOverTheMaximumIsAnErrorAndReadingGoesOnAfterIt() throws {
        let dir = TemporaryDirectory()
        let bytes = Array("ok\n".utf8) + [UInt8](repeating: 0x61, count: 100) + Array("\nafter\n".utf8)
            + [UInt8](repeating: 0x62, count: 65)
        let path = dir.write("long", bytes)
        for chunk in [1, 7, 64] {
            let reader = try LineReader(path: path, chunkSize: chunk, maxLineLength: 64)
            var lines: [String] = []
            var errors: [LineReaderError] = []
            while true {
                do {
                    guard let (line, number) = try reader.next() else { break }
                    lines.append("\(number):\(String(decoding: line, as: UTF8.self))")
                } catch {
                    errors.append(error)
                }
            }
            #expect(lines == ["1:ok", "3:after"], "chunk \(chunk)")
            #expect(errors.map(\.line) == [2, 4])
            #expect(errors.allSatisfy { $0.isResumable && $0.code == EFBIG })
            #expect(errors.first?.description == "\(path):2: line is longer than the limit of 64 bytes (it starts at byte 3)")
        }
    }

    /// The limit is on the line without its line end: a line of the longest length ending in CR LF is read (it was
    /// over the limit by its CR), one a byte longer is not, whether or not a CR follows.
    @Test func theLimitLeavesOutTheCarriageReturnOfALineEnd() throws {
        let dir = TemporaryDirectory()
        let full = [UInt8](repeating: 0x61, count: 64)
        let bytes = full + Array("\r\n".utf8) + full + Array("\n".utf8) + full + Array("b\r\n".utf8) + full + Array("bc\n".utf8)
            + full + Array("\r".utf8)
        let path = dir.write("crlf", bytes)
        for chunk in [1, 7, 64, 65, 66, 1 << 20] {
            let reader = try LineReader(path: path, chunkSize: chunk, maxLineLength: 64)
            var lines: [Int] = []
            var errors: [Int] = []
            while true {
                do {
                    guard let (line, number) = try reader.next() else { break }
                    #expect(line.count == 64, "chunk \(chunk) line \(number)")
                    lines.append(number)
                } catch {
                    errors.append(error.line ?? 0)
                }
            }
            #expect(lines == [1, 2, 5], "chunk \(chunk)")
            #expect(errors == [3, 4], "chunk \(chunk)")
        }
    }

    /// A device that never ends a line (`/dev/zero`) stops at the limit instead of filling memory.
    @Test func anEndlessLineFromADeviceStopsTheReader() throws {
        let reader = try LineReader(path: "/dev/zero", chunkSize: 1 << 10, maxLineLength: 1 << 20)
        #expect {
            _ = try reader.next()
        } throws: { error in
            let error = error as? LineReaderError
            return error?.line == 1 && error?.isResumable == false
                && error?.description == "/dev/zero:1: line is longer than the limit of 1 MiB (it starts at byte 0); "
                    + "reading stops here, as the input is not a regular file"
        }
        #expect(try reader.next() == nil)
    }

    @Test func everyChunkBoundaryWithTinyChunks() throws {
        // With chunks of 1...9 bytes every line, CR and LF crosses a chunk boundary somewhere.
        let dir = TemporaryDirectory()
        var rng = SplitMix64(seed: 3)
        for round in 0..<30 {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 0..<25, using: &rng) {
                let length = Int.random(in: 0..<30, using: &rng)
                bytes += (0..<length).map { _ in UInt8.random(in: 0x20...0x7E, using: &rng) }
                bytes += Bool.random(using: &rng) ? [0x0D, 0x0A] : [0x0A]
            }
            if Bool.random(using: &rng) { bytes += Array("end".utf8) }
            let path = dir.write("r\(round)", bytes)
            for chunk in 1..<10 {
                let lines = try readAll(try LineReader(path: path, chunkSize: chunk))
                #expect(lines.map(\.line) == expectedLines(bytes), "round \(round) chunk \(chunk)")
                #expect(lines.map(\.number) == Array(1..<(lines.count + 1)))
            }
        }
    }

    @Test func readsFromADescriptor() throws {
        let dir = TemporaryDirectory()
        let path = dir.write("fd", Array("a\nb\n".utf8))
        let fd = open(path, O_RDONLY)
        #expect(fd >= 0)
        defer { close(fd) }
        let reader = LineReader(fileDescriptor: fd, name: "<test>")
        #expect(reader.path == "<test>")
        #expect(try readAll(reader).map(\.line) == [[0x61], [0x62]])
        // The reader does not own the descriptor: it is still open.
        #expect(lseek(fd, 0, SEEK_SET) == 0)
    }

    /// A compressed, UTF-16, JSON-array or pretty-printed traffic file is refused with what it is and how to
    /// make it JSON Lines, not reported line by line as malformed JSON. A text file that merely starts with
    /// similar bytes is read.
    @Test(arguments: [
        ([0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00], "gzip-compressed; decompress it first (zcat FILE)"),
        ([0x28, 0xB5, 0x2F, 0xFD, 0x04, 0x58], "zstd-compressed; decompress it first (zstdcat FILE)"),
        ([0x42, 0x5A, 0x68, 0x39, 0x31, 0x41], "bzip2-compressed; decompress it first (bzcat FILE)"),
        ([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00], "xz-compressed; decompress it first (xzcat FILE)"),
        (Array("BZh is a word\n".utf8), nil),
        (Array("{}\n".utf8), nil),
        (Array("{\"ts\":1,\n".utf8), nil),
        (Array(" \n{\"ts\":1}\n".utf8), nil),
        ([0xFF, 0xFE, 0x7B, 0x00], "UTF-16 text, not UTF-8; convert it first (iconv -f UTF-16LE -t UTF-8 FILE)"),
        ([0x7B, 0x00, 0x22, 0x00], "UTF-16 text, not UTF-8; convert it first (iconv -f UTF-16LE -t UTF-8 FILE)"),
        ([0xFE, 0xFF, 0x00, 0x7B], "UTF-16 text, not UTF-8; convert it first (iconv -f UTF-16BE -t UTF-8 FILE)"),
        ([0x5B, 0x00, 0x7B, 0x00], "UTF-16 text, not UTF-8; convert it first (iconv -f UTF-16LE -t UTF-8 FILE)"),
        (Array("\u{FEFF}\n [\n  {\"ts\": 1}\n]\n".utf8), "a JSON array, not JSON Lines (one event per line); convert it first (jq -c '.[]' FILE)"),
        (Array("{ \r\n  \"ts\": 1\n}\n".utf8), "pretty-printed JSON, not JSON Lines (one event per line); convert it first (jq -c . FILE)"),
    ] as [([UInt8], String?)])
    func filesThatAreNotJSONLinesAreRefusedWithWhatTheyAre(bytes: [UInt8], message: String?) throws {
        let dir = TemporaryDirectory()
        let path = dir.write("traffic.jsonl.gz", bytes)
        do throws(LineReaderError) {
            _ = try LineReader(path: path)
            #expect(message == nil)
        } catch {
            #expect(error.message == message)
            #expect(error.description == "\(path): \(message ?? "")")
        }
    }

    @Test func missingFileAndDirectoryAreTypedErrors() throws {
        let dir = TemporaryDirectory()
        let missing = dir.path + "/nope.jsonl"
        #expect(throws: LineReaderError(path: missing, code: ENOENT)) { try LineReader(path: missing) }
        do throws(LineReaderError) {
            _ = try LineReader(path: missing)
            Issue.record("opened a missing file")
        } catch {
            #expect(error.path == missing)
            #expect(error.message == "No such file or directory")
            #expect(error.description == "\(missing): No such file or directory")
        }
        do throws(LineReaderError) {
            _ = try LineReader(path: dir.path)
            Issue.record("opened a directory")
        } catch {
            #expect(error.code == EISDIR)
            #expect(error.message == "Is a directory")
        }
    }

    @Test func decodesLinesStraightFromTheBuffer() throws {
        let dir = TemporaryDirectory()
        let path = dir.write(
            "events.jsonl",
            Array(
                (#"{"ts":"2026-05-01T12:00:00Z","kind":"a","m":"x"}"# + "\r\n\n"
                    + #"{"ts":"2026-05-01T12:00:01Z","kind":"b","m":"y"}"#).utf8))
        let reader = try LineReader(path: path)
        let decoder = EventDecoder(paths: [["m"]])
        let slots = UnsafeMutablePointer<Value>.allocate(capacity: 1)
        defer { slots.deallocate() }
        var seen: [String] = []
        while let (line, number) = try reader.next() {
            if line.isEmpty { continue }
            let h = try decoder.decode(line, into: slots)
            seen.append("\(number):\(h.kind.string):\(DecodedValue(slots[0]))")
        }
        #expect(seen == [#"1:a:"x""#, #"3:b:"y""#])
    }
}
