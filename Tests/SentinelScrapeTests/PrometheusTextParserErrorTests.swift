import SentinelScrape
import Testing

@Suite struct PrometheusTextParserErrorTests {
    func error(_ bytes: some Collection<UInt8>) -> ExpositionError? {
        do {
            _ = try PrometheusTextParser.parse(bytes)
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: [
        (#"foo{le"1"} 1"#, 1, 7, "expected '=' after label name 'le'"),
        ("foo{le=1} 1", 1, 8, "expected '\"' to open the value of label 'le'"),
        (#"foo{le="1} 1"#, 1, 8, "unterminated value of label 'le'"),
        ("foo{le=\"1\\", 1, 8, "unterminated value of label 'le'"),
        (#"foo{le="1" x="2"} 1"#, 1, 12, "expected ',' or '}' after the value of label 'le'"),
        (#"foo{a="1" 1"#, 1, 11, "expected ',' or '}' after the value of label 'a'"),
        ("foo{,} 1", 1, 5, "expected a label name or '}' in the labels of 'foo', found ','"),
        (#"foo{a="1",,} 1"#, 1, 11, "expected a label name or '}' in the labels of 'foo', found ','"),
        ("foo{a:b=\"1\"} 1", 1, 6, "expected '=' after label name 'a'"),
        (#"foo{a="1",b="2",a="3"} 1"#, 1, 17, "duplicate label 'a' in the labels of 'foo'"),
        ("foo{a=\"1\",", 1, 11, "unterminated labels of 'foo': expected '}'"),
        ("foo", 1, 4, "expected a value after 'foo'"),
        ("foo{a=\"1\"}", 1, 11, "expected a value after 'foo'"),
        ("foo   \n", 1, 7, "expected a value after 'foo'"),
        ("foo abc", 1, 5, "invalid value 'abc' of 'foo'"),
        ("foo 1.2.3", 1, 5, "invalid value '1.2.3' of 'foo'"),
        ("foo +NaN", 1, 5, "invalid value '+NaN' of 'foo'"),
        ("foo 1e", 1, 5, "invalid value '1e' of 'foo'"),
        ("foo .", 1, 5, "invalid value '.' of 'foo'"),
        ("foo 0x10", 1, 5, "invalid value '0x10' of 'foo'"),
        ("foo 1 1.5.1", 1, 7, "invalid timestamp '1.5.1' of 'foo' (expected integer milliseconds or OpenMetrics seconds)"),
        ("foo 1 9223372036854775808", 1, 7,
         "invalid timestamp '9223372036854775808' of 'foo' (expected integer milliseconds or OpenMetrics seconds)"),
        ("foo 1 1e300", 1, 7, "invalid timestamp '1e300' of 'foo' (expected integer milliseconds or OpenMetrics seconds)"),
        ("foo 1 NaN", 1, 7, "invalid timestamp 'NaN' of 'foo' (expected integer milliseconds or OpenMetrics seconds)"),
        ("foo 1 2 3", 1, 9, "unexpected '3' after the sample of 'foo'"),
        ("foo-bar 1", 1, 4, "unexpected '-' after 'foo'"),
        ("foo{a=\"1\"}x 1", 1, 11, "unexpected 'x' after 'foo'"),
        ("9foo 1", 1, 1, "expected a metric name, found '9'"),
        (#"{a="1"} 1"#, 1, 1, "expected a metric name, found '{'"),
        ("  é 1", 1, 3, "expected a metric name, found byte 0xC3"),
        ("# TYPE foo gaugeish", 1, 12,
         "unknown metric type 'gaugeish' (expected counter, gauge, histogram, summary or untyped)"),
        ("# TYPE foo counter extra", 1, 12,
         "unknown metric type 'counter extra' (expected counter, gauge, histogram, summary or untyped)"),
        ("# TYPE foo  \n", 1, 13, "expected a metric type after '# TYPE foo'"),
        ("# TYPE foo", 1, 11, "expected a metric type after '# TYPE foo'"),
        ("# HELP 1x y", 1, 8, "expected a metric name after '# HELP', found '1'"),
        ("# UNIT foo{ s", 1, 11, "unexpected '{' after '# UNIT foo'"),
        ("a 1\n# EOF\nb 2\n", 3, 1, "unexpected content after '# EOF'"),
        ("a 1\r\nb 2\r\n\r\nc{x=\"1\" 3\r\n", 4, 9, "expected ',' or '}' after the value of label 'x'"),
        ("m{a=\"é✓\",b\"x\"} 1", 1, 11, "expected '=' after label name 'b'"),
    ])
    func reportsLineColumnAndMessage(text: String, line: Int, column: Int, message: String) {
        #expect(error(text.utf8) == ExpositionError(line: line, column: column, message: message), "\(text)")
    }

    @Test func reportsTheTwelfthLine() throws {
        let good = (1...11).map { "vllm:num_requests_waiting{model_name=\"m\($0)\"} \($0)" }
        let text = (good + [#"vllm:e2e_request_latency_seconds_bucket{le"0.5"} 1"#]).joined(separator: "\n")
        let failure = try #require(error(text.utf8))
        #expect(failure.description == "line 12, column 43: expected '=' after label name 'le'")
    }

    @Test func rejectsLabelValuesThatAreNotUTF8() {
        let bytes = Array(#"m{a=""#.utf8) + [0xFF, 0xFE] + Array(#""} 1"#.utf8)
        #expect(error(bytes) == ExpositionError(line: 1, column: 6, message: "value of label 'a' is not valid UTF-8"))
        let escaped = Array(#"m{a="\n"#.utf8) + [0xC3] + Array(#""} 1"#.utf8)
        #expect(error(escaped) == ExpositionError(line: 1, column: 6, message: "value of label 'a' is not valid UTF-8"))
    }

    @Test func rejectsARawNewlineInALabelValue() {
        #expect(
            error("m{a=\"x\ny\"} 1".utf8)
                == ExpositionError(line: 1, column: 5, message: "unterminated value of label 'a'"))
    }

    @Test func describesControlBytes() {
        #expect(error("m\u{1}1".utf8)?.message == "unexpected byte 0x01 after 'm'")
        #expect(error("m 1\r2".utf8)?.message == "invalid value '1\r2' of 'm'")
    }

    /// A huge token is shown by its first 64 characters and its length: one broken line in a target's page must
    /// not make each failed scrape a log line and an event of megabytes.
    @Test func showsALongTokenByItsStartAndLength() {
        let value = String(repeating: "9", count: 1_000_000) + "x"
        #expect(error("m \(value)".utf8)?.message
            == "invalid value '\(String(repeating: "9", count: 64))…' (1000001 characters) of 'm'")
        let name = "m" + String(repeating: "a", count: 100_000)
        #expect(error("\(name){a=\"1\"}".utf8)?.message == "expected a value after '\(name.prefix(64))…' (100001 characters)")
        let long = String(repeating: "n", count: 70)
        #expect(error("# TYPE \(long) x y".utf8)?.message
            == "unknown metric type 'x y' (expected counter, gauge, histogram, summary or untyped)")
        #expect(error("# UNIT \(long){".utf8)?.message == "unexpected '{' after '# UNIT \(long.prefix(57))…' (77 characters)")
        // One letter and 200 000 combining marks: one character, 400 kB.
        let marks = "e" + String(repeating: "\u{301}", count: 200_000)
        #expect(error("m \(marks)".utf8)?.message.utf8.count ?? .max < 300)
    }
}
