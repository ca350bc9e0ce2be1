import Foundation
import Hummingbird

extension VLLMDouble {
    /// vLLM's endpoints, OpenAI's moderation endpoint, and two control endpoints under `/double/` for scripts
    /// driving a `vllm-double` process:
    ///
    /// - `POST /double/gauges?running=N&waiting=N&kv_cache_usage=F` replaces the gauge overrides (a parameter
    ///   left out follows the requests again), as ``overrideGauges(_:)`` does;
    /// - `POST /double/preemptions?count=N` adds preemptions, as ``addPreemptions(_:)`` does.
    func router() -> Router<DoubleRequestContext> {
        let engine = engine
        let router = Router(context: DoubleRequestContext.self)
        let chat = ChatCompletionHandler(engine: engine)
        let moderation = ModerationHandler(engine: engine)
        router.post("/v1/chat/completions") { request, context in try await chat.respond(to: request, context: context)
        }
        router.post("/v1/moderations") { request, context in try await moderation.respond(to: request, context: context)
        }
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: engine.metrics.exposition())))
        }
        router.get("/health") { _, _ in Response(status: .ok) }
        router.get("/version") { _, _ in
            engine.json("{\"version\":\(JSONString.quoted(engine.configuration.metricNaming.version))}")
        }
        router.get("/v1/models") { _, _ in engine.json(Self.models(engine)) }
        router.post("/double/gauges") { request, _ in
            let query = request.uri.queryParameters
            do throws(APIError) {
                engine.metrics.setOverrides(
                    GaugeOverrides(
                        running: try Self.parameter("running", in: query),
                        waiting: try Self.parameter("waiting", in: query),
                        kvCacheUsage: try Self.parameter("kv_cache_usage", in: query)))
                return Response(status: .noContent)
            } catch {
                return engine.response(for: error)
            }
        }
        router.post("/double/preemptions") { request, _ in
            do throws(APIError) {
                engine.metrics.addPreemptions(try Self.parameter("count", in: request.uri.queryParameters) ?? 1)
                return Response(status: .noContent)
            } catch {
                return engine.response(for: error)
            }
        }
        return router
    }

    private static func parameter<Value: LosslessStringConvertible>(
        _ name: String, in query: Parameters
    ) throws(APIError) -> Value? {
        guard let text = query.get(name) else { return nil }
        guard let value = Value(text) else { throw .badRequest("Invalid value '\(text)' for '\(name)'.", param: name) }
        return value
    }

    /// `GET /v1/models` as vLLM lists its one served model.
    private static func models(_ engine: Engine) -> String {
        let configuration = engine.configuration
        let created = Int(Date().timeIntervalSince1970)
        let name = JSONString.quoted(configuration.servedModelName)
        return "{\"object\":\"list\",\"data\":[{\"id\":\(name),\"object\":\"model\",\"created\":\(created),"
            + "\"owned_by\":\"vllm\",\"root\":\(name),\"parent\":null,"
            + "\"max_model_len\":\(configuration.maxModelLength),"
            + "\"permission\":[{\"id\":\"modelperm-\(engine.identifier(for: 0))\",\"object\":\"model_permission\","
            + "\"created\":\(created),\"allow_create_engine\":false,\"allow_sampling\":true,\"allow_logprobs\":true,"
            + "\"allow_search_indices\":false,\"allow_view\":true,\"allow_fine_tuning\":false,\"organization\":\"*\","
            + "\"group\":null,\"is_blocking\":false}]}]}"
    }
}
