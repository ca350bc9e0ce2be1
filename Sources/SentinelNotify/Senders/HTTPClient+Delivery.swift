import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SentinelCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension HTTPClient {
    /// The client notifications go through: `HTTPClient.shared`'s settings, but a redirect is an answer, not followed
    /// (a 301, 302 or 303 is followed with a GET without the body, whose 200 counted as a delivery). Made on first
    /// use and kept for the life of the process.
    public static let delivery: HTTPClient = {
        var configuration = HTTPClient.Configuration.singletonConfiguration
        configuration.redirectConfiguration = .disallow
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    /// POSTs `body` as JSON and returns once a 2xx response has come; throws why not otherwise.
    ///
    /// `timeout` covers connecting (a refused connection is retried until then and reported as the last connection
    /// error) and the response head. The body is then read, and kept for an error message, until the same deadline;
    /// a success does not wait for it beyond that.
    func postJSON(_ body: Data, to url: String, headers: [(String, String)], timeout: Duration)
        async throws(DeliveryFailure)
    {
        let deadline = ContinuousClock.now + timeout
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response: HTTPClientResponse
        do {
            response = try await execute(request, timeout: .nanoseconds(Int64(timeout.seconds * 1e9)))
        } catch let error as HTTPClientError where error == .deadlineExceeded {
            throw .timeout(timeout)
        } catch let error as IOError {
            // NIO's own text for a failed connect reads "connection reset (error set): …" even when it was refused.
            throw .connection("\(String(cString: strerror(error.errnoCode))) (errno \(error.errnoCode))")
        } catch {
            throw .connection(String(describing: error))
        }
        let prefix = await response.body.textPrefix(until: deadline)
        if (300..<400).contains(response.status.code), let location = response.headers.first(name: "Location") {
            throw .httpStatus(
                Int(response.status.code), body: "redirects to \(location.prefix(200)); set the receiver's url to where it points")
        }
        guard (200..<300).contains(response.status.code) else {
            if [429, 503].contains(response.status.code),
                let wait = response.headers.first(name: "Retry-After").flatMap(Self.retryAfter)
            {
                throw .throttled(Int(response.status.code), body: prefix, retryAfter: wait)
            }
            throw .httpStatus(Int(response.status.code), body: prefix)
        }
    }

    /// A `Retry-After` value (RFC 9110 §10.2.3): delay seconds, or an HTTP date (the time until then, at least 0).
    static func retryAfter(_ value: String) -> Duration? {
        let text = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Int64(text), seconds >= 0 { return .seconds(seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: text) else { return nil }
        return .milliseconds(max(0, Int64(date.timeIntervalSinceNow * 1000)))
    }
}

extension HTTPClientResponse.Body {
    /// The first `DeliveryFailure.bodyPrefixLength` bytes as text, reading on (so the connection can be
    /// reused) up to 1 MiB and until `deadline`; empty when the body has not come by then.
    fileprivate func textPrefix(until deadline: ContinuousClock.Instant) async -> String {
        await withTaskGroup(of: String?.self) { group in
            group.addTask {
                var prefix: [UInt8] = []
                var read = 0
                do {
                    for try await chunk in self {
                        prefix += chunk.readableBytesView.prefix(DeliveryFailure.bodyPrefixLength - prefix.count)
                        read += chunk.readableBytes
                        if read > 1 << 20 { break }
                    }
                } catch {
                    // A body cut short still explains the status with what came of it.
                }
                return String(decoding: prefix, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            }
            group.addTask {
                try? await Task.sleep(until: deadline)
                return nil
            }
            defer { group.cancelAll() }
            return await group.next().flatMap { $0 } ?? ""
        }
    }
}
