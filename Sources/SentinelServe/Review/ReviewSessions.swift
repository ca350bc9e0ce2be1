import Foundation
import Hummingbird
import Synchronization

/// Logged-in reviewers of the review page. A reviewer logs in with a configured token (write or admin: may
/// review and silence; read: may look) and a name; the session lives in memory (a restart logs everyone out) and
/// carries its own CSRF token, which every form posts back.
final class ReviewSessions: Sendable {
    struct Session: Sendable {
        var reviewer: String
        var canWrite: Bool
        var csrf: String
    }

    static let cookie = "sentinel_review"
    private let sessions = Mutex<[String: Session]>([:])
    private let write: [BearerToken]
    private let read: [BearerToken]

    init(writeTokens: [String?], readTokens: [String?]) {
        write = writeTokens.compactMap { $0 }.map { BearerToken($0) }
        read = readTokens.compactMap { $0 }.map { BearerToken($0) }
    }

    /// Whether any token can log in at all (else the page explains what to configure).
    var isConfigured: Bool { !write.isEmpty || !read.isEmpty }

    /// A new session for `token`, or nil when it is no configured token.
    func login(token: String, reviewer: String) -> (id: String, session: Session)? {
        let bytes = Array(token.utf8)
        let canWrite = write.contains { $0.matches(bytes) }
        guard canWrite || read.contains(where: { $0.matches(bytes) }) else { return nil }
        let session = Session(reviewer: reviewer, canWrite: canWrite, csrf: Self.randomHex())
        let id = Self.randomHex()
        sessions.withLock { $0[id] = session }
        return (id, session)
    }

    func logout(_ request: Request) {
        guard let id = Self.sessionID(request) else { return }
        _ = sessions.withLock { $0.removeValue(forKey: id) }
    }

    /// The request's session, when its cookie names one.
    func session(_ request: Request) -> Session? {
        guard let id = Self.sessionID(request) else { return nil }
        return sessions.withLock { $0[id] }
    }

    private static func sessionID(_ request: Request) -> String? {
        for header in request.headers[values: .cookie] {
            for part in header.split(separator: ";") {
                let pair = part.trimmingCharacters(in: .whitespaces)
                if pair.hasPrefix(cookie + "=") { return String(pair.dropFirst(cookie.count + 1)) }
            }
        }
        return nil
    }

    static func randomHex() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in String(generator.next() as UInt64, radix: 16) }.map {
            String(repeating: "0", count: 16 - $0.count) + $0
        }.joined()
    }
}

extension BearerToken {
    /// Constant-time comparison of a presented token with this one.
    func matches(_ presented: [UInt8]) -> Bool {
        guard let expected else { return false }
        return Self.constantTimeEqual(presented, expected)
    }
}
