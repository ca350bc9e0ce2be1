import Hummingbird
import Logging
import SentinelCore

/// JSON responses of Sentinel's API, and its one error shape: `{"error":{"message":…, …}}`.
enum APIResponse {
    static func json(_ status: HTTPResponse.Status = .ok, _ body: String, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: body + "\n")))
    }

    static func text(_ body: String, contentType: String) -> Response {
        Response(status: .ok, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    /// An error with a message and optional extra members (already-serialised JSON values).
    static func error(
        _ status: HTTPResponse.Status, _ message: String, extra: [(String, String)] = [], headers: HTTPFields = [:]
    ) -> Response {
        json(status, errorBody(message, extra: extra), headers: headers)
    }

    /// The error shape's text, for answers written below the router (a request not read in time).
    static func errorBody(_ message: String, extra: [(String, String)] = []) -> String {
        var error = JSONText()
        error.add("message", message)
        for (key, raw) in extra { error.add(key, raw: raw) }
        var body = JSONText()
        body.add("error", raw: error.result)
        return body.result
    }
}

/// Turns errors Hummingbird raises itself (unknown route, wrong method, body too large) into the API's JSON
/// error shape, and any other error into a 500 with a message instead of a dropped connection.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            return APIResponse.error(error.status, error.body ?? error.status.reasonPhrase, headers: error.headers)
        } catch {
            context.logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            return APIResponse.error(.internalServerError, "internal error: \(error)")
        }
    }
}
