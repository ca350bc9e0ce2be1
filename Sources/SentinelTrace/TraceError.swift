/// Why a trace failed after its backend was set up: bad options, or the infini-gram API not answering usefully.
/// A trace failure never concerns the evaluation that asked for it; the caller records it and goes on.
public enum TraceError: Error, Sendable, Hashable, CustomStringConvertible {
    case invalidOptions(String)
    /// The API answered `{"error": message}`.
    case api(url: String, message: String)
    /// An HTTP status other than 2xx without an error message.
    case httpStatus(url: String, status: Int, body: String)
    case timeout(url: String, after: Duration, attempts: Int)
    case connection(url: String, reason: String)
    /// A response that is not the JSON the query type answers with.
    case badResponse(url: String, queryType: String, reason: String)
    /// The trace needed more requests than its budget (`InfiniGramClient.Configuration.maxRequests`).
    case requestBudgetExhausted(Int)
    /// A local index searched longer than `TraceOptions.timeLimit`.
    case timeLimit(index: String, after: Duration)

    public var description: String {
        switch self {
        case .invalidOptions(let problem): "invalid trace options: \(problem)"
        case .api(let url, let message): "\(url): infini-gram error: \(message)"
        case .httpStatus(let url, let status, let body):
            "\(url): HTTP \(status)" + (body.isEmpty ? "" : ": \(body.prefix(200))")
        case .timeout(let url, let after, let attempts):
            "\(url): no answer within \(after) (\(attempts) attempt\(attempts == 1 ? "" : "s"))"
        case .connection(let url, let reason): "\(url): \(reason)"
        case .badResponse(let url, let queryType, let reason): "\(url): unexpected answer to '\(queryType)': \(reason)"
        case .requestBudgetExhausted(let budget):
            "the trace needed more than \(budget) infini-gram requests; raise the budget or trace a shorter text"
        case .timeLimit(let index, let after):
            "\(index): the trace took longer than its timeout of \(after); raise it or trace a shorter text"
        }
    }
}
