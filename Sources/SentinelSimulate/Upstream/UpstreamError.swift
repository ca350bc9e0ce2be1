import Foundation

/// An error object as vLLM (or any OpenAI-compatible server) returns it, in either of vLLM's shapes: the current
/// `{"error":{"message","type","param","code"}}` and the flat `{"object":"error","message",...}` of vLLM ≤ 0.10.
public struct UpstreamError: Sendable, Equatable {
    /// The server's message.
    public var message: String
    /// `BadRequestError`, `InternalServerError`, ... (OpenAI: `invalid_request_error`, ...).
    public var type: String?
    /// The request parameter at fault, when the server names one.
    public var param: String?
    /// vLLM sends the HTTP status as a number, OpenAI a string; kept as text either way.
    public var code: String?

    /// An error object with the given fields.
    public init(message: String, type: String? = nil, param: String? = nil, code: String? = nil) {
        self.message = message
        self.type = type
        self.param = param
        self.code = code
    }

    /// The error in a response body, or nil when the body is not JSON or holds no error object.
    public static func parse(_ body: Data) -> UpstreamError? {
        guard let envelope = try? JSONDecoder().decode(Envelope.self, from: body) else { return nil }
        if let nested = envelope.error { return nested.error }
        if envelope.object == "error", let flat = envelope.flat { return flat.error }
        return nil
    }

    /// Both shapes in one decode: the nested object under `error`, or the flat fields beside `object`.
    struct Envelope: Decodable {
        var error: Fields?
        var object: String?
        var flat: Fields?

        enum CodingKeys: String, CodingKey { case error, object }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            error = try? container.decodeIfPresent(Fields.self, forKey: .error)
            object = try? container.decodeIfPresent(String.self, forKey: .object)
            flat = try? Fields(from: decoder)
        }
    }

    struct Fields: Decodable {
        var message: String?
        var type: String?
        var param: String?
        var code: String?

        enum CodingKeys: String, CodingKey { case message, type, param, code }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            message = try? container.decodeIfPresent(String.self, forKey: .message)
            type = try? container.decodeIfPresent(String.self, forKey: .type)
            param = try? container.decodeIfPresent(String.self, forKey: .param)
            if let number = try? container.decodeIfPresent(Int.self, forKey: .code) {
                code = String(number)
            } else {
                code = try? container.decodeIfPresent(String.self, forKey: .code)
            }
        }

        var error: UpstreamError? {
            guard message != nil || type != nil else { return nil }
            return UpstreamError(message: message ?? "", type: type, param: param, code: code)
        }
    }
}
