import Hummingbird
import Logging
import SentinelCore

/// Answers the review page's failures as HTML pages, as its other answers are: a form that is not URL-encoded is a
/// 400 saying where, one over the limit a 413 (an unreadable one a 400), an error Hummingbird raises keeps its status,
/// and anything else (a damaged store row, say) is a 500 with the error's message instead of the API's JSON.
struct ReviewErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as FormBody.Malformed {
            return Self.page(.badRequest, "\(error)")
        } catch let error as RequestBody.Unreadable {
            return Self.page(error.status, error.message)
        } catch let error as HTTPError {
            return Self.page(error.status, error.body ?? error.status.reasonPhrase)
        } catch {
            context.logger.error("review page failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            return Self.page(.internalServerError, "Internal error: \(error)")
        }
    }

    private static func page(_ status: HTTPResponse.Status, _ message: String) -> Response {
        SentinelServer.html(
            ReviewPage.layout(
                title: status.reasonPhrase, session: nil, body: "<p class=\"error\" id=\"message\">\(message.htmlEscaped)</p>"),
            status: status)
    }
}
