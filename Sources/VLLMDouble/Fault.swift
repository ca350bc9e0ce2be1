extension VLLMDouble {
    /// One misbehaviour injected into a request to `/v1/chat/completions` or `/v1/moderations`.
    ///
    /// Written as text (in the `X-Double-Fault` header, in `--fault`, in ``FaultRule/init(parsing:)``):
    ///
    /// | Text | Fault |
    /// |---|---|
    /// | `slow-first-token=2s` | ``slowFirstToken(_:)`` (`ms`, `s`, `m`; decimals allowed) |
    /// | `status=503` or `status=500,shape=legacy` | ``status(_:shape:)`` |
    /// | `disconnect=3` | ``disconnect(afterChunks:)`` |
    /// | `malformed=2` | ``malformedChunk(afterChunks:)`` |
    /// | `stream-error=2` or `stream-error=2,shape=legacy` | ``streamError(afterChunks:shape:)`` |
    /// | `hang` or `hang=30s` | ``hang(_:)`` (default 10 minutes) |
    ///
    /// The header also accepts `none`: no fault for this request, whatever the configured rules say.
    public enum Fault: Sendable, Hashable, CustomStringConvertible {
        /// The first token comes after this delay instead of the configured one.
        case slowFirstToken(Duration)
        /// The request fails with this HTTP status (400–599) in the given error shape (nil: the configured one).
        case status(Int, shape: ErrorShape?)
        /// The connection closes after this many SSE events (`data:` lines); before any response when not
        /// streaming.
        case disconnect(afterChunks: Int)
        /// After this many SSE events one event carries invalid JSON; the stream then goes on normally.
        /// A non-streaming response body is cut in half instead.
        case malformedChunk(afterChunks: Int)
        /// After this many SSE events comes `data: {"error": {…}}` and `data: [DONE]`, as vLLM sends when the
        /// engine fails mid-stream. A non-streaming request gets an HTTP 500 instead.
        case streamError(afterChunks: Int, shape: ErrorShape?)
        /// Nothing comes (streaming: nothing after the response head) for this long, then the connection closes.
        case hang(Duration)

        /// How long ``hang(_:)`` lasts when the text says only `hang`: past any sensible client timeout.
        public static let defaultHangDuration: Duration = .seconds(600)

        /// The fault as written in a header or `--fault`.
        public var description: String {
            switch self {
            case .slowFirstToken(let delay): "slow-first-token=\(FaultSpec.format(delay))"
            case .status(let code, let shape): "status=\(code)" + FaultSpec.shapeSuffix(shape)
            case .disconnect(let chunks): "disconnect=\(chunks)"
            case .malformedChunk(let chunks): "malformed=\(chunks)"
            case .streamError(let chunks, let shape): "stream-error=\(chunks)" + FaultSpec.shapeSuffix(shape)
            case .hang(let duration): "hang=\(FaultSpec.format(duration))"
            }
        }

        /// Reads a fault as written in the `X-Double-Fault` header; nil for `none`.
        public static func parse(header text: String) throws(FaultSpecError) -> Fault? {
            let spec = try FaultSpec(text)
            if spec.kind == "none", spec.value == nil, spec.options.isEmpty { return nil }
            try spec.rejectOptions(except: ["shape"])
            return try spec.fault()
        }
    }
}
