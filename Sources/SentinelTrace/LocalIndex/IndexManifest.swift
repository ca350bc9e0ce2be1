/// `index.json`: what a local index folder holds. A build writes it last, so a folder without one is an
/// interrupted build; opening an index checks it against the files.
public struct IndexManifest: Sendable, Hashable, Codable {
    public static let formatName = "sentinel-trace-index"
    /// Raised whenever the files change meaning; an index of another version is refused, not misread.
    public static let currentVersion = 1
    public static let fileName = "index.json"

    public var format: String
    public var version: Int
    public var documents: Int
    /// Bytes of text.bin: every document's UTF-8 text followed by a 0xFF separator.
    public var textBytes: Int
    /// The corpus file, as given to the build, and its size.
    public var source: String
    public var corpusBytes: Int
    /// RFC 3339, UTC.
    public var builtAt: String
    public var buildSeconds: Double
    /// Size in bytes of each file of the index but this manifest.
    public var files: [String: Int]

    private enum CodingKeys: String, CodingKey {
        case format, version, documents, source, files
        case textBytes = "text_bytes"
        case corpusBytes = "corpus_bytes"
        case builtAt = "built_at"
        case buildSeconds = "build_seconds"
    }

    /// Bytes of the index's files, the manifest aside.
    public var totalBytes: Int { files.values.reduce(0, +) }
}
