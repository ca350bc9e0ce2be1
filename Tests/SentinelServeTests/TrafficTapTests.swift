import Foundation
import Testing

@testable import SentinelServe

struct TrafficTapTests {
    private static func folder() -> String {
        let path = NSTemporaryDirectory() + "tap-test-" + UUID().uuidString
        return path
    }

    private static func write(_ tap: TrafficTap, _ text: String) {
        Array(text.utf8).withUnsafeBytes { tap.write($0) }
    }

    /// Files keep write order by name past the 9 999th in a second, and pruning keeps the newest, the one being
    /// written among them (the 10 000th sorted first and was deleted while written).
    @Test func namesFollowWriteOrderPastTenThousandFiles() throws {
        let directory = Self.folder()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let tap = try TrafficTap(directory: directory, maxFileBytes: 1, maxFiles: 3)
        tap.sequence = 9_997
        for i in 9_998...10_003 { Self.write(tap, "{\"n\":\(i)}") }
        tap.close()
        let files = TrafficTap.files(in: directory)
        #expect(try files.map { try String(contentsOfFile: $0, encoding: .utf8) } == ["{\"n\":10001}\n", "{\"n\":10002}\n", "{\"n\":10003}\n"])
        #expect(files.map { ($0 as NSString).lastPathComponent.hasSuffix("-00010003.jsonl") } == [false, false, true])
    }

    /// Names of earlier versions (four digits) order by their number too.
    @Test func fourDigitNamesOrderByNumber() throws {
        let directory = Self.folder()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for name in ["tap-20260501T120000Z-10000.jsonl", "tap-20260501T120000Z-9999.jsonl", "tap-20260501T115959Z-10001.jsonl"] {
            FileManager.default.createFile(atPath: directory + "/" + name, contents: Data())
        }
        #expect(
            TrafficTap.files(in: directory).map { ($0 as NSString).lastPathComponent } == [
                "tap-20260501T115959Z-10001.jsonl", "tap-20260501T120000Z-9999.jsonl", "tap-20260501T120000Z-10000.jsonl",
            ])
    }

    /// A folder that cannot take a file drops the events (reported, not buffered without bound), and the tap
    /// writes again, in a folder made anew, once it can.
    @Test func anUnwritableFolderDropsEventsAndTheTapRecovers() throws {
        let directory = Self.folder()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let tap = try TrafficTap(directory: directory, maxFileBytes: 1, retryAfter: .zero)
        var problems: [TrafficTap.Problem] = []
        tap.onProblem = { problems.append($0) }
        Self.write(tap, "{\"n\":1}")
        try FileManager.default.removeItem(atPath: directory)
        FileManager.default.createFile(atPath: directory, contents: Data("not a folder".utf8))
        for i in 2...4 { Self.write(tap, "{\"n\":\(i)}") }
        tap.flush()
        let failures = problems.compactMap { if case .failed(_, let reason, let n) = $0 { (reason, n) } else { nil } }
        let dropped = problems.reduce(0) { if case .dropped(let n) = $1 { $0 + n } else { $0 } }
        #expect(failures.count == 1 && failures.first?.0 == "Not a directory", "reported once: \(problems)")
        #expect(dropped == 3)
        try FileManager.default.removeItem(atPath: directory)
        problems = []
        Self.write(tap, "{\"n\":5}")
        tap.close()
        #expect(problems == [.recovered(path: try #require(tap.currentPath))])
        #expect(try TrafficTap.files(in: directory).map { try String(contentsOfFile: $0, encoding: .utf8) } == ["{\"n\":5}\n"])
    }

    /// A full disk (a file whose writes fail): the lines are dropped and counted, the file is tried again (no new
    /// file made, none pruned) and failures are reported once until they change; the same file takes the lines
    /// once it can. Each retry made a new file and pruned an old one, and logged twice a second.
    @Test func aFullDiskDropsLinesWithoutMakingFiles() throws {
        let directory = Self.folder()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let tap = try TrafficTap(directory: directory, maxFileBytes: 1 << 20, maxFiles: 1, retryAfter: .zero)
        var problems: [TrafficTap.Problem] = []
        tap.onProblem = { problems.append($0) }
        Self.write(tap, "{\"n\":1}")
        tap.flush()
        let path = try #require(tap.currentPath)
        tap.openFile = { _ in open("/dev/full", O_WRONLY) }
        Self.write(tap, "{\"n\":2}")
        tap.flush()  // the first file's descriptor is still good: written
        tap.close()
        for i in 3...6 {
            Self.write(tap, "{\"n\":\(i)}")
            tap.flush()
        }
        let failures = problems.compactMap { if case .failed(let file, let reason, _) = $0 { (file, reason) } else { nil } }
        let dropped = problems.reduce(0) { if case .dropped(let n) = $1 { $0 + n } else { $0 } }
        #expect(failures.count == 1 && failures.first?.0 == path && failures.first?.1 == "No space left on device", "\(problems)")
        #expect(dropped == 4)
        #expect(TrafficTap.files(in: directory) == [path])
        tap.openFile = { open($0, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644) }
        problems = []
        Self.write(tap, "{\"n\":7}")
        tap.close()
        #expect(problems == [.recovered(path: path)])
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "{\"n\":1}\n{\"n\":2}\n{\"n\":7}\n")
    }
}
