import Hummingbird
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Closes a connection whose request, head and body, has not been read within `timeout` of its first byte,
/// however steadily the bytes come: the idle timeout restarts with every body chunk, and a chunk can be one byte, so
/// a client dripping bytes just inside it would otherwise hold its connection, and the memory of its request, for
/// ever. Every route's body is read through this one deadline, as is a body nobody reads (Hummingbird drains it
/// before the next request).
///
/// A request pipelined behind unanswered ones gets its time from when they are answered: until then the server may
/// not be reading it. On expiry the request is answered `408` when nothing has been written for it yet, and whoever
/// is reading its body gets `HTTPError(.requestTimeout)`, so a cut body is never taken for a whole one. A request
/// read in time is answered however long that takes.
///
/// Since it knows whether an answer is under way on the connection, it also answers what Hummingbird leaves to the
/// wire: `Expect: 100-continue`, and requests the HTTP decoder refuses (with the API's JSON error, not an empty 400).
final class RequestReadDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let timeout: TimeAmount
    private var deadline: Scheduled<Void>?
    /// Bytes of a request have arrived and its end has not.
    private var reading = false
    /// The request being read has its head (it counts in `requestsRead`).
    private var headRead = false
    /// Heads read and answers written to their end on this connection, which Hummingbird answers in order.
    private var requestsRead = 0
    private var answersEnded = 0
    private var answerInProgress = false
    /// A request ended in the current socket read: more bytes of that read need not start another one.
    private var endedInThisRead = false
    private var expired = false
    /// The request being read asked for `100 Continue` while earlier answers were still being written: it is sent
    /// once they end, unless the request's own answer starts first.
    private var continuePending = false

    init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !expired else { return }
        switch unwrapInboundIn(data) {
        case .head(let head):
            requestsRead += 1
            headRead = true
            reading = true
            armDeadline(context)
            continueIfExpected(head, context)
        case .body:
            break
        case .end:
            cancelDeadline()
            reading = false
            headRead = false
            endedInThisRead = true
            continuePending = false
        }
        context.fireChannelRead(data)
    }

    /// Fires after every socket read, also one whose bytes are not a whole head yet: that is where a request's
    /// time starts, so a head dripped a byte at a time is bounded too.
    func channelReadComplete(context: ChannelHandlerContext) {
        if !endedInThisRead {
            reading = true
            armDeadline(context)
        }
        endedInThisRead = false
        context.fireChannelReadComplete()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // Nothing more can arrive: an unfinished request fails in the decoder, a finished one is being answered.
        if let event = event as? ChannelEvent, event == .inputClosed {
            reading = false
            cancelDeadline()
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelDeadline()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelDeadline()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard !expired else {
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        var continueNow = false
        switch unwrapOutboundIn(data) {
        case .head:
            answerInProgress = true
            // The answer to the request that asked: it needs no interim one any more.
            if earlierUnanswered == 0 { continuePending = false }
        case .body:
            break
        case .end:
            answerInProgress = false
            answersEnded += 1
            continueNow = continuePending && headRead && earlierUnanswered == 0
        }
        context.write(data, promise: promise)
        if continueNow {
            continuePending = false
            context.writeAndFlush(wrapOutboundOut(.head(HTTPResponse(status: .continue))), promise: nil)
        }
        armDeadline(context)
    }

    /// Answers `Expect: 100-continue` with `100 Continue` (Hummingbird does not), so a client that waits for it
    /// (curl, for bodies over 1 MB) sends its body at once rather than after its own timeout. When earlier answers
    /// are still being written, after they end (`write`), so the interim head cannot fall between their parts.
    private func continueIfExpected(_ head: HTTPRequest, _ context: ChannelHandlerContext) {
        guard head.headerFields[.expect]?.lowercased() == "100-continue" else { return }
        guard !answerInProgress, earlierUnanswered == 0 else {
            continuePending = true
            return
        }
        context.writeAndFlush(wrapOutboundOut(.head(HTTPResponse(status: .continue))), promise: nil)
    }

    /// Requests before the one being read that are not answered to their end yet.
    private var earlierUnanswered: Int { requestsRead - (headRead ? 1 : 0) - answersEnded }

    private func armDeadline(_ context: ChannelHandlerContext) {
        guard reading, deadline == nil, !expired, earlierUnanswered <= 0 else { return }
        deadline = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { self.expire(context) }
    }

    private func cancelDeadline() {
        deadline?.cancel()
        deadline = nil
    }

    private func expire(_ context: ChannelHandlerContext) {
        deadline = nil
        let message =
            "the request was not read within \(Self.describe(timeout)) of its first byte "
            + "(its head and body must arrive within that); the connection is closed"
        answerAndClose(context, status: .requestTimeout, message: message, error: HTTPError(.requestTimeout, message: message))
    }

    /// A request the HTTP decoder refuses (a bad `Content-Length`, a head over the size limit, a garbage request
    /// line) is answered here with the API's JSON error saying why; Hummingbird answered an empty 400.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // With earlier requests still to be answered, Hummingbird answers them first and then the refusal (an
        // empty 400): closing now would lose answers to requests already taken.
        guard !expired, let parserError = error as? HTTPParserError, !answerInProgress, earlierUnanswered == 0 else {
            return context.fireErrorCaught(error)
        }
        cancelDeadline()
        let message = "the request is not valid HTTP/1.1 (\(parserError)); the connection is closed"
        answerAndClose(context, status: .badRequest, message: message, error: error)
    }

    /// Answers `status` with `message` as the API's JSON error, unless another answer is under way on the
    /// connection (its parts must not be interleaved), then fails whoever reads the request with `error` and closes.
    private func answerAndClose(
        _ context: ChannelHandlerContext, status: HTTPResponse.Status, message: String, error: any Error
    ) {
        if !answerInProgress && earlierUnanswered == 0 {
            let bytes = ByteBuffer(string: APIResponse.errorBody(message) + "\n")
            let head = HTTPResponse(
                status: status,
                headerFields: [
                    .contentType: "application/json; charset=utf-8", .contentLength: String(bytes.readableBytes),
                    .connection: "close",
                ])
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            context.write(wrapOutboundOut(.body(bytes)), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
        expired = true
        context.fireErrorCaught(error)
        context.close(promise: nil)
    }

    private static func describe(_ amount: TimeAmount) -> String {
        let ms = amount.nanoseconds / 1_000_000
        return ms % 1000 == 0 ? "\(ms / 1000) s" : "\(ms) ms"
    }
}

@available(*, unavailable)
extension RequestReadDeadlineHandler: Sendable {}
