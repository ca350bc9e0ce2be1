import Testing

@testable import SentinelTrace

struct OutputTextTests {
    @Test func wordsAreRunsOfLettersDigitsUnderscoresAndNonASCII() {
        let output = OutputText("Hi, snake_case 42x — Bär's end")
        #expect(output.words.map(output.text) == ["Hi", "snake_case", "42x", "—", "Bär", "s", "end"])
    }

    @Test func sentencesEndAtDelimitersAndSpansMayEndWithAllButNewline() {
        let output = OutputText("One two. Three four!\nFive six\nSeven? ")
        #expect(output.sentences == [0..<2, 2..<4, 4..<6, 6..<7])
        // From "One": its own end, "two", and past the full stop.
        #expect(
            output.stopsFromWord[0].map { output.text(output.bytes(from: 0, to: $0)) } == [
                "One", "One two", "One two.",
            ])
        #expect(output.stopsFromWord[4].map { output.text(output.bytes(from: 4, to: $0)) } == ["Five", "Five six"])
        #expect(output.stopsFromWord[6].map { output.text(output.bytes(from: 6, to: $0)) } == ["Seven", "Seven?"])
        // The stop past "." completes the same last word.
        #expect(output.wordCount(from: 0, to: output.stopsFromWord[0].last!) == 2)
    }

    @Test func characterOffsetsCountUnicodeScalars() {
        let output = OutputText("Bär über")
        #expect(output.words[1] == 5..<10)
        #expect(output.characterOffset(ofByte: 5) == 4)
    }
}
