import SentinelEvaluate
import Testing

@Suite struct TimestampTests {
    @Test(arguments: [
        ("2026-05-01T12:00:00Z", Int64(1_777_636_800_000)),
        ("2026-05-01T12:00:00.250Z", 1_777_636_800_250),
        ("2026-05-01T12:00:00.2Z", 1_777_636_800_200),
        ("2026-05-01T12:00:00.999999999Z", 1_777_636_800_999),
        ("2026-05-01T12:00:00.0001Z", 1_777_636_800_000),
        ("2026-05-01t12:00:00z", 1_777_636_800_000),
        ("2026-05-01T14:00:00+02:00", 1_777_636_800_000),
        ("2026-05-01T06:30:00-05:30", 1_777_636_800_000),
        ("2026-05-01T12:00:00-00:00", 1_777_636_800_000),
        ("1970-01-01T00:00:00Z", 0),
        ("1970-01-01T00:00:00.001Z", 1),
        ("1969-12-31T23:59:59.999Z", -1),
        ("1969-12-31T23:59:59Z", -1_000),
        ("1900-03-01T00:00:00Z", -2_203_891_200_000),
        ("0001-01-01T00:00:00Z", -62_135_596_800_000),
        ("2024-02-29T00:00:00Z", 1_709_164_800_000),
        ("2000-02-29T23:59:59Z", 951_868_799_000),
        ("9999-12-31T23:59:59.999Z", 253_402_300_799_999),
        ("2026-06-30T23:59:60Z", 1_782_864_000_000),  // leap second = next minute's :00
        ("2026-07-01T01:59:60.5+02:00", 1_782_864_000_500),  // the same leap second in another offset
        ("1969-12-31T23:59:60Z", 0),
    ])
    func parses(text: String, ms: Int64) {
        #expect(Timestamp.parseRFC3339(text) == ms, "\(text)")
    }

    @Test(arguments: [
        "", "2026-05-01", "2026-05-01T12:00:00", "2026-05-01 12:00:00Z", "2026-05-01T12:00Z", "2026-5-01T12:00:00Z",
        "2026-00-01T12:00:00Z", "2026-13-01T12:00:00Z", "2026-04-31T12:00:00Z", "2026-02-29T12:00:00Z",
        "1900-02-29T12:00:00Z", "2026-05-00T12:00:00Z", "2026-05-01T24:00:00Z", "2026-05-01T12:60:00Z",
        "2026-05-01T12:00:61Z", "2026-05-01T12:30:60Z", "2026-06-30T23:59:60+02:00", "2026-05-01T12:00:00.Z", "2026-05-01T12:00:00,5Z", "2026-05-01T12:00:00+0200",
        "2026-05-01T12:00:00+24:00", "2026-05-01T12:00:00+02:60", "2026-05-01T12:00:00Z ", " 2026-05-01T12:00:00Z",
        "2026-05-01T12:00:00ZZ", "2026-05-01X12:00:00Z", "２０２６-05-01T12:00:00Z", "+2026-05-01T12:00:00Z",
    ])
    func rejects(text: String) {
        #expect(Timestamp.parseRFC3339(text) == nil, "\(text)")
    }

    @Test func formats() {
        #expect(Timestamp.format(1_777_636_800_000) == "2026-05-01T12:00:00Z")
        #expect(Timestamp.format(1_777_636_800_250) == "2026-05-01T12:00:00.250Z")
        #expect(Timestamp.format(1_777_636_800_007) == "2026-05-01T12:00:00.007Z")
        #expect(Timestamp.format(0) == "1970-01-01T00:00:00Z")
        #expect(Timestamp.format(-1) == "1969-12-31T23:59:59.999Z")
        #expect(Timestamp.format(-1_000) == "1969-12-31T23:59:59Z")
        #expect(Timestamp.format(-86_400_000) == "1969-12-31T00:00:00Z")
        #expect(Timestamp.format(-2_203_891_200_000) == "1900-03-01T00:00:00Z")
        #expect(Timestamp.format(951_868_799_000) == "2000-02-29T23:59:59Z")
        #expect(Timestamp.format(253_402_300_799_999) == "9999-12-31T23:59:59.999Z")
    }

    @Test func roundTripsEveryDayAcrossCenturies() {
        // Every 7 hours 13 minutes 17.123 seconds from 1950 to 2100, and a stride over 0001–9999.
        var ms: Int64 = -631_152_000_000
        while ms < 4_102_444_800_000 {
            let text = Timestamp.format(ms)
            #expect(Timestamp.parseRFC3339(text) == ms, "\(text)")
            ms += 25_997_123
        }
        ms = -62_135_596_800_000
        while ms < 253_402_300_800_000 {
            #expect(Timestamp.parseRFC3339(Timestamp.format(ms)) == ms)
            ms += 86_400_000 * 997 + 1
        }
    }

    @Test func parsesFromBytes() {
        let bytes = Array("2026-05-01T12:00:00.250Z".utf8)
        let ms = bytes.withUnsafeBufferPointer { Timestamp.parseRFC3339($0) }
        #expect(ms == 1_777_636_800_250)
        let empty: [UInt8] = []
        #expect(empty.withUnsafeBufferPointer { Timestamp.parseRFC3339($0) } == nil)
    }
}
