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
        for i in 1...10_003 { Self.write(tap, "{\"n\":\(i)}") }
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
        let failures = problems.filter { if case .failed = $0 { true } else { false } }
        let dropped = problems.reduce(0) { if case .dropped(let n) = $1 { $0 + n } else { $0 } }
        #expect(failures.count == 3 && dropped == 3)
        try FileManager.default.removeItem(atPath: directory)
        problems = []
        Self.write(tap, "{\"n\":5}")
        tap.close()
        #expect(problems.count == 1 && problems.first == .recovered(path: tap.currentPath ?? TrafficTap.files(in: directory).last!))
        #expect(try TrafficTap.files(in: directory).map { try String(contentsOfFile: $0, encoding: .utf8) } == ["{\"n\":5}\n"])
    }
}
