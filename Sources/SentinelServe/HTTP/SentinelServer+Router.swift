import Hummingbird

extension SentinelServer {
    /// Every route of the API. Reads require the read token, ingestion the ingest token, reload the admin
    /// token (each only when configured); `/health`, `/ready` and `/metrics` are open, as Prometheus expects.
    public func makeRouter() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: JSONErrorMiddleware())
        let ingest = BearerToken(configuration.auth.ingestToken)
        let read = BearerToken(configuration.auth.readToken)
        let admin = BearerToken(configuration.auth.adminToken)

        router.post("/api/v1/events") { request, _ in
            guard ingest.admits(request) else {
                self.metrics.countRejected(.unauthorized)
                return BearerToken.unauthorized()
            }
            return try await self.acceptEvents(request)
        }
        router.get("/api/v1/alerts") { request, _ in
            read.admits(request) ? self.alertsResponse(request) : BearerToken.unauthorized()
        }
        router.get("/api/v1/rules") { request, _ in
            read.admits(request) ? await self.rulesResponse() : BearerToken.unauthorized()
        }
        router.post("/-/reload") { request, _ in
            admin.admits(request) ? await self.reloadResponse() : BearerToken.unauthorized()
        }
        router.get("/metrics") { _, _ in
            APIResponse.text(await self.renderMetrics(), contentType: "text/plain; version=0.0.4; charset=utf-8")
        }
        router.get("/health") { _, _ in APIResponse.json(.ok, #"{"status":"ok"}"#) }
        router.get("/ready") { _, _ in
            self.queue.isClosed
                ? APIResponse.error(.serviceUnavailable, "shutting down")
                : APIResponse.json(.ok, #"{"status":"ready"}"#)
        }
        return router
    }
}
