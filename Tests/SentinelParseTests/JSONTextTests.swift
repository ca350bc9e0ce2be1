import SentinelCore
import Testing

struct JSONTextTests {
    @Test func stringsNeedingNoEscapeAreCopiedAsTheyAre() {
        #expect(JSONText.quoted("plain text, ünïcödé and 🙂") == "\"plain text, ünïcödé and 🙂\"")
        #expect(JSONText.quoted("") == "\"\"")
    }

    @Test func quotesBackslashesAndControlCharactersAreEscaped() {
        #expect(JSONText.quoted("say \"hi\"") == #""say \"hi\"""#)
        #expect(JSONText.quoted(#"a\b"#) == #""a\\b""#)
        #expect(JSONText.quoted("line\nnext\ttab\r") == #""line\nnext\ttab\r""#)
        #expect(JSONText.quoted("bell\u{07} é") == #""bell\u0007 é""#)
    }
}
