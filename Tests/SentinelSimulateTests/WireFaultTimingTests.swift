import Foundation
import Testing

@testable import SentinelSimulate

/// `ChatClient` and `GuardClient` against servers that break the wire format in ways vLLM does not, over real
/// loopback sockets (`ScriptedServer`, plain threads and blocking sockets). A `TimingTests` suite: `test.sh` runs it
/// on its own after the parallel tests, where a loaded machine made its half-second limits fire early and its
/// servers miss their connections.
@Suite struct WireFaultTimingTests {
    static let request = ChatRequest(model: "m", messages: [.user("hello")])

    /// The SSE events of a whole answer, `[DONE]` included.
    static let answer = Array(
        VLLMStreamFixture.chunks.map { "data: \($0)\n\n" }.joined().utf8)

    static func stream(
        _ steps: [ScriptedServer.Step], timeouts: RequestTimeouts = RequestTimeouts(total: .seconds(5))
    ) async throws -> Result<ChatCompletion, RequestFailure> {
        try await ScriptedServer.withRunning({ _ in steps }) { server in
            let client = ChatClient(baseURL: server.url, timeouts: timeouts)
            do throws(RequestFailure) {
                return .success(try await client.stream(request))
            } catch {
                return .failure(error)
            }
        }
    }

    @Test func aResetAfterDoneKeepsTheAnswer() async throws {
        let completion = try await Self.stream([
            .send(ScriptedServer.head() + ScriptedServer.chunk(Self.answer)), .pause(.milliseconds(50)), .reset,
        ]).get()
        #expect(completion.content == "Hello, naïve wörld ✓!")
        #expect(completion.completionTokens == 5)
    }

    @Test func aResetBeforeDoneIsStillADisconnect() async throws {
        let cut = Array(Self.answer.prefix(300))
        let result = try await Self.stream([.send(ScriptedServer.head() + ScriptedServer.chunk(cut)), .reset])
        #expect(result.failure?.errorType == "disconnected")
    }

    @Test func aJSONAnswerToAStreamingRequestIsMalformedNamingItsContentType() async throws {
        let result = try await Self.stream(
            ScriptedServer.json(#"{"choices":[{"index":0,"message":{"role":"assistant","content":"plain"}}]}"#))
        guard case .malformedResponse(let reason)? = result.failure else {
            Issue.record("expected a malformed response, got \(result)")
            return
        }
        #expect(reason.contains("application/json"))
    }

    @Test func aLineOverTheEventLimitIsMalformedNamingTheLimit() async throws {
        let line = Array("data: {\"choices\":[{\"delta\":{\"content\":\"".utf8) + Array(repeating: 0x41, count: 64 << 10)
        let steps: [ScriptedServer.Step] =
            [.send(ScriptedServer.head())]
            + Array(repeating: .send(ScriptedServer.chunk(line)), count: 20) + [.send(ScriptedServer.lastChunk)]
        let result = try await Self.stream(steps)
        guard case .malformedResponse(let reason)? = result.failure else {
            Issue.record("expected a malformed response, got \(result)")
            return
        }
        #expect(reason.contains("over the limit of \(SSEParser.defaultMaximumEventBytes) bytes"))
    }

    @Test func aGuardAnswerOverItsLimitSaysSo() async throws {
        let answer = ScriptedServer.guardAnswer("Safety: Safe\n" + String(repeating: "x", count: 2 << 20))
        try await ScriptedServer.withRunning({ _ in answer }) { server in
            let client = GuardClient(baseURL: server.url, model: "g", format: .qwen3guard)
            await #expect(throws: RequestFailure.malformedResponse(reason: "the guard's answer is over the limit of 1048576 bytes")) {
                _ = try await client.moderate(prompt: "hello")
            }
        }
    }

    @Test func aBodyThatNeverEndsAfterDoneKeepsTheAnswerAtTheTotalLimit() async throws {
        let started = ContinuousClock.now
        let completion = try await Self.stream(
            [.send(ScriptedServer.head() + ScriptedServer.chunk(Self.answer)), .hold],
            timeouts: RequestTimeouts(connect: .seconds(1), firstToken: .seconds(1), total: .milliseconds(500))
        ).get()
        #expect(completion.content == "Hello, naïve wörld ✓!")
        #expect(completion.latency < .milliseconds(500))
        #expect(ContinuousClock.now - started < .seconds(3))
    }

    @Test func toolCallDeltasMeetTheFirstTokenLimit() async throws {
        let call = #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"x"}}]}}]}"#
        let event = ScriptedServer.chunk(Array("data: \(call)\n\n".utf8))
        let steps: [ScriptedServer.Step] =
            [.send(ScriptedServer.head())]
            + Array(repeating: [.send(event), .pause(.milliseconds(100))], count: 8).flatMap { $0 }
            + [.send(ScriptedServer.chunk(Array("data: [DONE]\n\n".utf8)) + ScriptedServer.lastChunk)]
        let completion = try await Self.stream(
            steps, timeouts: RequestTimeouts(connect: .seconds(1), firstToken: .milliseconds(500), total: .seconds(5))
        ).get()
        #expect(completion.timeToFirstToken.map { $0 < .milliseconds(500) } == true)
    }
}
