import Hummingbird

/// `POST /v1/moderations`: OpenAI moderation verdicts after the first-token delay, with the request's fault.
struct ModerationHandler {
    let engine: Engine

    func respond(to request: Request, context: DoubleRequestContext) async throws -> Response {
        try await engine.serve(request) { number, fault in
            let moderation = try await engine.decode(ModerationRequest.self, from: request)
            try await Engine.pause(engine.firstTokenDelay(fault))
            let body = ModerationModel.response(to: moderation, id: engine.identifier(for: number))
            return try await engine.bodyFault(fault, body: body, context: context) ?? engine.json(body)
        }
    }
}
