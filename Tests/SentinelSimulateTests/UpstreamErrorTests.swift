import Foundation
import Testing

@testable import SentinelSimulate

@Suite struct UpstreamErrorTests {
    @Test func currentShapeWithNumericCode() {
        let body = #"{"error":{"message":"model not found","type":"NotFoundError","param":"model","code":404}}"#
        #expect(
            UpstreamError.parse(Data(body.utf8))
                == UpstreamError(message: "model not found", type: "NotFoundError", param: "model", code: "404"))
    }

    @Test func legacyFlatShape() {
        let body = #"{"object":"error","message":"bad","type":"BadRequestError","param":null,"code":400}"#
        #expect(
            UpstreamError.parse(Data(body.utf8)) == UpstreamError(message: "bad", type: "BadRequestError", code: "400"))
    }

    @Test func openAIStringCode() {
        let body = #"{"error":{"message":"slow down","type":"requests","code":"rate_limit_exceeded"}}"#
        #expect(UpstreamError.parse(Data(body.utf8))?.code == "rate_limit_exceeded")
    }

    @Test(arguments: ["", "Internal Server Error", #"{"detail":"Not Found"}"#, "[1]"])
    func bodiesWithoutAnErrorObjectGiveNil(body: String) {
        #expect(UpstreamError.parse(Data(body.utf8)) == nil)
    }

    @Test func failureMessagesAndTypesForEvents() {
        let status = RequestFailure.status(
            503, UpstreamError(message: "engine not ready", type: "ServiceUnavailable"), body: "{}")
        #expect(status.message == "HTTP 503: engine not ready")
        #expect(status.errorType == "http_status")
        #expect(status.status == 503)
        #expect(status.upstreamType == "ServiceUnavailable")
        #expect(RequestFailure.timeout(.firstToken, after: .milliseconds(1500)).errorType == "timeout_first_token")
        #expect(
            RequestFailure.timeout(.firstToken, after: .milliseconds(1500)).message == "no first token after 1500 ms")
        #expect(
            RequestFailure.disconnected(afterBytes: 120, reason: nil).message
                == "stream ended before [DONE] after 120 bytes")
    }

    @Test(arguments: ["http://h:8000", "http://h:8000/", "http://h:8000/v1", "http://h:8000/v1/"])
    func endpointsAcceptBaseURLsWithOrWithoutV1(base: String) {
        #expect(Endpoint.url(base, "chat/completions") == "http://h:8000/v1/chat/completions")
    }
}
