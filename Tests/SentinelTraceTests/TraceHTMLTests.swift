import Foundation
import Testing

@testable import SentinelTrace

struct TraceHTMLTests {
    private static let allowedTags: Set<String> = [
        "html", "head", "meta", "title", "style", "body", "h1", "h2", "p", "code", "div", "mark", "a", "ol", "ul", "li",
        "q",
    ]

    /// Every tag in the page is one the renderer writes.
    private func tags(_ html: String) -> Set<String> {
        let regex = try! NSRegularExpression(pattern: "<(?:/|!)?([A-Za-z][A-Za-z0-9]*)")
        let range = NSRange(html.startIndex..., in: html)
        return Set(
            regex.matches(in: html, range: range).map { String(html[Range($0.range(at: 1), in: html)!]).lowercased() }
        )
        .subtracting(["doctype"])
    }

    @Test func modelAndCorpusTextAreEscaped() {
        let output = #"Say <script>alert("hi")</script> & 'bye'"#
        let document = TraceDocument(
            index: 3, metadata: #"{"source":"<img src=x onerror=alert(1)>"}"#,
            context: TraceExcerpt(text: "<script>evil()</script> alert(\"hi\") & more", matchStart: 24, matchEnd: 35),
            snippet: TraceExcerpt(text: "alert(\"hi\")", matchStart: 0, matchEnd: 11))
        let span = TraceSpan(
            text: #"script>alert("hi")</script"#, start: 5, end: 31, characterStart: 5, characterEnd: 31, words: 4,
            count: 1, documents: [document])
        let result = TraceResult(
            backend: "local", index: "<idx>", spans: [span], candidates: 1, outputWords: 6, latencyMilliseconds: 1)
        let html = TraceHTML.render(result, output: output)
        #expect(tags(html).isSubset(of: Self.allowedTags), "\(tags(html).subtracting(Self.allowedTags))")
        #expect(!html.contains("<script") && !html.contains("<img"))
        #expect(
            html.contains(
                "Say &lt;<mark data-spans=\"span-0\"><a href=\"#span-0\">script&gt;alert(&quot;hi&quot;)&lt;/script</a></mark>&gt; &amp; &#39;bye&#39;"
            ))
        #expect(html.contains("&lt;script&gt;evil()&lt;/script&gt; <mark>alert(&quot;hi&quot;)</mark> &amp; more"))
        #expect(html.contains("{&quot;source&quot;:&quot;&lt;img src=x onerror=alert(1)&gt;&quot;}"))
        #expect(html.contains("<code>&lt;idx&gt;</code>"))
    }

    @Test func overlappingSpansAreMarkedAsOverlapping() {
        let span = { (start: Int, end: Int) in
            TraceSpan(
                text: "", start: start, end: end, characterStart: start, characterEnd: end, words: 1, count: 1,
                documents: [])
        }
        let result = TraceResult(
            backend: "local", index: "i", spans: [span(0, 7), span(4, 11)], candidates: 2, outputWords: 3,
            latencyMilliseconds: 1)
        let html = TraceHTML.render(result, output: "one two three")
        #expect(html.contains("<mark data-spans=\"span-0\"><a href=\"#span-0\">one </a></mark>"))
        #expect(
            html.contains("<mark class=\"overlap\" data-spans=\"span-0 span-1\"><a href=\"#span-0\">two</a></mark>"))
        #expect(html.contains("<mark data-spans=\"span-1\"><a href=\"#span-1\"> thr</a></mark>ee"))
    }

    @Test func aTracedScriptComesOutEscapedEndToEnd() async throws {
        let fixture = try CorpusFixture()
        defer { fixture.remove() }
        let output = "Der Bär läuft über die Brücke. <script>alert('x')</script> & more"
        let result = try await fixture.build(CorpusFixture.documents).trace(
            output, options: TraceOptions(minSpanLength: 3, maxSpanDensity: 1))
        #expect(result.spans.map(\.text) == ["Der Bär läuft über die Brücke.", "script>alert('x')</script> & more"])
        let html = TraceHTML.render(result, output: output)
        #expect(tags(html).isSubset(of: Self.allowedTags))
        #expect(html.contains("&lt;b&gt;unsafe&lt;/b&gt;"))
        #expect(html.contains("alert(&#39;x&#39;)"))
    }
}
