import Testing

@testable import SentinelSimulate

@Suite struct JSONScannerTests {
    /// Reads `text` as a chunk; the failure message, or nil when it is valid.
    private func failure(_ text: String) -> String? {
        var text = text
        return text.withUTF8 { utf8 in
            do throws(JSONScanner.Failure) {
                _ = try ChatChunk(json: UnsafeRawBufferPointer(utf8))
                return nil
            } catch {
                return error.message
            }
        }
    }

    private func chunk(_ text: String) throws -> ChatChunk {
        var text = text
        return try text.withUTF8 { utf8 in try ChatChunk(json: UnsafeRawBufferPointer(utf8)) }
    }

    @Test func escapesAndSurrogatePairsAreResolved() throws {
        let parsed = try chunk(#"{"choices":[{"delta":{"content":"a\"b\\c\/d\n\t\u00e9\ud83d\ude00\ud800x"}}]}"#)
        #expect(parsed.choices.first?.content == "a\"b\\c/d\n\té😀\u{FFFD}x")
    }

    @Test func unknownKeysOfEveryTypeAreValidatedAndSkipped() throws {
        let parsed = try chunk(
            #" { "a" : [1, -0.5e+3, true, false, null, {"b": []}], "model" : "m", "usage": {"prompt_tokens": 7, "x": 1.5} } "#
        )
        #expect(parsed.model == "m")
        #expect(parsed.promptTokens == 7)
    }

    @Test(
        arguments: [
            (#"{"id":"x"} extra"#, "unexpected text after the object"),
            (#"{"id":"x","#, "expected a string"),
            (#"{"id" "x"}"#, "expected ':'"),
            (#"{"id":"x\q"}"#, "bad escape"),
            (#"{"id":"x\u12G4"}"#, #"bad \u escape"#),
            ("{\"id\":\"a\u{01}\"}", "control character in a string"),
            (#"{"a":01}"#, "leading zero in a number"),
            (#"{"a":1.}"#, "expected digits after '.'"),
            (#"{"a":tru}"#, "expected a JSON value"),
            (#"{"choices":{}}"#, "expected an array"),
            (#"{"usage":{"prompt_tokens":1.5}}"#, "expected an integer"),
            (#"{"id":3}"#, "expected a string"),
            (#"[1]"#, "expected an object"),
            (#"{"id":"x"#, "unterminated string"),
        ] as [(String, String)])
    func invalidChunksFail(text: String, message: String) {
        #expect(failure(text) == message)
    }

    @Test func errorChunksAreRecognisedInBothShapes() throws {
        #expect(try chunk(#"{"error":{"message":"m"}}"#).isError)
        #expect(try chunk(#"{"object":"error","message":"m"}"#).isError)
        #expect(try !chunk(#"{"object":"chat.completion.chunk"}"#).isError)
    }
}
