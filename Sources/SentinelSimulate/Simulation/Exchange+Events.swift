import SentinelCore
import SentinelEvaluate

extension Exchange {
    /// The recorded-traffic lines of a finished exchange and the errors among them: an error event for each failed
    /// step, then the completion event when the frontier answered or the prompt guard stopped the prompt
    /// (pipeline mode, `attrs.blocked`).
    func events(
        _ outcome: Outcome, at timestamp: Int64, configuration: SimulatorConfiguration
    ) -> (lines: [String], errors: [SimulatorStatistics.ErrorKey]) {
        var lines: [String] = []
        var errors: [SimulatorStatistics.ErrorKey] = []
        let ts = Timestamp.format(timestamp)
        func report<T>(_ result: Result<T, RequestFailure>?, source: String, step: String?) {
            guard case .failure(let failure)? = result else { return }
            lines.append(
                errorLine(failure, outcome, ts: ts, source: source, step: step, configuration: configuration))
            errors.append(.init(source: source, type: failure.errorType))
        }
        report(outcome.promptVerdict, source: "guard", step: "prompt")
        report(outcome.completion, source: "frontier", step: nil)
        report(outcome.responseVerdict, source: "guard", step: "response")
        if case .success(let completion)? = outcome.completion {
            lines.append(completionLine(outcome, completion: completion, ts: ts, configuration: configuration))
        } else if outcome.blockedAfter != nil {
            lines.append(completionLine(outcome, completion: nil, ts: ts, configuration: configuration))
        }
        return (lines, errors)
    }

    /// `{"kind":"shed",...}`: the arrival came while `concurrency` exchanges were in flight, so it was dropped.
    func shedLine(at timestamp: Int64, configuration: SimulatorConfiguration) -> String {
        var json = JSONText()
        json.add("ts", Timestamp.format(timestamp))
        json.add("kind", "shed")
        json.add("request_id", id)
        json.add("model", configuration.frontier.model)
        json.add("concurrency", configuration.concurrency)
        json.add("attrs", raw: attrs(blocked: false))
        return json.result
    }

    private func completionLine(
        _ outcome: Outcome, completion: ChatCompletion?, ts: String, configuration: SimulatorConfiguration
    ) -> String {
        var json = JSONText()
        json.add("ts", ts)
        json.add("kind", "completion")
        json.add("id", id)
        json.add("model", configuration.frontier.model)
        if let moderation = configuration.moderation { json.add("guard_model", moderation.model) }
        json.add("prompt", prompt.text)
        if let completion {
            json.add("response", completion.content)
            json.add("latency_ms", number: Self.milliseconds(completion.latency))
            if let ttft = completion.timeToFirstToken { json.add("ttft_ms", number: Self.milliseconds(ttft)) }
            if let tokens = completion.promptTokens { json.add("prompt_tokens", tokens) }
            if let tokens = completion.completionTokens { json.add("completion_tokens", tokens) }
            if let reason = completion.finishReason { json.add("finish_reason", reason) }
        } else if let blockedAfter = outcome.blockedAfter {
            json.add("latency_ms", number: Self.milliseconds(blockedAfter))
        }
        if case .success(let verdict)? = outcome.promptVerdict { json.add("prompt_guard", raw: verdict.json) }
        if case .success(let verdict)? = outcome.responseVerdict { json.add("response_guard", raw: verdict.json) }
        json.add("reprompt_of", raw: "null")
        json.add("attrs", raw: attrs(blocked: outcome.blockedAfter != nil))
        return json.result
    }

    /// `{"kind":"error",...}`. The frontier's error stands in for the completion event that is not written, so it
    /// keeps the prompt and the prompt verdict.
    private func errorLine(
        _ failure: RequestFailure, _ outcome: Outcome, ts: String, source: String, step: String?,
        configuration: SimulatorConfiguration
    ) -> String {
        var json = JSONText()
        json.add("ts", ts)
        json.add("kind", "error")
        json.add("source", source)
        json.add("model", configuration.frontier.model)
        if source == "guard", let moderation = configuration.moderation {
            json.add("guard_model", moderation.model)
            if let step { json.add("moderation", step) }
        }
        json.add("message", failure.message)
        if let status = failure.status { json.add("status", status) } else { json.add("status", raw: "null") }
        json.add("error_type", failure.errorType)
        if let upstream = failure.upstreamType { json.add("upstream_type", upstream) }
        if case .unparseableVerdict(let raw, _) = failure { json.add("raw", raw) }
        json.add("request_id", id)
        if source == "frontier" {
            json.add("prompt", prompt.text)
            if case .success(let verdict)? = outcome.promptVerdict { json.add("prompt_guard", raw: verdict.json) }
        }
        json.add("attrs", raw: attrs(blocked: false))
        return json.result
    }

    private func attrs(blocked: Bool) -> String {
        var json = JSONText()
        json.add("user", user)
        prompt.addAttributes(to: &json)
        if blocked { json.add("blocked", true) }
        return json.result
    }

    /// Milliseconds to the microsecond.
    private static func milliseconds(_ duration: Duration) -> Double {
        (duration.milliseconds * 1_000).rounded() / 1_000
    }
}
