extension VLLMDouble {
    /// A fault text that could not be read; the message names the part that is wrong.
    public struct FaultSpecError: Error, Sendable, Equatable, CustomStringConvertible {
        /// What is wrong, naming the offending part of the text.
        public let message: String

        /// An error with this message.
        public init(_ message: String) { self.message = message }

        /// The message.
        public var description: String { message }
    }
}
