import Hummingbird

extension SentinelServer {
    /// Every route of the API. Reads require the read token (or the write or admin token), ingestion the ingest
    /// token, reload the admin token (each only when configured); reviews and silences require the write (or admin) token and deleting
    /// findings the admin token, and stay closed (403) until one is configured. `/health`, `/ready` and `/metrics`
    /// are open, as Prometheus expects. No GET changes state; every GET route also answers HEAD (its status and
    /// headers, no body), as HTTP requires and load balancers' health checks use. A browser's cross-site request
    /// that would change state is refused (`CrossSiteRefusal`).
    public func makeRouter() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self, options: .autoGenerateHeadEndpoints)
        router.add(middleware: JSONErrorMiddleware())
        router.add(middleware: CrossSiteRefusal())
        let ingest = BearerToken(configuration.auth.ingestToken)
        let read = ReadAccess(read: configuration.auth.readToken, others: [configuration.auth.writeToken, configuration.auth.adminToken])
        let admin = BearerToken(configuration.auth.adminToken)
        let write = StoreAccess(tokens: [configuration.auth.writeToken, configuration.auth.adminToken], role: "write_token")
        let delete = StoreAccess(tokens: [configuration.auth.adminToken], role: "admin_token")

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
        router.get("/api/v1/findings") { request, _ in
            read.admits(request) ? try self.findingsResponse(request) : BearerToken.unauthorized()
        }
        router.get("/api/v1/findings/:id") { request, context in
            read.admits(request) ? try self.findingResponse(id: context.parameters.get("id") ?? "") : BearerToken.unauthorized()
        }
        router.get("/api/v1/findings/:id/trace.html") { request, context in
            read.admits(request) ? try self.traceHTMLResponse(id: context.parameters.get("id") ?? "") : BearerToken.unauthorized()
        }
        router.post("/api/v1/findings/:id/review") { request, context in
            if let refusal = write.refusal(request) { return refusal }
            return try await self.reviewResponse(id: context.parameters.get("id") ?? "", request)
        }
        router.delete("/api/v1/findings") { request, _ in
            if let refusal = delete.refusal(request) { return refusal }
            return try self.deleteFindingsResponse(request)
        }
        router.get("/api/v1/dpo-pairs") { request, _ in
            read.admits(request) ? try self.pairsResponse(request) : BearerToken.unauthorized()
        }
        router.post("/api/v1/dpo-pairs/:id/review") { request, context in
            if let refusal = write.refusal(request) { return refusal }
            return try await self.pairReviewResponse(id: context.parameters.get("id") ?? "", request)
        }
        router.get("/api/v1/silences") { request, _ in
            read.admits(request) ? try self.silencesResponse() : BearerToken.unauthorized()
        }
        router.post("/api/v1/silences") { request, _ in
            if let refusal = write.refusal(request) { return refusal }
            return try await self.createSilenceResponse(request)
        }
        router.delete("/api/v1/silences/:id") { request, context in
            if let refusal = write.refusal(request) { return refusal }
            return try self.expireSilenceResponse(id: context.parameters.get("id") ?? "")
        }
        router.post("/-/reload") { request, _ in
            admin.admits(request) ? await self.reloadResponse() : BearerToken.unauthorized()
        }
        router.get("/metrics") { _, _ in
            APIResponse.text(await self.renderMetrics(), contentType: "text/plain; version=0.0.4; charset=utf-8")
        }
        addReviewRoutes(to: router)
        router.get("/health") { _, _ in APIResponse.json(.ok, #"{"status":"ok"}"#) }
        router.get("/ready") { _, _ in
            self.queue.isClosed
                ? APIResponse.error(.serviceUnavailable, "shutting down")
                : APIResponse.json(.ok, #"{"status":"ready"}"#)
        }
        return router
    }
}
