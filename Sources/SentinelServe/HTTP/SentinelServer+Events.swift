import Foundation
import Hummingbird
import NIOCore
import SentinelCore

extension SentinelServer {
    /// `POST /api/v1/events`: NDJSON, a JSON array of events, or one event. All or nothing: a body with any
    /// malformed event is refused (400) with each problem's line, byte offset and field; a full queue answers
    /// 429 with Retry-After; 202 means every event is queued for evaluation. A compressed body (any
    /// Content-Encoding but identity) is refused with 415 before it is read. An event dated more than
    /// `limits.max_future` ahead of the machine's clock is malformed.
    func acceptEvents(_ request: Request) async throws -> Response {
        let limit = configuration.limits.maxBodyBytes
        let length = request.headers[.contentLength].flatMap({ Int($0) })
        if let length, length > limit {
            metrics.countRejected(.tooLarge)
            return APIResponse.error(.contentTooLarge, "body of \(length) bytes is over the limit of \(limit) bytes")
        }
        let tooMany = APIResponse.error(
            .tooManyRequests, "too many event bodies are being read at once (\(eventBodies.limit) bytes); retry later",
            headers: [.retryAfter: "1"])
        // A body with a length reserves it up front; a chunked one reserves its parts as they arrive (reserving the
        // whole limit let four slow chunked uploads of a few bytes hold the budget and refuse every other post).
        var reserved = length ?? 0
        if let length, !eventBodies.reserve(length) {
            metrics.countRejected(.bodiesInFlight)
            // Read and dropped a part at a time, so that a client that sends its whole body before reading the
            // answer gets it (an unread body made it fail on a closed connection) at no memory cost.
            var discarded = 0
            do {
                for try await part in request.body {
                    discarded += part.readableBytes
                    if discarded > limit { break }
                }
            } catch {}
            return tooMany
        }
        defer { eventBodies.release(reserved) }
        let buffer: ByteBuffer
        do {
            let budget = eventBodies
            buffer = try await RequestBody.collect(
                request, upTo: limit,
                reserve: length != nil ? nil : { bytes in
                    guard budget.reserve(bytes) else {
                        // Refused: what it holds goes back at once, not after the rest of its body is drained, so
                        // other bodies growing at the same time can finish.
                        budget.release(reserved)
                        reserved = 0
                        return false
                    }
                    reserved += bytes
                    return true
                })
        } catch {
            if error.status == .tooManyRequests {
                metrics.countRejected(.bodiesInFlight)
                return tooMany
            }
            metrics.countRejected(error.status == .contentTooLarge ? .tooLarge : .malformed)
            return APIResponse.error(error.status, error.message)
        }
        let maxFuture = configuration.limits.maxFutureMilliseconds
        let result = EventBatchReader(fieldTypes: await fieldTypes()).read(
            Array(buffer.readableBytesView), source: .http, latest: WallClock.now() + maxFuture,
            future: "the latest time accepted, \(DurationLiteral.format(milliseconds: maxFuture)) ahead of this "
                + "machine's clock (limits.max_future): a later event would move event time ahead and make every "
                + "event after it late")
        if result.problemCount > 0 {
            metrics.countRejected(.malformed, result.problemCount)
            let problems = result.problems.map { problem -> String in
                var json = JSONText()
                json.add("line", problem.line)
                json.add("offset", problem.offset)
                if let field = problem.field { json.add("field", field) }
                json.add("message", problem.message)
                return json.result
            }
            let total = result.problemCount + result.batch.count
            let first = result.problems[0]
            var message = "\(result.problemCount) of \(total) events malformed, none accepted; first: "
            message += first.line > 0 ? "line \(first.line)" : "body"
            message += ", byte offset \(first.offset)"
            if let field = first.field { message += ", field '\(field)'" }
            message += ": \(first.message)"
            return APIResponse.error(
                .badRequest, message, extra: [("problems", "[" + problems.joined(separator: ",") + "]"), ("malformed", String(result.problemCount))])
        }
        guard result.batch.count > 0 else { return APIResponse.error(.badRequest, "no events in the body") }
        guard queue.offer(result.batch) else {
            if queue.isClosed {
                metrics.countRejected(.shuttingDown, result.batch.count)
                return APIResponse.error(.serviceUnavailable, "shutting down", headers: [.retryAfter: "5"])
            }
            metrics.countRejected(.queueFull, result.batch.count)
            return APIResponse.error(
                .tooManyRequests, "evaluation queue is full; retry later", headers: [.retryAfter: "1"])
        }
        metrics.countAccepted(result.batch.count, source: .http)
        return APIResponse.json(.accepted, "{\"accepted\":\(result.batch.count)}")
    }
}
