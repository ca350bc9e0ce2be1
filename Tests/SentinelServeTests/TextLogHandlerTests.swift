import Logging
@testable import SentinelServe
import Testing

@Suite struct TextLogHandlerTests {
    @Test func controlCharactersInMessagesAndMetadataAreEscapedSoAnEntryIsOneLine() {
        var handler = TextLogHandler(label: "sentinel")
        handler[metadataKey: "rule"] = "Probe"
        let forged = "a\n2026-12-04T21:00:00+0000 critical sentinel: FORGED\r\t\u{1B}[31m\u{2028}\\n"
        let event = LogEvent(
            level: .notice, message: "notification\nsent", metadata: ["label.g": .string(forged)], source: "SentinelServe",
            file: #fileID, function: #function, line: #line)
        let line = handler.line(event, at: 0)
        #expect(line.filter(\.isNewline) == "\n")
        #expect(line.hasSuffix("\n"))
        #expect(
            line == "1970-01-01T00:00:00Z notice sentinel: label.g=a\\n2026-12-04T21:00:00+0000 critical sentinel: FORGED"
                + "\\r\\t\\u{1B}[31m\\u{2028}\\\\n rule=Probe [SentinelServe] notification\\nsent\n")
    }
}
