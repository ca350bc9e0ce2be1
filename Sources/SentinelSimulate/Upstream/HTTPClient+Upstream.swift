import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SentinelCore

extension HTTPClient {
    /// POSTs a JSON body (with the bearer token and `X-Request-Id` when given) and returns the response once its
    /// head is in, failing with `.status` (error body parsed) for a non-2xx status and with a `RequestFailure` for
    /// transport errors.
    func postJSON(
        _ url: String, body: String, apiKey: String?, requestID: String?, headers: [(String, String)] = [],
        timeouts: RequestTimeouts
    ) async throws(RequestFailure) -> HTTPClientResponse {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        if let apiKey { request.headers.add(name: "Authorization", value: "Bearer " + apiKey) }
        if let requestID { request.headers.add(name: "X-Request-Id", value: requestID) }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(string: body))
        // The watchdog enforces the limits; this deadline only keeps a lost request from living forever.
        let backstop = NIODeadline.now() + .milliseconds(Int64(timeouts.total.milliseconds) + 1_000)
        let response: HTTPClientResponse
        do {
            response = try await execute(request, deadline: backstop)
        } catch {
            throw RequestFailure(error, timeouts: timeouts)
        }
        guard (200..<300).contains(response.status.code) else {
            let bytes = (try? await response.body.collect(upTo: 1 << 16)).map { Data($0.readableBytesView) } ?? Data()
            let text = String(decoding: bytes.prefix(512), as: UTF8.self)
            throw .status(Int(response.status.code), UpstreamError.parse(bytes), body: text)
        }
        return response
    }
}
