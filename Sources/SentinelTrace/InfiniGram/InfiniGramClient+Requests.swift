import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SentinelCore

extension InfiniGramClient {
    /// POSTs one query and decodes its answer, retrying timeouts, connection errors, 5xx and 429 with backoff.
    /// An `{"error": ...}` answer with any other status is final: the query itself is wrong.
    func send<Answer: Decodable>(
        _ request: InfiniGramRequest, as: Answer.Type, budget: RequestBudget
    ) async throws -> Answer {
        let body = try JSONEncoder().encode(request)
        var attempts = 0
        while true {
            try budget.spend()
            attempts += 1
            let failure: TraceError
            switch await post(body) {
            case .answered(let status, let answer):
                let message = (try? JSONDecoder().decode(InfiniGramError.self, from: answer))?.error
                if (200..<300).contains(status), message == nil {
                    do {
                        return try JSONDecoder().decode(Answer.self, from: answer)
                    } catch {
                        throw TraceError.badResponse(
                            url: configuration.url, queryType: request.queryType, reason: Self.reason(error))
                    }
                }
                failure =
                    message.map { .api(url: configuration.url, message: $0) }
                    ?? .httpStatus(
                        url: configuration.url, status: status, body: String(decoding: answer, as: UTF8.self))
                guard status >= 500 || status == 429 else { throw failure }
            case .timedOut:
                failure = .timeout(url: configuration.url, after: configuration.timeout, attempts: attempts)
            case .unreachable(let reason):
                failure = .connection(url: configuration.url, reason: reason)
            }
            guard attempts < configuration.maxAttempts else { throw failure }
            try await Task.sleep(for: backoff(afterAttempts: attempts))
        }
    }

    private enum Outcome: Sendable {
        case answered(status: Int, body: Data)
        case timedOut
        case unreachable(String)
    }

    /// One attempt, bounded by the timeout from sending to the last byte of the answer.
    private func post(_ body: Data) async -> Outcome {
        let request = {
            var request = HTTPClientRequest(url: configuration.url)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
            return request
        }()
        let timeout = configuration.timeout
        let client = client
        return await withTaskGroup(of: Outcome?.self) { group in
            group.addTask {
                do {
                    let response = try await client.execute(
                        request, timeout: .nanoseconds(Int64(timeout.seconds * 1e9)))
                    let answer = try await response.body.collect(upTo: 64 << 20)
                    return .answered(status: Int(response.status.code), body: Data(answer.readableBytesView))
                } catch let error as HTTPClientError where error == .deadlineExceeded {
                    return .timedOut
                } catch is CancellationError {
                    return nil
                } catch {
                    return .unreachable(Self.reason(error))
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return Task.isCancelled ? nil : .timedOut
            }
            defer { group.cancelAll() }
            while let outcome = await group.next() {
                if let outcome { return outcome }
            }
            return .timedOut
        }
    }

    /// `min(maxBackoff, initialBackoff × 2^(attempts − 1))`, times a random factor in [0.5, 1].
    private func backoff(afterAttempts attempts: Int) -> Duration {
        let doubled = configuration.initialBackoff.milliseconds * Double(1 << min(attempts - 1, 30))
        return .milliseconds(Int64(min(doubled, configuration.maxBackoff.milliseconds) * Double.random(in: 0.5...1)))
    }

    private static func reason(_ error: any Error) -> String {
        if let error = error as? IOError { return String(cString: strerror(error.errnoCode)) }
        return String(describing: error)
    }
}
