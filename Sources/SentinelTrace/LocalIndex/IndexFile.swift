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
