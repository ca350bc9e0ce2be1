/// Why a local index could not be built or opened. Every description starts with the file or folder concerned,
/// as a compiler's messages do: `corpus.jsonl:17: error: line has no "text" string`.
public enum IndexError: Error, Sendable, Hashable, CustomStringConvertible {
    case corpusUnreadable(path: String, reason: String)
    /// A corpus line that is not a JSON object with a string `text`.
    case badLine(path: String, line: Int, reason: String)
    case emptyCorpus(path: String)
    case outputExists(path: String)
    case writeFailed(path: String, reason: String)
    case sortFailed(path: String, code: Int32)
    case notFound(path: String)
    /// A folder without a readable Sentinel manifest.
    case notAnIndex(path: String, reason: String)
    /// An index in a format version this build does not read.
    case otherVersion(path: String, found: Int)
    /// Files missing, of the wrong size, or inconsistent with each other.
    case damaged(path: String, reason: String)

    public var description: String {
        switch self {
        case .corpusUnreadable(let path, let reason): "\(path): error: cannot read the corpus: \(reason)"
        case .badLine(let path, let line, let reason): "\(path):\(line): error: \(reason)"
        case .emptyCorpus(let path): "\(path): error: the corpus has no documents"
        case .outputExists(let path):
            "\(path): error: the output folder exists and is not empty; remove it or choose another"
        case .writeFailed(let path, let reason): "\(path): error: cannot write the index: \(reason)"
        case .sortFailed(let path, let code): "\(path): error: divsufsort64 failed (code \(code))"
        case .notFound(let path): "\(path): error: no such index folder"
        case .notAnIndex(let path, let reason):
            "\(path): error: not a Sentinel trace index (\(reason)); build one with "
                + "'sentinel index build CORPUS.jsonl --output \(path)'"
        case .otherVersion(let path, let found):
            "\(path): error: the index has format version \(found) and this sentinel reads version "
                + "\(IndexManifest.currentVersion); rebuild it with 'sentinel index build'"
        case .damaged(let path, let reason):
            "\(path): error: damaged index: \(reason); rebuild it with 'sentinel index build'"
        }
    }
}
