/// A reviewer's verdict on one side of an exchange.
public enum ReviewLabel: String, Sendable, Codable, CaseIterable {
    case safe, unsafe
}

/// A human's judgement of a finding: whether the prompt and the response were really safe.
public struct Review: Sendable, Codable, Equatable {
    /// The verdict on the prompt; nil when the reviewer left it open.
    public var inputLabel: ReviewLabel?
    /// The verdict on the response; nil when the reviewer left it open.
    public var outputLabel: ReviewLabel?
    public var note: String?
    /// Who reviewed (a user name or token subject).
    public var reviewer: String
    /// When the review was given (wall clock, epoch ms).
    public var time: Int64

    public init(
        inputLabel: ReviewLabel?, outputLabel: ReviewLabel?, note: String? = nil, reviewer: String, time: Int64
    ) {
        self.inputLabel = inputLabel
        self.outputLabel = outputLabel
        self.note = note
        self.reviewer = reviewer
        self.time = time
    }
}
