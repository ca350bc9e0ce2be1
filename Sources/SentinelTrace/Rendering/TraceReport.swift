/// A trace as plain text for a terminal: a summary line, then each span with its documents' snippets, the
/// occurrence in «guillemets».
///
/// ```
/// 2 spans of 3 maximal spans in 4.1 ms (local index corpus.index)
/// 1. "the quick brown fox jumps over the lazy dog." 9 words, 44 bytes, 1 occurrence
///    document 17 {"source":"pangrams"}: …A classic: «the quick brown fox jumps over the lazy dog.» It uses…
/// ```
public enum TraceReport {
    public static func text(_ result: TraceResult) -> String {
        var text = "\(result.spans.count) spans of \(result.candidates) maximal spans in "
        text += "\(milliseconds(result.latencyMilliseconds)) (\(result.backend) index \(result.index)"
        text += result.requests.map { ", \($0) requests)\n" } ?? ")\n"
        for (number, span) in result.spans.enumerated() {
            text += "\(number + 1). \"\(oneLine(span.text))\" \(span.words) words, \(span.bytes) bytes, "
            text += "\(span.count) occurrence\(span.count == 1 ? "" : "s")\n"
            for document in span.documents {
                let place = (document.shard.map { "shard \($0) " } ?? "") + "document \(document.index)"
                text += "   \(place) \(document.metadata): \(marked(document.snippet))\n"
            }
        }
        return text
    }

    static func milliseconds(_ value: Double) -> String {
        value < 10 ? "\((value * 100).rounded() / 100) ms" : "\(Int(value.rounded())) ms"
    }

    private static func marked(_ excerpt: TraceExcerpt) -> String {
        let scalars = Array(excerpt.text.unicodeScalars)
        let start = min(max(excerpt.matchStart, 0), scalars.count)
        let end = min(max(excerpt.matchEnd, start), scalars.count)
        var text = "…"
        text.unicodeScalars.append(contentsOf: scalars[..<start])
        text += "«"
        text.unicodeScalars.append(contentsOf: scalars[start..<end])
        text += "»"
        text.unicodeScalars.append(contentsOf: scalars[end...])
        return oneLine(text + "…")
    }

    private static func oneLine(_ text: String) -> String {
        String(text.map { $0.isNewline ? " " : $0 })
    }
}
