import Hummingbird

/// Checks `Authorization: Bearer <token>` against a configured token in constant time. The scheme is matched
/// ignoring case, as RFC 9110 §11.1 has it (`bearer t` is `Bearer t`).
struct BearerToken: Sendable {
    let expected: [UInt8]?

    init(_ token: String?) { expected = token.map { Array($0.utf8) } }

    /// True when no token is configured, or the request carries the right one.
    func admits(_ request: Request) -> Bool {
        guard let expected else { return true }
        guard let header = request.headers[.authorization] else { return false }
        let bytes = Array(header.utf8)
        guard bytes.count > 7, String(decoding: bytes[..<6], as: UTF8.self).lowercased() == "bearer" else { return false }
        var start = 6
        guard bytes[start] == 0x20 else { return false }
        while start < bytes.count, bytes[start] == 0x20 { start += 1 }
        return Self.constantTimeEqual(Array(bytes[start...]), expected)
    }

    /// Compares every byte whatever the first difference, so the time taken does not reveal the prefix matched.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: a.count ^ b.count)
        for i in 0..<max(a.count, b.count) {
            difference |= (i < a.count ? a[i] : 0) ^ (i < b.count ? b[i] : 0)
        }
        return difference == 0
    }

    static func unauthorized() -> Response {
        APIResponse.error(.unauthorized, "missing or wrong bearer token", headers: [.wwwAuthenticate: "Bearer"])
    }
}

/// Access to endpoints that only read: open when no read token is configured; otherwise the read token admits, and
/// so do the write and admin tokens (who may change the data may read it, as the review page lets them).
struct ReadAccess: Sendable {
    let read: BearerToken
    let others: [BearerToken]

    init(read: String?, others: [String?]) {
        self.read = BearerToken(read)
        self.others = others.compactMap { $0 }.map { BearerToken($0) }
    }

    func admits(_ request: Request) -> Bool {
        read.admits(request) || others.contains { $0.admits(request) }
    }
}

/// Access to endpoints that change stored data: any of the configured tokens admits; with none configured the
/// endpoint is closed (403 naming the setting), never open.
struct StoreAccess: Sendable {
    let tokens: [BearerToken]
    let role: String

    init(tokens: [String?], role: String) {
        self.tokens = tokens.compactMap { $0 }.map { BearerToken($0) }
        self.role = role
    }

    /// Nil when the request may proceed; else the response refusing it.
    func refusal(_ request: Request) -> Response? {
        if tokens.isEmpty {
            return APIResponse.error(.forbidden, "this endpoint changes stored data: set auth.\(role) in the configuration to enable it")
        }
        return tokens.contains { $0.admits(request) } ? nil : BearerToken.unauthorized()
    }
}
