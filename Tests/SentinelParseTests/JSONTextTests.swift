@testable import SentinelCore
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

    @Test func theWordAtATimeEscapeCheckAgreesWithAByteByByteOne() {
        var random = SystemRandomNumberGenerator()
        let alphabet: [UInt8] = [0x00, 0x1F, 0x20, 0x21, 0x22, 0x23, 0x5B, 0x5C, 0x5D, 0x61, 0x7F, 0x80, 0xA2, 0xDC, 0xFF]
        for _ in 0..<20_000 {
            let count = Int.random(in: 0...40, using: &random)
            // Mostly plain bytes, so that a single special byte at any position is exercised.
            let bytes = (0..<count).map { _ in
                Int.random(in: 0..<8, using: &random) == 0 ? alphabet.randomElement(using: &random)! : 0x61
            }
            let expected = bytes.contains { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }
            let answer = bytes.withUnsafeBufferPointer { JSONText.needsEscape($0) }
            #expect(answer == expected, "\(bytes)")
            if answer != expected { return }
        }
    }
}
