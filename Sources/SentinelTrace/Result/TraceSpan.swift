/// One verbatim span of the output and where it occurs.
public struct TraceSpan: Sendable, Hashable, Codable {
    public var text: String
    /// UTF-8 byte offsets in the output, end exclusive.
    public var start: Int
    public var end: Int
    /// Unicode scalar offsets in the output, end exclusive (as Python indexes strings).
    public var characterStart: Int
    public var characterEnd: Int
    /// Length in words.
    public var words: Int
    /// Occurrences in the corpus.
    public var count: Int
    public var documents: [TraceDocument]

    public init(
        text: String, start: Int, end: Int, characterStart: Int, characterEnd: Int, words: Int, count: Int,
        documents: [TraceDocument]
    ) {
        self.text = text
        self.start = start
        self.end = end
        self.characterStart = characterStart
        self.characterEnd = characterEnd
        self.words = words
        self.count = count
        self.documents = documents
    }

    /// Length in UTF-8 bytes.
    public var bytes: Int { end - start }

    private enum CodingKeys: String, CodingKey {
        case text, start, end, words, count, documents
        case characterStart = "character_start"
        case characterEnd = "character_end"
    }
}
