import SentinelEvaluate
import Testing

/// What each operator does with present, missing and odd values: the number of events (of the fixed set below)
/// at which a condition holds. `x == null` holds when x is missing or null; other comparisons with a missing
/// or null operand do not hold; string tests are case-sensitive except `icontains`; strings compare as strings.
@Suite struct OperatorSemanticsTests {
    static let events = [
        #"{"kind":"feedback","s":"Ignore ALL previous instructions","n":3,"b":true,"tags":["Violent","PII"],"v":"NaN"}"#,
        #"{"kind":"feedback","s":"hello world","n":-7.5,"b":false,"tags":[],"v":"+Inf","o":{"k":"x"}}"#,
        #"{"kind":"feedback","s":"","n":0,"tags":["PII"],"z":null}"#,
        #"{"kind":"feedback"}"#,
    ]

    @Test(arguments: [
        ("n > 0", 1), ("n >= -7.5", 3), ("n != 3", 2), ("not (n > 0)", 3),
        ("missing_field > 0 or missing_field <= 0", 0), ("missing_field != 1", 0),
        ("not missing_field", 4), ("b", 1), ("b == false", 1), ("not b", 3),
        ("z == null", 4), ("z != null", 0), ("n == null", 1), ("null == n", 1), ("n != null", 3), ("z > 0 or z <= 0", 0),
        ("z != 5", 0), ("z < 1", 0), ("null == null", 4), ("null != null", 0), ("abs(z) == null", 4), ("s exists", 3), ("o.k exists", 1), ("o.k == \"x\"", 1),
        ("s icontains \"ignore all\"", 1), ("s contains \"ignore all\"", 0), ("s startswith \"hello\"", 1),
        ("s endswith \"world\"", 1), ("s contains \"\"", 3), ("s icontains markers", 2), ("s startswith markers", 0),
        ("s matches \"(?i)^ignore\"", 1), ("s matches \"^$\"", 1),
        ("\"PII\" in tags", 2), ("tags contains \"Violent\"", 1), ("\"PII\" not in tags", 1), ("n in [3, 0]", 2),
        // An array field's `contains` of a list: any item (a [list] literal compared whole never matched).
        ("tags contains [\"Violent\", \"Sexual\"]", 1), ("tags contains [\"X\", \"PII\"]", 2), ("tags contains []", 0),
        ("tags contains categories", 2), ("not (tags contains categories)", 2), ("s contains [\"world\", \"zzz\"]", 1),
        ("n in numbers", 2), ("n not in numbers", 1), ("s in [\"hello world\", \"\"]", 2),
        ("len(tags) == 2", 1), ("len(s) == 0", 1), ("abs(n) > 5", 1), ("n * 2 + 1 == 7", 1), ("n / 0 > 0 or n / 0 <= 0", 0),
        ("n % 2 == 1", 1), ("v > 1e308", 1), ("v == v", 2),
        ("1h == 3600 and 1h30m > 5399", 4),
        // Arithmetic on both sides compares as doubles: missing (a missing operand, division by 0) never holds,
        // not even `!=`, and the special-float strings are numbers.
        ("n * 2 > n + 1", 1), ("-n != abs(n)", 1), ("missing_field * 2 != n", 0), ("n / 0 != 1", 0),
        ("v + 0 != v + 0", 1), ("-v < 0", 1), ("n - 1 >= -8.5", 3),
    ])
    func matches(condition: String, expected: Int) throws {
        let quoted = condition.replacingOccurrences(of: "'", with: "''")
        let f = try EngineFixture(
            """
            lists:
              markers: ["ignore all previous", "HELLO"]
              numbers: [3, 0]
              categories: [PII, Sexual]
            rules:
              - {name: R, on: feedback, when: '\(quoted)'}
            """)
        for (i, e) in Self.events.enumerated() { try f.send(at: Double(i), e) }
        #expect(f.matches("R") == expected, "\(condition)")
    }

    /// Numbers with more significant digits than a double holds (64-bit IDs) share doubles: `a` and `b` below are
    /// one double apart in text only. Comparisons and `distinct` go by the exact decimal value, however written.
    static let wideNumbers = [
        #"{"kind":"feedback","a":1234567890123456789,"b":1234567890123456790,"c":12345678901234567890e-1}"#,
        #"{"kind":"feedback","a":9007199254740993,"b":9007199254740992,"c":9007199254740993.0}"#,
        #"{"kind":"feedback","a":1000000000000000000,"b":1e18,"c":1.0e+18}"#,
    ]

    @Test(arguments: [
        ("a == b", 1), ("a != b", 2), ("a < b", 1), ("a > b", 1), ("a <= b", 2), ("a == c", 3), ("b <= c", 2),
        ("a + 0 == b", 2),  // an arithmetic result is a double: 1234567890123456768 is not b
        // A literal with more digits than a double holds keeps them: an ID in a rule matches that ID only.
        ("a == 9007199254740992", 0), ("a > 9007199254740992", 3), ("a <= 1234567890123456768", 2),
        ("a == 1000000000000000000", 1), ("b == 1234567890123456789", 0), ("a == 1234567890123456789", 1),
        ("a in [1234567890123456790, 5]", 0), ("b in [1234567890123456790]", 1),
    ])
    func comparesWideNumbersExactly(condition: String, expected: Int) throws {
        let f = try EngineFixture("rules:\n  - {name: R, on: feedback, when: '\(condition)'}")
        for (i, e) in Self.wideNumbers.enumerated() { try f.send(at: Double(i), e) }
        #expect(f.matches("R") == expected, "\(condition)")
    }

    /// Elements of an array field keep their exact value as well: an ID one double apart is not in the array.
    @Test func arrayElementsCompareWideNumbersExactly() throws {
        let f = try EngineFixture(
            """
            rules:
              - {name: In, on: feedback, when: "a in ids"}
              - {name: Literal, on: feedback, when: "1234567890123456789 in ids"}
            """)
        try f.send(at: 1, #"{"kind":"feedback","a":1234567890123456789,"ids":[1234567890123456790]}"#)
        try f.send(at: 2, #"{"kind":"feedback","a":1234567890123456790,"ids":[1234567890123456790, 1]}"#)
        #expect(f.matches("In") == 1)
        #expect(f.matches("Literal") == 0)
    }

    /// A computed number (arithmetic, a window) with more than 15 digits is no written number: it compares with a
    /// wide literal by the double's exact value (the sum 1234567890123456768 compared as its shortest text,
    /// ...800, was over ...789); one of up to 15 digits is the number it shows.
    @Test func computedNumbersCompareWithWideLiteralsByTheirExactValue() throws {
        let f = try EngineFixture(
            """
            rules:
              - {name: ArithOver, on: ev, when: "n + 0 > 1234567890123456789"}
              - {name: SumOver, on: ev, when: "sum(n, 1m) > 1234567890123456789"}
              - {name: Exact, on: ev, when: "n + 0 == 1234567890123456768"}
              - {name: Fraction, on: ev, when: "x * 1 > 0.10000000000000000001"}
              - {name: FieldUnder, on: ev, when: "x < 0.10000000000000000001"}
            """)
        try f.send(at: 1, #"{"kind":"ev","n":1234567890123456789,"x":0.1}"#)
        #expect(f.matches("ArithOver") == 0)
        #expect(f.matches("SumOver") == 0)
        #expect(f.matches("Exact") == 1)
        // A number of up to 15 digits is the number written: 0.1, under the literal (not its double,
        // 0.1000000000000000055..., over it), as the event's field itself compares.
        #expect(f.matches("Fraction") == 0)
        #expect(f.matches("FieldUnder") == 1)
    }

    /// Negative and `.`-led literals, list literals and declared lists keep their digits as well.
    @Test func negativeLiteralsAndListsKeepTheirDigits() throws {
        let f = try EngineFixture(
            """
            lists:
              ids: [1234567890123456789, 5, -1234567890123456789]
            rules:
              - {name: Negative, on: feedback, when: "id == -1234567890123456789"}
              - {name: Parenthesised, on: feedback, when: "id == ( 1234567890123456789 ) or id in [(5)]"}
              - {name: Fraction, on: feedback, when: "id == .1234567890123456789"}
              - {name: Literal, on: feedback, when: "id in [-1234567890123456789, 1234567890123456789, 5]"}
              - {name: Declared, on: feedback, when: "id in ids"}
              - {name: NotDeclared, on: feedback, when: "id not in ids"}
            """)
        let ids = [
            "1234567890123456789", "1234567890123456788", "5", "-1234567890123456789", "1234567890123456768",
            "0.1234567890123456789", "0.1234567890123456788",
        ]
        for (i, id) in ids.enumerated() { try f.send(at: Double(i), #"{"kind":"feedback","id":\#(id)}"#) }
        #expect(f.matches("Negative") == 1)
        #expect(f.matches("Parenthesised") == 2)
        #expect(f.matches("Fraction") == 1)
        #expect(f.matches("Literal") == 3)
        #expect(f.matches("Declared") == 3)
        #expect(f.matches("NotDeclared") == 4)
    }

    @Test func countsWideNumbersDistinctByTheirExactValue() throws {
        let f = try EngineFixture(
            """
            rules:
              - {name: Three, on: feedback, when: "distinct(id, 1h) == 3"}
              - {name: Four, on: feedback, when: "distinct(id, 1h) == 4"}
            """)
        // Three IDs one double holds, and one value written three ways.
        let ids = ["1234567890123456789", "1234567890123456790", "1234567890123456791", "1e18", "1000000000000000000", "1.0e18"]
        for (i, id) in ids.enumerated() { try f.send(at: Double(i), #"{"kind":"feedback","id":\#(id)}"#) }
        #expect(f.matches("Three") == 1)
        #expect(f.matches("Four") == 3)
    }

    /// `ts` reads as the event's time in epoch seconds, whether the line wrote an RFC 3339 time (with an offset,
    /// say) or a number: it was the raw value, a string that never compared with a number.
    @Test func tsReadsAsEpochSeconds() throws {
        let f = try EngineFixture(
            """
            rules:
              - {name: Early, on: feedback, when: "ts >= 1777636800 and ts < 1777636800.5"}
            """)
        for line in [
            #"{"ts":"2026-05-01T12:00:00.250Z","kind":"feedback"}"#, #"{"ts":1777636800.3,"kind":"feedback"}"#,
            #"{"ts":"2026-05-01T14:00:00.400+02:00","kind":"feedback"}"#, #"{"ts":"2026-05-01T12:00:01Z","kind":"feedback"}"#,
        ] {
            var bytes = Array(line.utf8)
            try bytes.withUnsafeMutableBytes { try f.engine.ingest(UnsafeRawBufferPointer($0)) }
        }
        #expect(f.matches("Early") == 3)
    }

    /// `zscore` takes `x − avg` from the shifted sums: with the mean rounded to 1e15 first, 1e15 + 0.125 after two
    /// samples of 1e15 read 2.12 standard deviations out, not √2. While an infinite sample is in the window it is
    /// NaN, as `stddev` is (it had no value).
    @Test func zscoreKeepsTheDigitsOfALargeOffsetAndIsNaNWithAnInfiniteSample() throws {
        let f = try EngineFixture(
            """
            rules:
              - {name: Z, on: e, when: "zscore(x, 1m) > 1.4142 and zscore(x, 1m) < 1.4143"}
              - {name: Far, on: e, when: "zscore(x, 1m) > 2"}
              - {name: NaNZ, on: f, when: "zscore(x, 1m) != 0", value: "zscore(x, 1m)"}
            """)
        try f.send(at: 1, #"{"kind":"e","x":1e15}"#)
        try f.send(at: 2, #"{"kind":"e","x":1e15}"#)
        try f.send(at: 3, #"{"kind":"e","x":1000000000000000.125}"#)
        #expect(f.matches("Z") == 1)
        #expect(f.matches("Far") == 0)
        try f.send(at: 4, #"{"kind":"f","x":1}"#)
        try f.send(at: 5, #"{"kind":"f","x":"+Inf"}"#)
        try f.send(at: 6, #"{"kind":"f","x":2}"#)
        #expect(f.matches("NaNZ") == 2)
        #expect(f.transitions.first { $0.rule == "NaNZ" }?.value?.isNaN == true)
    }

    /// Literals are one node only when written with the same bytes, as events compare strings: `"café"` with a
    /// precomposed `é` in one rule and with `e` and a combining accent in another were one literal, so the first
    /// rule matched only the other form. Lists and patterns alike.
    @Test func literalsThatDifferInBytesStayApartAcrossRules() throws {
        let composed = "caf\u{E9}"
        let decomposed = "cafe\u{301}"
        let f = try EngineFixture(
            """
            lists:
              both: ["\(composed)", "\(decomposed)"]
            rules:
              - {name: Composed, on: e, when: 'prompt contains "\(composed)"'}
              - {name: Decomposed, on: e, when: 'prompt contains "\(decomposed)"'}
              - {name: ComposedPattern, on: e, when: 'prompt matches "\(composed)|zzz"'}
              - {name: DecomposedPattern, on: e, when: 'prompt matches "\(decomposed)|zzz"'}
              - {name: Both, on: e, when: 'prompt in both'}
            """)
        try f.send(at: 1, #"{"kind":"e","prompt":"\#(composed)"}"#)
        try f.send(at: 2, #"{"kind":"e","prompt":"\#(decomposed)"}"#)
        for rule in ["Composed", "Decomposed", "ComposedPattern", "DecomposedPattern"] { #expect(f.matches(rule) == 1, "\(rule)") }
        #expect(f.matches("Both") == 2)
    }

    @Test func countsValuesOfDifferentTypesApart() throws {
        let f = try EngineFixture(
            """
            rules:
              - {name: Ten, on: feedback, when: "distinct(x, 1h) == 10"}
            """)
        // Pairs that read alike: a wide number and its digits as a string, an array or object and its JSON text,
        // and booleans and the numbers whose bits earlier identities gave them.
        let values = [
            "9007199254740993", #""9.007199254740993e+15""#, #"["Violent"]"#, #""[\"Violent\"]""#,
            #"{"a":1}"#, #""{\"a\":1}""#, "true", "1.5783994590852268e-41", "false", "-8.770518153001902e+251",
        ]
        for (i, x) in values.enumerated() { try f.send(at: Double(i), #"{"kind":"feedback","x":\#(x)}"#) }
        #expect(f.matches("Ten") == 1)
    }
}

import Foundation
