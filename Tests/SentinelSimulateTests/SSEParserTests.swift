import Testing

@testable import SentinelSimulate

@Suite struct SSEParserTests {
    private func events(_ pieces: [ArraySlice<UInt8>]) throws -> [SSEEvent] {
        var parser = SSEParser()
        var out: [SSEEvent] = []
        for piece in pieces { try parser.feed(Array(piece)) { out.append($0) } }
        return out
    }

    private func events(_ text: String) throws -> [SSEEvent] { try events([ArraySlice(Array(text.utf8))]) }

    @Test(arguments: ["\n", "\r\n", "\r"])
    func vLLMStreamSplitAtEveryByteGivesTheSameEvents(newline: String) throws {
        let bytes = VLLMStreamFixture.bytes(newline: newline)
        let whole = try events([bytes[...]])
        #expect(whole.map(\.data) == VLLMStreamFixture.chunks)
        #expect(whole.last?.isDone == true)
        for cut in 0...bytes.count {
            let split = try events([bytes[..<cut], bytes[cut...]])
            #expect(split == whole, "split at byte \(cut)")
        }
    }

    @Test(arguments: ["\n", "\r\n", "\r"])
    func vLLMStreamFedOneByteAtATimeGivesTheSameEvents(newline: String) throws {
        let bytes = VLLMStreamFixture.bytes(newline: newline)
        #expect(try events(bytes.indices.map { bytes[$0...$0] }) == (try events([bytes[...]])))
    }

    @Test func eventsKnowTheirLineAndByteOffset() throws {
        let parsed = try events(": keep-alive\n\ndata: a\n\ndata: b\n\n")
        #expect(parsed.map(\.line) == [3, 5])
        #expect(parsed.map(\.byteOffset) == [14, 23])
    }

    @Test func commentsAreSkippedAndDataLinesJoinWithNewlines() throws {
        let parsed = try events(": ping\ndata: first\n: in between\ndata:second\ndata:  two spaces\n\n")
        #expect(parsed.map(\.data) == ["first\nsecond\n two spaces"])
    }

    @Test func eventIDAndRetryFieldsAreRead() throws {
        let parsed = try events("event: delta\nid: 7\nretry: 1500\ndata: x\n\ndata: y\n\n")
        #expect(parsed[0].type == "delta")
        #expect(parsed[0].retry == 1500)
        #expect(parsed[1].type == "message")
        #expect(parsed[1].lastEventID == "7")
        #expect(parsed[1].retry == nil)
    }

    @Test func blankLinesWithoutDataDispatchNothing() throws {
        #expect(try events("\n\n\nevent: x\n\n: c\n\n").isEmpty)
    }

    @Test func emptyDataLineIsAnEventWithEmptyData() throws {
        #expect(try events("data\n\n").map(\.data) == [""])
    }

    @Test func leadingByteOrderMarkIsSkipped() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("data: x\n\n".utf8)
        #expect(try events([bytes[..<2], bytes[2...]]).map(\.data) == ["x"])
    }

    @Test func streamCutInsideAnEventLeavesAPartialEvent() throws {
        var parser = SSEParser()
        var count = 0
        try parser.feed(Array("data: [DONE]\n\ndata: {\"id\"".utf8)) { _ in count += 1 }
        #expect(count == 1)
        #expect(parser.hasPartialEvent)
        try parser.feed(Array(":1}\n\n".utf8)) { _ in count += 1 }
        #expect(count == 2)
        #expect(!parser.hasPartialEvent)
    }

    @Test func aLineOverTheLimitStopsTheParseWhereItStarted() throws {
        var parser = SSEParser(maximumEventBytes: 64)
        var count = 0
        try parser.feed(Array("data: ok\n\n".utf8)) { _ in count += 1 }
        let piece = Array("data: \(String(repeating: "a", count: 20))".utf8)
        #expect(throws: SSEEventTooLarge(limit: 64, line: 3, byteOffset: 10)) {
            for _ in 0..<4 { try parser.feed(piece) { _ in count += 1 } }
        }
        #expect(count == 1)
    }

    @Test func dataLinesOverTheLimitTogetherStopTheParseAtTheEventsFirstLine() throws {
        var parser = SSEParser(maximumEventBytes: 64)
        let line = "data: \(String(repeating: "b", count: 30))\n"
        #expect(throws: SSEEventTooLarge(limit: 64, line: 2, byteOffset: 7)) {
            try parser.feed(Array((": ping\n" + line + line + line + "\n").utf8)) { _ in }
        }
    }

    @Test func eventsUpToTheLimitPass() throws {
        let data = String(repeating: "c", count: 63)
        var parser = SSEParser(maximumEventBytes: 64)
        var out: [SSEEvent] = []
        try parser.feed(Array("data: \(data)\n\n".utf8)) { out.append($0) }
        #expect(out.map(\.data) == [data])
    }
}
