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
        // By its first segment, as the router matches it (`//api/v1/events` is `/api/v1/events`).
        let segment = request.uri.path.split(separator: "/").first
        guard segment == "api" || segment == "-" else { return nil }
        if request.headers[OriginCheck.fetchSite]?.lowercased() == "cross-site" {
            return "a cross-site request from a browser is refused (Sec-Fetch-Site: cross-site)"
        }
        guard let origin = request.headers[.origin] else { return nil }
        let host = request.head.authority ?? ""
        guard !OriginCheck.isSameSite(origin: origin, host: host) else { return nil }
        return "a request from another origin is refused: Origin '\(origin)' is not this server ('\(host)')"
    }
}

/// Whether a browser's `Origin` names the server a request was sent to.
enum OriginCheck {
    static let fetchSite = HTTPField.Name("Sec-Fetch-Site")!

    /// Whether `origin` is `host` (the request's `Host`): the same name, and the same port, a scheme's default one
    /// written or not (`http://h` is `h` and `h:80`). `null` (a sandboxed or local page) is no site.
    static func isSameSite(origin: String, host: String) -> Bool {
        guard let url = URL(string: origin), let scheme = url.scheme?.lowercased(), let name = url.host?.lowercased()
        else { return false }
        let bracketed = name.contains(":") && !name.hasPrefix("[") ? "[\(name)]" : name
        let defaultPort = scheme == "https" ? 443 : 80
        let port = url.port ?? defaultPort
        let host = host.lowercased()
        return host == "\(bracketed):\(port)" || port == defaultPort && host == bracketed
    }
}
