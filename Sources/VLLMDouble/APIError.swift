/// An error answer in vLLM's shape: an HTTP status, an exception-style type name and a message.
struct APIError: Error {
    let status: Int
    let message: String
    /// The request field at fault, when vLLM names one.
    let param: String?

    init(status: Int, message: String, param: String? = nil) {
        self.status = status
        self.message = message
        self.param = param
    }

    static func badRequest(_ message: String, param: String? = nil) -> APIError {
        APIError(status: 400, message: message, param: param)
    }

    /// What the `stream-error` fault reports, mid-stream or as an HTTP 500.
    static let injectedEngineFailure = APIError(
        status: 500, message: "Injected fault: the engine failed while generating.")

    /// The type names vLLM's `create_error_response` callers use.
    var type: String {
        switch status {
        case 400: "BadRequestError"
        case 401: "AuthenticationError"
        case 404: "NotFoundError"
        case 422: "UnprocessableEntityError"
        case 429: "RateLimitError"
        case 501: "NotImplementedError"
        case 503: "ServiceUnavailableError"
        case 500...: "InternalServerError"
        default: "BadRequestError"
        }
    }

    /// The response body, as pydantic dumps `ErrorResponse` (compact).
    func body(_ shape: VLLMDouble.ErrorShape) -> String {
        let object = fields(shape, separator: ",", colon: ":")
        return shape == .current ? "{\"error\":\(object)}" : object
    }

    /// The `data:` payload of a mid-stream error, as vLLM's `create_streaming_error_response` writes it with
    /// `json.dumps` (spaces after `,` and `:`).
    func streamPayload(_ shape: VLLMDouble.ErrorShape) -> String {
        "{\"error\": " + fields(shape, separator: ", ", colon: ": ") + "}"
    }

    private func fields(_ shape: VLLMDouble.ErrorShape, separator: String, colon: String) -> String {
        var pairs: [(String, String)] = []
        if shape == .legacy { pairs.append(("object", JSONString.quoted("error"))) }
        pairs += [
            ("message", JSONString.quoted(message)),
            ("type", JSONString.quoted(type)),
            ("param", param.map { JSONString.quoted($0) } ?? "null"),
            ("code", String(status)),
        ]
        return "{" + pairs.map { JSONString.quoted($0.0) + colon + $0.1 }.joined(separator: separator) + "}"
    }
}
