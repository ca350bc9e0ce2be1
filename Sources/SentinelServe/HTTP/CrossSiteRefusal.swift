import Foundation
import HTTPTypes
import Hummingbird

/// Refuses API requests that change state (`POST`, `DELETE` under `/api/` and `/-/`) when a browser says they come
/// from another site: an `Origin` other than the server's own address, or `Sec-Fetch-Site: cross-site`. A page
/// the operator visits could otherwise post events or trigger a reload without a preflight (a `text/plain` body),
/// to an API that is open while no token is set. API clients (curl, collectors, SDKs) send neither header; the
/// review page's own forms post under `/review/` with their CSRF token, and are not affected.
struct CrossSiteRefusal<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard let reason = Self.refusal(request) else { return try await next(request, context) }
        return APIResponse.error(.forbidden, reason)
    }

    /// Why `request` is refused, nil when it is not.
    static func refusal(_ request: Request) -> String? {
        guard request.method != .get, request.method != .head, request.method != .options else { return nil }
        let path = request.uri.path
        guard path.hasPrefix("/api/") || path.hasPrefix("/-/") else { return nil }
        if request.headers[HTTPField.Name("Sec-Fetch-Site")!]?.lowercased() == "cross-site" {
            return "a cross-site request from a browser is refused (Sec-Fetch-Site: cross-site)"
        }
        guard let origin = request.headers[.origin] else { return nil }
        let host = request.head.authority ?? ""
        guard Self.authority(ofOrigin: origin) != host.lowercased() else { return nil }
        return "a request from another origin is refused: Origin '\(origin)' is not this server ('\(host)')"
    }

    /// `host[:port]` of an `Origin` value, lower case, its scheme's default port left out as a `Host` leaves it
    /// out; nil for `null` (a sandboxed or local page) or anything that is not a URL.
    static func authority(ofOrigin origin: String) -> String? {
        guard let url = URL(string: origin), let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased()
        else { return nil }
        let bracketed = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        guard let port = url.port, port != (scheme == "https" ? 443 : 80) else { return bracketed }
        return "\(bracketed):\(port)"
    }
}
