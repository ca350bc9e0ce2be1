import Foundation

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
    /// The corpus file, as given to the build.
    public var source: String
    /// RFC 3339, UTC.
    public var builtAt: String
    public var buildSeconds: Double
    /// Size in bytes of each file of the index but this manifest.
    public var files: [String: Int]

    private enum CodingKeys: String, CodingKey {
        case format, version, documents, source, files
        case textBytes = "text_bytes", builtAt = "built_at", buildSeconds = "build_seconds"
    }

    /// Bytes of the index's files, the manifest aside.
    public var totalBytes: Int { files.values.reduce(0, +) }
}

/// The files of a local index folder.
///
/// - `text.bin`: the documents' UTF-8 texts, each followed by the byte 0xFF, which UTF-8 never contains, so no
///   match crosses from one document into the next;
/// - `suffix-array.bin`: one little-endian Int64 per text byte, the text's suffixes in sorted order (libdivsufsort);
/// - `document-offsets.bin`: little-endian UInt64 start of each document in text.bin, then text.bin's size;
/// - `metadata.jsonl`: each document's corpus fields other than `text`, one JSON object a line;
/// - `metadata-offsets.bin`: little-endian UInt64 start of each metadata line, then metadata.jsonl's size.
enum IndexFile: String, CaseIterable {
    case text = "text.bin"
    case suffixArray = "suffix-array.bin"
    case documentOffsets = "document-offsets.bin"
    case metadata = "metadata.jsonl"
    case metadataOffsets = "metadata-offsets.bin"

    /// The size this file must have in an index of `documents` documents and `textBytes` bytes of text, when it
    /// follows from those.
    func expectedSize(documents: Int, textBytes: Int) -> Int? {
        switch self {
        case .text: textBytes
        case .suffixArray: textBytes * 8
        case .documentOffsets, .metadataOffsets: (documents + 1) * 8
        case .metadata: nil
        }
    }
}
