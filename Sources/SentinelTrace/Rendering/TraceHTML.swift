import SentinelCore
/// A trace as one self-contained HTML page, or its parts for a page of its own (the review page's finding): the
/// output with its spans highlighted, then each span with the documents it occurs in. Every piece of model output, corpus text and metadata is escaped.
///
/// ```swift
/// try TraceHTML.render(result, output: answer).write(toFile: "trace.html", atomically: true, encoding: .utf8)
/// ```
public enum TraceHTML {
    /// The CSS the page and the fragment use.
    public static let style = """
        .output, .context { white-space: pre-wrap; }
        .output { border: 1px solid #ccc; padding: 1rem; }
        mark { background: #ffe58f; }
        mark.overlap { background: #ffc53d; }
        .meta { color: #555; font-size: 0.9em; font-family: ui-monospace, monospace; }
        """

    public static func render(_ result: TraceResult, output: String) -> String {
        """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>Trace: \(result.spans.count) spans</title>
        <style>
        body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; line-height: 1.5; }
        \(style)
        </style>
        </head>
        <body>
        <h1>Trace</h1>
        \(summary(result))
        <h2>Output</h2>
        <div class="output">\(highlighted(output, result.spans))</div>
        <h2>Spans</h2>
        \(spanList(result))
        </body>
        </html>

        """
    }

    /// One line: how many spans were kept, from which index, and how long the trace took.
    public static func summary(_ result: TraceResult) -> String {
        "<p>\(result.spans.count) spans of \(result.candidates) maximal spans, \(result.backend.htmlEscaped) index "
            + "<code>\(result.index.htmlEscaped)</code>, \(Int(result.latencyMilliseconds.rounded())) ms</p>"
    }

    /// Each span (anchor `span-N`) with the documents it occurs in, their match marked.
    public static func spanList(_ result: TraceResult) -> String {
        var html = "<ol>\n"
        for (number, span) in result.spans.enumerated() {
            html += "<li id=\"span-\(number)\"><q>\(span.text.htmlEscaped)</q> — \(span.words) words, "
            html += "\(span.count) occurrence\(span.count == 1 ? "" : "s")\n<ul>\n"
            for document in span.documents {
                let place = (document.shard.map { "shard \($0), " } ?? "") + "document \(document.index)"
                html += "<li><div class=\"meta\">\(place) · \(document.metadata.htmlEscaped)</div>"
                html += "<div class=\"context\">\(marked(document.context))</div></li>\n"
            }
            html += "</ul></li>\n"
        }
        return html + "</ol>"
    }

    /// The output, with each stretch covered by spans in a `mark` naming them (`overlap` where several are).
    public static func highlighted(_ output: String, _ spans: [TraceSpan]) -> String {
        let bytes = Array(output.utf8)
        let valid = spans.indices.filter {
            spans[$0].start >= 0 && spans[$0].start < spans[$0].end && spans[$0].end <= bytes.count
        }
        let cuts = Set([0, bytes.count] + valid.flatMap { [spans[$0].start, spans[$0].end] }).sorted()
        var html = ""
        for (from, to) in zip(cuts, cuts.dropFirst()) {
            let text = String(decoding: bytes[from..<to], as: UTF8.self).htmlEscaped
            let covering = valid.filter { spans[$0].start <= from && to <= spans[$0].end }
            guard let first = covering.first else {
                html += text
                continue
            }
            let names = covering.map { "span-\($0)" }.joined(separator: " ")
            html += "<mark\(covering.count > 1 ? " class=\"overlap\"" : "") data-spans=\"\(names)\">"
            html += "<a href=\"#span-\(first)\">\(text)</a></mark>"
        }
        return html
    }

    private static func marked(_ excerpt: TraceExcerpt) -> String {
        let scalars = Array(excerpt.text.unicodeScalars)
        let start = min(max(excerpt.matchStart, 0), scalars.count)
        let end = min(max(excerpt.matchEnd, start), scalars.count)
        func text(_ range: Range<Int>) -> String {
            var text = ""
            text.unicodeScalars.append(contentsOf: scalars[range])
            return text.htmlEscaped
        }
        let match = start < end ? "<mark>\(text(start..<end))</mark>" : ""
        return text(0..<start) + match + text(end..<scalars.count)
    }
}
