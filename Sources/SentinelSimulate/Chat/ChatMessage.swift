/// One message of a chat conversation.
public struct ChatMessage: Sendable, Equatable {
    /// `system`, `user` or `assistant`.
    public var role: String
    /// The message text.
    public var content: String

    /// A message of any role.
    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }

    /// A user message.
    public static func user(_ content: String) -> ChatMessage { ChatMessage(role: "user", content: content) }
    /// An assistant message.
    public static func assistant(_ content: String) -> ChatMessage { ChatMessage(role: "assistant", content: content) }
}
