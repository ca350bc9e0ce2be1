import Hummingbird

/// `POST /v1/moderations`: OpenAI moderation verdicts after the first-token delay, with the request's fault.
struct ModerationHandler {
    let engine: Engine

    func respond(to request: Request, context: DoubleRequestContext) async throws -> Response {
        let number = engine.nextRequestNumber()
        do {
            let fault = try engine.fault(for: request, number: number)
            if case .status(let code, let shape)? = fault { return engine.injectedStatus(code, shape: shape) }
            let moderation = try await engine.decode(ModerationRequest.self, from: request)
            try await Engine.pause(engine.firstTokenDelay(fault))
            let body = ModerationModel.response(to: moderation, id: engine.identifier(for: number))
            return try await engine.bodyFault(fault, body: body, context: context) ?? engine.json(body)
        } catch let error as APIError {
            return engine.response(for: error)
        }
    }
}
