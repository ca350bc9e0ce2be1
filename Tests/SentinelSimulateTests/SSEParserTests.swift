import Testing

@testable import SentinelSimulate

@Suite struct SSEParserTests {
    private func events(_ pieces: [ArraySlice<UInt8>]) -> [SSEEvent] {
        var parser = SSEParser()
        var out: [SSEEvent] = []
        for piece in pieces { parser.feed(Array(piece)) { out.append($0) } }
        return out
    }

    private func events(_ text: String) -> [SSEEvent] { events([ArraySlice(Array(text.utf8))]) }

    @Test(arguments: ["\n", "\r\n", "\r"])
    func vLLMStreamSplitAtEveryByteGivesTheSameEvents(newline: String) {
        let bytes = VLLMStreamFixture.bytes(newline: newline)
        let whole = events([bytes[...]])
        #expect(whole.map(\.data) == VLLMStreamFixture.chunks)
        #expect(whole.last?.isDone == true)
        for cut in 0...bytes.count {
            let split = events([bytes[..<cut], bytes[cut...]])
            #expect(split == whole, "split at byte \(cut)")
        }
    }

    @Test(arguments: ["\n", "\r\n", "\r"])
    func vLLMStreamFedOneByteAtATimeGivesTheSameEvents(newline: String) {
        let bytes = VLLMStreamFixture.bytes(newline: newline)
        #expect(events(bytes.indices.map { bytes[$0...$0] }) == events([bytes[...]]))
    }

    @Test func eventsKnowTheirLineAndByteOffset() {
        let parsed = events(": keep-alive\n\ndata: a\n\ndata: b\n\n")
        #expect(parsed.map(\.line) == [3, 5])
        #expect(parsed.map(\.byteOffset) == [14, 23])
    }

    @Test func commentsAreSkippedAndDataLinesJoinWithNewlines() {
        let parsed = events(": ping\ndata: first\n: in between\ndata:second\ndata:  two spaces\n\n")
        #expect(parsed.map(\.data) == ["first\nsecond\n two spaces"])
    }

    @Test func eventIDAndRetryFieldsAreRead() {
        let parsed = events("event: delta\nid: 7\nretry: 1500\ndata: x\n\ndata: y\n\n")
        #expect(parsed[0].type == "delta")
        #expect(parsed[0].retry == 1500)
        #expect(parsed[1].type == "message")
        #expect(parsed[1].lastEventID == "7")
        #expect(parsed[1].retry == nil)
    }

    @Test func blankLinesWithoutDataDispatchNothing() {
        #expect(events("\n\n\nevent: x\n\n: c\n\n").isEmpty)
    }

    @Test func emptyDataLineIsAnEventWithEmptyData() {
        #expect(events("data\n\n").map(\.data) == [""])
    }

    @Test func leadingByteOrderMarkIsSkipped() {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("data: x\n\n".utf8)
        #expect(events([bytes[..<2], bytes[2...]]).map(\.data) == ["x"])
    }

    @Test func streamCutInsideAnEventLeavesAPartialEvent() {
        var parser = SSEParser()
        var count = 0
        parser.feed(Array("data: [DONE]\n\ndata: {\"id\"".utf8)) { _ in count += 1 }
        #expect(count == 1)
        #expect(parser.hasPartialEvent)
        parser.feed(Array(":1}\n\n".utf8)) { _ in count += 1 }
        #expect(count == 2)
        #expect(!parser.hasPartialEvent)
    }
}
