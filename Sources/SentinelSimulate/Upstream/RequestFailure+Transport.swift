import AsyncHTTPClient

extension RequestFailure {
    /// Any error of a request as a `RequestFailure`: cancellation, AsyncHTTPClient's own timeouts, and otherwise a
    /// transport failure with the error's description.
    init(_ error: any Error, timeouts: RequestTimeouts) {
        if let failure = error as? RequestFailure {
            self = failure
        } else if error is CancellationError || Task.isCancelled {
            self = .cancelled
        } else if let client = error as? HTTPClientError, client == .cancelled {
            self = .cancelled
        } else if let client = error as? HTTPClientError, client == .connectTimeout {
            self = .timeout(.connect, after: timeouts.connect)
        } else if let client = error as? HTTPClientError, client == .deadlineExceeded {
            self = .timeout(.total, after: timeouts.total)
        } else {
            self = .transport(String(describing: error))
        }
    }

    /// An error while reading a response body: a broken connection is a disconnect after `bytes` bytes.
    init(readingBody error: any Error, afterBytes bytes: Int, timeouts: RequestTimeouts) {
        let failure = RequestFailure(error, timeouts: timeouts)
        if case .transport(let reason) = failure {
            self = .disconnected(afterBytes: bytes, reason: reason)
        } else {
            self = failure
        }
    }
}
