import Foundation
import SentinelCore
import Testing

@Suite struct DiagnosticRendererTests {
    private func render(_ text: String, line: Int, column: Int) -> String {
        let sources = SourceCache()
        sources.register(text, for: "r.yaml")
        let diagnostic = Diagnostic(.yamlSyntax, "bad", at: SourceLocation(file: "r.yaml", line: line, column: column))
        return DiagnosticRenderer(format: .text, sources: sources).render([diagnostic])
    }

    /// CRLF (one character in Swift) and a lone CR break lines as LF does: the snippet is the right line.
    @Test func crlfAndLoneCRLineBreaksShowTheRightLine() {
        for newline in ["\r\n", "\n", "\r"] {
            let text = ["rules:", "  - name: A", "    when: zscroe(x) > 3"].joined(separator: newline) + newline
            let out = render(text, line: 3, column: 11)
            #expect(out.contains("\n        when: zscroe(x) > 3\n              ^\n"), "\(newline.unicodeScalars.map(\.value)): \(out)")
        }
    }

    /// Messages and notes quote file content; their control characters are written out, in the snippet too.
    @Test func controlCharactersAreWrittenOutInText() {
        let sources = SourceCache()
        sources.register("k\u{1B}[2J: \u{7}v\n", for: "r.yaml")
        let diagnostic = Diagnostic(
            .unknownKey, "unknown key 'a\nb\rc\td\u{1B}'", at: SourceLocation(file: "r.yaml", line: 1, column: 9),
            notes: [Diagnostic.Note("in\n'x'")])
        let out = DiagnosticRenderer(format: .text, sources: sources).render([diagnostic])
        #expect(
            out == "r.yaml:1:9: error: unknown key 'a\\nb\\rc\\td\\u{1B}' [E0301]\n    k\\u{1B}[2J: \\u{7}v\n"
                + String(repeating: " ", count: 4 + 17) + "^\n  note: in\\n'x'\n", "\(out)")
    }

    /// Wide characters take two terminal columns, so the caret sits under the reported character.
    @Test func theCaretAccountsForWideCharacters() {
        let out = render(#"    when: prompt == "日本語" and zscroe(x)"#, line: 1, column: 31)
        #expect(out.contains(#"        when: prompt == "日本語" and zscroe(x)"# + "\n" + String(repeating: " ", count: 4 + 33) + "^\n"), "\(out)")
    }

    /// A long line is shown as 200 characters around the caret, with an ellipsis where it is cut: the caret was put
    /// past the 200 characters shown, under other text.
    @Test func aLongLineShowsTheStretchAroundTheCaret() {
        let line = "  - {name: A, when: " + String(repeating: "x > 1 and ", count: 40) + "zscroe(x) > 3}"
        let column = line.count - 13
        let out = render(line + "\n", line: 1, column: column)
        let lines = out.split(separator: "\n", omittingEmptySubsequences: false)
        let shown = lines[1].dropFirst(4)
        #expect(shown.hasPrefix("…") && !shown.hasSuffix("…"))
        let caret = lines[2].dropFirst(4)
        #expect(shown.dropFirst(caret.count - 1).hasPrefix("zscroe(x)"), "\(out)")
        let early = render(line + "\n", line: 1, column: 5)
        #expect(early.split(separator: "\n")[1].hasSuffix("…") && early.contains("\n        ^\n"), "\(early)")
    }

    /// A file too large to parse is not read to show a line of it (a 1 GiB file took 2 GB and 35 s).
    @Test func aFileOverTheLimitIsNotReadForASnippet() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("big-\(UUID().uuidString).yaml").path
        FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: UInt64(SourceCache.maxFileBytes + 1))
        try handle.close()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let diagnostic = Diagnostic(.yamlSyntax, "too large", at: SourceLocation(file: path, line: 1, column: 1))
        #expect(DiagnosticRenderer(format: .text).render([diagnostic]) == "\(path):1:1: error: too large [E0102]\n")
    }
}
