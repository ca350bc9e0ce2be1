#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import SentinelCore

extension PrometheusScraper {
    /// The text format Sentinel parses; OpenMetrics is tolerated but not asked for.
    static let accept = "text/plain;version=0.0.4;q=1,*/*;q=0.1"

    /// GETs the target's URL and parses the body, the whole exchange within the target's timeout.
    func fetchExposition(_ target: ScrapeTarget) async -> Result<Exposition, ScrapeFailure> {
        let body: ByteBuffer
        do {
            body = try await fetchBody(target)
        } catch let failure as ScrapeFailure {
            return .failure(failure)
        } catch let error as HTTPClientError where error == .deadlineExceeded {
            return .failure(.timeout(target.timeout))
        } catch let error as IOError {
            // NIO's own text for a failed connect reads "connection reset (error set): …" even when it was refused.
            return .failure(.connection("\(String(cString: strerror(error.errnoCode))) (errno \(error.errnoCode))"))
        } catch {
            return .failure(.connection(String(describing: error)))
        }
        return Result { () throws(ExpositionError) in try PrometheusTextParser.parse(body.readableBytesView) }
            .mapError(ScrapeFailure.parse)
    }

    /// The body of a 2xx response. The client's deadline covers connecting and the response head (a refused
    /// connection is retried until then, and reported as the last connection error); the body is raced against
    /// the same deadline.
    private func fetchBody(_ target: ScrapeTarget) async throws -> ByteBuffer {
        let deadline = ContinuousClock.now + target.timeout
        var request = HTTPClientRequest(url: target.url)
        request.headers.add(name: "Accept", value: Self.accept)
        let timeout = TimeAmount.nanoseconds(Int64(target.timeout.seconds * 1e9))
        let response = try await client.execute(request, timeout: timeout, logger: logger)
        guard (200..<300).contains(response.status.code) else {
            throw ScrapeFailure.status(Int(response.status.code))
        }
        return try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
            group.addTask {
                do {
                    return try await response.body.collect(upTo: target.bodySizeLimit)
                } catch is NIOTooManyBytesError {
                    throw ScrapeFailure.bodyTooLarge(limit: target.bodySizeLimit)
                }
            }
            group.addTask {
                try await Task.sleep(until: deadline)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let body = first else {
                throw ScrapeFailure.timeout(target.timeout)
            }
            return body
        }
    }
}
