import Hummingbird
import NIOCore

/// Reads request bodies up to a limit, telling a body over it (413) from one that could not be read at all (400: a
/// malformed chunk, a chunk shorter than its size, a connection closed mid-body), which reached clients as 500s.
enum RequestBody {
    /// Why a body was not read, and the status that says so.
    struct Unreadable: Error {
        var status: HTTPResponse.Status
        var message: String
    }

    static func collect(_ request: Request, upTo limit: Int) async throws(Unreadable) -> ByteBuffer {
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
}
