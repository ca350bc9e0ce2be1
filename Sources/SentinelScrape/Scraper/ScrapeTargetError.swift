/// Why a `ScrapeTarget` could not be made: `scrape target 'vllm': the interval must be positive`.
public struct ScrapeTargetError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The target's name.
    public var target: String
    /// What is wrong, without the target.
    public var message: String

    /// The error for target `target`.
    public init(target: String, message: String) {
        self.target = target
        self.message = message
    }

    /// `scrape target '<name>': <message>`.
    public var description: String { "scrape target '\(target)': \(message)" }
}
