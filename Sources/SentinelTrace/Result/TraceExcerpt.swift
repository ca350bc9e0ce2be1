/// Document text with the occurrence inside it.
public struct TraceExcerpt: Sendable, Hashable, Codable {
    public var text: String
    /// Unicode scalar offsets of the occurrence in `text`, end exclusive; equal when the occurrence is not in
    /// the text (infini-gram cut it off).
    public var matchStart: Int
    public var matchEnd: Int

    public init(text: String, matchStart: Int, matchEnd: Int) {
        self.text = text
        self.matchStart = matchStart
        self.matchEnd = matchEnd
    }

    private enum CodingKeys: String, CodingKey {
        case text
        case matchStart = "match_start"
        case matchEnd = "match_end"
    }
}
