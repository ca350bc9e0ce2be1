/// Why a `ScrapeTarget` could not be made: `scrape target 'vllm': the interval must be positive`.
public struct ScrapeTargetError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The target's name.
    public var target: String
    public var message: String

    public init(target: String, message: String) {
        self.target = target
        self.message = message
    }

    public var description: String { "scrape target '\(target)': \(message)" }
}
