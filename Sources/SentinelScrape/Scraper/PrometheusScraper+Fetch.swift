#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import NIOHTTPCompression
import SentinelCore
import Synchronization

extension PrometheusScraper {
    /// The text format Sentinel parses; OpenMetrics is tolerated but not asked for.
    static let accept = "text/plain;version=0.0.4;q=1,*/*;q=0.1"

    /// Clients by body size limit, made on first use and kept for the life of the process, like `HTTPClient.shared`.
    private static let clients = Mutex<[Int: HTTPClient]>([:])

    /// A client whose decompression of `gzip` and `deflate` bodies stops at `bodySizeLimit` bytes.
    /// `HTTPClient.shared` limits the ratio instead (25), which real vLLM bodies exceed (33 for four engines).
    static func client(bodySizeLimit: Int) -> HTTPClient {
        clients.withLock { clients in
            if let client = clients[bodySizeLimit] { return client }
            var configuration = HTTPClient.Configuration.singletonConfiguration
            configuration.decompression = .enabled(limit: .size(bodySizeLimit))
            let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
            clients[bodySizeLimit] = client
            return client
        }
    }

    /// GETs the target's URL and parses the body, the whole exchange within the target's timeout.
    func fetchExposition(targetAt index: Int) async -> Result<Exposition, ScrapeFailure> {
        let target = targets[index]
        let body: ByteBuffer
        do {
            body = try await fetchBody(target, client: clients[index])
        } catch let failure as ScrapeFailure {
            return .failure(failure)
        } catch let error as HTTPClientError where error == .deadlineExceeded {
            return .failure(.timeout(target.timeout))
        } catch let error as IOError {
            // NIO's own text for a failed connect reads "connection reset (error set): …" even when it was refused.
            return .failure(.connection("\(String(cString: strerror(error.errnoCode))) (errno \(error.errnoCode))"))
        } catch {
            return .failure(ScrapeFailure(decompressing: error, encoding: nil, limit: target.bodySizeLimit)
                ?? .connection(String(describing: error)))
        }
        return Result { () throws(ExpositionError) in
            try PrometheusTextParser.parse(body.readableBytesView, sampleLimit: target.sampleLimit)
        }
        .mapError { $0.sampleLimit.map(ScrapeFailure.sampleLimit) ?? .parse($0) }
    }

    /// The body of a `200` response, decompressed. The client's deadline covers connecting and the response head (a
    /// refused connection is retried until then, and reported as the last connection error); the body is raced
    /// against the same deadline.
    private func fetchBody(_ target: ScrapeTarget, client: HTTPClient) async throws -> ByteBuffer {
        let deadline = ContinuousClock.now + target.timeout
        var request = HTTPClientRequest(url: target.url)
        request.headers.add(name: "Accept", value: Self.accept)
        let timeout = TimeAmount.nanoseconds(Int64(target.timeout.seconds * 1e9))
        let response = try await client.execute(request, timeout: timeout, logger: logger)
        // As Prometheus: any other status, `204 No Content` and `206 Partial Content` included, fails the scrape.
        guard response.status.code == 200 else {
            throw ScrapeFailure.status(Int(response.status.code))
        }
        let encoding = response.headers.first(name: "content-encoding").map { $0.lowercased() }
        return try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
            group.addTask {
                do {
                    return try await response.body.collect(upTo: target.bodySizeLimit)
                } catch is NIOTooManyBytesError {
                    // With a client other than the scraper's own, a compressed body is only limited here.
                    throw encoding.map { .decompressedBodyTooLarge(encoding: $0, limit: target.bodySizeLimit) }
                        ?? ScrapeFailure.bodyTooLarge(limit: target.bodySizeLimit)
                } catch {
                    throw ScrapeFailure(decompressing: error, encoding: encoding, limit: target.bodySizeLimit) ?? error
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
