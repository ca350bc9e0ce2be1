import AsyncHTTPClient
public import SentinelCompile
public import SentinelCore

/// The `webhook` and `alertmanager` receivers of a compiled policy, checked and ready for the outbox worker. A
/// setting that cannot be used (a bad URL or duration, an unset token variable) is a diagnostic at its value (at the
/// receiver's declaration when no one setting is at fault), so `lint`, the start and a reload all reject it the same
/// way.
public enum PolicyReceivers {
    /// - Parameter checkEnvironment: whether `bearer_token_env` must name a variable that is set (true when the
    ///   service starts or reloads; `lint` checks only the policy).
    public static func make(
        _ policy: CompiledPolicy, environment: [String: String], checkEnvironment: Bool = true, client: HTTPClient = .shared
    ) -> (receivers: [OutboxReceiver], diagnostics: [Diagnostic]) {
        var receivers: [OutboxReceiver] = []
        var diagnostics: [Diagnostic] = []
        for receiver in policy.receivers where ReceiverSettings.Kind(rawValue: receiver.type) != nil {
            var lookup = environment
            if !checkEnvironment, let variable = receiver.settings["bearer_token_env"] { lookup[variable] = "unchecked" }
            let (settings, problems) = ReceiverSettings.check(
                receiver: receiver.name, type: receiver.type, settings: receiver.settings, environment: lookup)
            if let settings { receivers.append(OutboxReceiver(settings: settings, client: client)) }
            // A receiver without a `url`, or with one that is not a string, is already an error of the policy file,
            // which every command reads: not reported twice.
            for error in problems where !(error.key == "url" && receiver.settings["url"] == nil) {
                diagnostics.append(
                    Diagnostic(.invalidValue, error.description, at: error.key.flatMap { receiver.settingRanges[$0] } ?? receiver.range))
            }
        }
        return (receivers, diagnostics)
    }
}
