/// Why a receiver's settings cannot be used: `receiver 'safety-webhook': 'timeout': '10 s' is not a duration …`.
public struct ReceiverSettingsError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The receiver's name in the policy.
    public var receiver: String
    /// The setting at fault, as written in the policy; nil when the fault is not one key's (an unknown type).
    public var key: String?
    /// What is wrong and what to write instead.
    public var message: String

    /// The error for `receiver`'s `key`.
    public init(receiver: String, key: String?, message: String) {
        self.receiver = receiver
        self.key = key
        self.message = message
    }

    /// `receiver '<name>': '<key>': <message>`.
    public var description: String {
        "receiver '\(receiver)': " + (key.map { "'\($0)': " } ?? "") + message
    }
}
