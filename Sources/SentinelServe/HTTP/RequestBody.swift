import Foundation
import Hummingbird
import HTTPTypes
import NIOCore

/// Reads request bodies up to a limit, telling a body over it (413) from one that could not be read at all (400: a
/// malformed chunk, a chunk shorter than its size, a connection closed mid-body), which reached clients as 500s.
enum RequestBody {
    /// Why a body was not read, and the status that says so.
    struct Unreadable: Error {
        var status: HTTPResponse.Status
        var message: String
    }

    /// The body, once its codings are ones read as they come: a compressed one (any `Content-Encoding` but
    /// identity, 415; a transfer coding other than chunked, 501) would be read as the JSON or form itself.
    ///
    /// With `reserve`, each part of the body is kept only once `reserve` has granted room for its bytes (a chunked
    /// body has no length to reserve up front); when it refuses, the rest is read and dropped and the body is
    /// refused with 429.
    static func collect(
        _ request: Request, upTo limit: Int, reserve: ((Int) -> Bool)? = nil
    ) async throws(Unreadable) -> ByteBuffer {
        if let contentCodings = codings(request, .contentEncoding, allowed: ["identity"]) {
            throw Unreadable(
                status: .unsupportedMediaType, message: "Content-Encoding '\(contentCodings)' is not supported; send the body uncompressed")
        }
        if let transferCodings = codings(request, .transferEncoding, allowed: ["identity", "chunked"]) {
            throw Unreadable(
                status: .notImplemented, message: "Transfer-Encoding '\(transferCodings)' is not supported; send the body uncompressed")
        }
        if let reserve { return try await collect(request.body, upTo: limit, reserve: reserve) }
        do {
            return try await request.body.collect(upTo: limit)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw Unreadable(status: .contentTooLarge, message: "the body is over the limit of \(limit) bytes")
        } catch is NIOTooManyBytesError {
            // A chunked body has no length to check up front: it is over the limit once read that far.
            throw Unreadable(status: .contentTooLarge, message: "the body is over the limit of \(limit) bytes")
        } catch {
            throw Unreadable(status: .badRequest, message: "the body could not be read: \(error)")
        }
    }

    private static func collect(
        _ body: Hummingbird.RequestBody, upTo limit: Int, reserve: (Int) -> Bool
    ) async throws(Unreadable) -> ByteBuffer {
        var buffer = ByteBuffer()
        var refused = false
        var read = 0
        do {
            for try await part in body {
                read += part.readableBytes
                guard read <= limit else { throw Unreadable(status: .contentTooLarge, message: "the body is over the limit of \(limit) bytes") }
                if refused { continue }
                guard reserve(part.readableBytes) else {
                    refused = true
                    buffer = ByteBuffer()
                    continue
                }
                buffer.writeImmutableBuffer(part)
            }
        } catch let error as Unreadable {
            throw error
        } catch {
            throw Unreadable(status: .badRequest, message: "the body could not be read: \(error)")
        }
        if refused { throw Unreadable(status: .tooManyRequests, message: "too many event bodies are being read at once") }
        return buffer
    }

    /// The codings of `field` other than `allowed`, comma-separated; nil when there are none.
    private static func codings(_ request: Request, _ field: HTTPField.Name, allowed: Set<String>) -> String? {
        let codings = request.headers[values: field].flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty && !allowed.contains($0) }
        return codings.isEmpty ? nil : codings.joined(separator: ", ")
    }
}
