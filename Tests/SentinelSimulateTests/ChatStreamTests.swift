import Testing

@testable import SentinelSimulate

@Suite struct ChatStreamTests {
    /// Runs `text` through a parser and a stream; the stream's result, or the failure.
    private func fold(
        _ text: String, maximumContentBytes: Int = ChatStream.defaultMaximumContentBytes
    ) -> Result<ChatCompletion, RequestFailure> {
        var parser = SSEParser()
        var stream = ChatStream(start: .now, maximumContentBytes: maximumContentBytes)
        do {
            try parser.feed(Array(text.utf8)) { event in _ = try stream.consume(event) }
        } catch let failure as RequestFailure {
            return .failure(failure)
        } catch {
            Issue.record("unexpected \(error)")
        }
        #expect(stream.isDone)
        return .success(stream.result)
    }

    @Test func collectsContentFinishReasonAndUsageOfTheFinalChunk() throws {
        let completion = try fold(String(decoding: VLLMStreamFixture.bytes(), as: UTF8.self)).get()
        #expect(completion.content == "Hello, naïve wörld ✓!")
        #expect(completion.finishReason == "stop")
        #expect(completion.promptTokens == 12)
        #expect(completion.completionTokens == 5)
        #expect(completion.id == "chatcmpl-5c1e")
        #expect(completion.model == "olmo-2-1b")
        #expect(completion.chunks == 5)
        #expect(completion.timeToFirstToken != nil)
        #expect(completion.latency >= completion.timeToFirstToken!)
    }

    @Test func absentKeysAreTolerated() throws {
        let text = """
            data: {}

            data: {"choices":[{"delta":{}}]}

            data: {"choices":[{"delta":{"content":"ok"}}]}

            data: {"choices":[{"finish_reason":"length"}]}

            data: [DONE]


            """
        let completion = try fold(text).get()
        #expect(completion.content == "ok")
        #expect(completion.finishReason == "length")
        #expect(completion.promptTokens == nil)
    }

    @Test func reasoningCountsAsTheFirstTokenButNotAsContent() throws {
        let completion = try fold(
            "data: {\"choices\":[{\"delta\":{\"reasoning_content\":\"hm\"}}]}\n\ndata: [DONE]\n\n"
        ).get()
        #expect(completion.content == "")
        #expect(completion.timeToFirstToken != nil)
    }

    @Test func malformedChunkNamesItsLineAndByte() {
        let text = "data: {\"choices\":[]}\n\ndata: {\"choices\": [tru\n\ndata: [DONE]\n\n"
        guard case .failure(.malformedChunk(let line, let offset, let reason)) = fold(text) else {
            Issue.record("expected a malformed chunk")
            return
        }
        #expect(line == 3)
        #expect(offset == 22)
        #expect(reason.contains("[tru"))
    }

    @Test func chunkOfTheWrongShapeIsMalformed() {
        guard case .failure(.malformedChunk(_, _, let reason)) = fold("data: {\"choices\":{\"a\":1}}\n\n") else {
            Issue.record("expected a malformed chunk")
            return
        }
        #expect(reason.contains("choices"))
    }

    @Test(arguments: [
        #"{"error":{"message":"engine dead","type":"InternalServerError","param":null,"code":500}}"#,
        #"{"object":"error","message":"engine dead","type":"InternalServerError","param":null,"code":500}"#,
    ])
    func midStreamErrorInEitherShapeFails(error: String) {
        let text = "data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\ndata: \(error)\n\ndata: [DONE]\n\n"
        #expect(
            fold(text).failure
                == .streamError(UpstreamError(message: "engine dead", type: "InternalServerError", code: "500")))
    }

    @Test func anErrorEventFailsWithItsData() {
        let text = """
            data: {"choices":[{"delta":{"content":"a"}}]}

            event: error
            data: {"error":{"message":"typed","type":"X","code":500}}

            data: {"choices":[{"delta":{"content":"b"}}]}

            data: [DONE]


            """
        #expect(fold(text).failure == .streamError(UpstreamError(message: "typed", type: "X", code: "500")))
        #expect(
            fold("event: error\ndata: engine gone\n\ndata: [DONE]\n\n").failure
                == .streamError(UpstreamError(message: "engine gone")))
    }

    @Test func otherNamedEventsAreSkipped() throws {
        let completion = try fold("event: ping\ndata: {}\n\ndata: {\"choices\":[]}\n\ndata: [DONE]\n\n").get()
        #expect(completion.chunks == 1)
    }

    @Test func aToolCallDeltaIsTheFirstToken() throws {
        let call = #"{"choices":[{"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{"}}]}}]}"#
        let completion = try fold(
            "data: {\"choices\":[{\"delta\":{\"role\":\"assistant\",\"tool_calls\":[]}}]}\n\n"
                + "data: \(call)\n\ndata: [DONE]\n\n"
        ).get()
        #expect(completion.content == "")
        #expect(completion.timeToFirstToken != nil)
        let empty = try fold("data: {\"choices\":[{\"delta\":{\"tool_calls\":[]}}]}\n\ndata: [DONE]\n\n").get()
        #expect(empty.timeToFirstToken == nil)
    }

    @Test func anAnswerOverTheLimitIsMalformedNamingTheLimit() {
        let piece = "data: {\"choices\":[{\"delta\":{\"content\":\"12345\"}}]}\n\n"
        let failure = fold(piece + piece + piece + "data: [DONE]\n\n", maximumContentBytes: 12).failure
        guard case .malformedResponse(let reason)? = failure else {
            Issue.record("expected a malformed response, got \(String(describing: failure))")
            return
        }
        #expect(reason.contains("over the limit of 12 bytes"))
        #expect(fold(piece + piece + "data: [DONE]\n\n", maximumContentBytes: 12).failure == nil)
    }

    @Test func eventsAfterDoneAreIgnored() throws {
        let completion = try fold("data: [DONE]\n\ndata: not json\n\n").get()
        #expect(completion.chunks == 0)
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
