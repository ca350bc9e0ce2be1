@testable import SentinelAct
import Testing

@Suite struct DryRunLateLineTests {
    /// A late line more than the lateness behind the newest time says so; one within it was late only for coming
    /// after events already evaluated (held ones released early), and says that instead of a wrong "beyond".
    @Test func theLateLineSaysWhyItIsLate() {
        let newest: Int64 = 1_777_636_800_000
        func line(behind: Int64) -> String {
            DryRun.LateLine(
                file: "t.jsonl", line: 3, time: newest - behind, newest: newest,
                newestAt: DryRun.LateLine.Position(file: "t.jsonl", line: 2), lateness: 5_000
            ).description
        }
        #expect(
            line(behind: 60_000)
                == "t.jsonl:3: warning: late event skipped: 2026-05-01T11:59:00Z is 1m behind the newest event time "
                + "2026-05-01T12:00:00Z (set by t.jsonl:2), beyond allowed_lateness 5s; the file's later late lines are only counted")
        #expect(line(behind: 2_000).contains("is 2s behind the newest event time 2026-05-01T12:00:00Z (set by t.jsonl:2), behind events already evaluated"))
    }
}
