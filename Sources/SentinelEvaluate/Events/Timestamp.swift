/// The minute of the last parsed RFC 3339 time (its first 16 bytes and their value).
struct TimestampCache {
    var w0: UInt64 = 0
    var w1: UInt64 = 0
    var minuteMillis: Int64 = 0
    var valid = false
}

/// Event times: milliseconds since the Unix epoch, parsed from and formatted as RFC 3339.
public enum Timestamp {
    /// Parses `YYYY-MM-DDTHH:MM:SS[.frac](Z|±hh:mm)` (`t` and `z` also accepted; fractional seconds of any length
    /// are truncated to milliseconds; a leap second, `:60` at the end of a UTC day, counts as the next day's
    /// `00:00:00`). Returns nil when the text is not such a time.
    public static func parseRFC3339(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        var cache = TimestampCache()
        return parseRFC3339(bytes, cache: &cache)
    }

    /// As `parseRFC3339(_:)`, reusing the minute (`YYYY-MM-DDTHH:MM`) of the previous call when it repeats.
    @inline(__always)
    static func parseRFC3339(_ bytes: UnsafeBufferPointer<UInt8>, cache: inout TimestampCache) -> Int64? {
        guard let b = bytes.baseAddress, bytes.count >= 20 else { return nil }
        let w0 = UnsafeRawPointer(b).loadUnaligned(as: UInt64.self)
        let w1 = UnsafeRawPointer(b + 8).loadUnaligned(as: UInt64.self)
        let minute: Int64
        if w0 == cache.w0 && w1 == cache.w1 && cache.valid {
            minute = cache.minuteMillis
        } else {
            guard let m = parseMinute(b) else { return nil }
            cache = TimestampCache(w0: w0, w1: w1, minuteMillis: m, valid: true)
            minute = m
        }
        return parseSecondsAndZone(b, bytes.count, minute: minute)
    }

    @inline(__always)
    static func digit(_ c: UInt8) -> Int64? {
        let d = c &- 0x30
        return d < 10 ? Int64(d) : nil
    }

    @inline(__always)
    static func twoDigits(_ b: UnsafePointer<UInt8>) -> Int64? {
        let a = b[0] &- 0x30
        let c = b[1] &- 0x30
        guard a < 10, c < 10 else { return nil }
        return Int64(a) * 10 + Int64(c)
    }

    /// `YYYY-MM-DDTHH:MM` (16 bytes at `b`) as milliseconds since the epoch, validated.
    static func parseMinute(_ b: UnsafePointer<UInt8>) -> Int64? {
        guard let y1 = twoDigits(b), let y2 = twoDigits(b + 2), b[4] == 0x2D, let month = twoDigits(b + 5),
            b[7] == 0x2D, let day = twoDigits(b + 8), b[10] | 0x20 == 0x74, let hour = twoDigits(b + 11),
            b[13] == 0x3A, let minute = twoDigits(b + 14)
        else { return nil }
        let year = y1 * 100 + y2
        guard month >= 1, month <= 12, day >= 1, day <= daysInMonth(year, month), hour <= 23, minute <= 59 else {
            return nil
        }
        return (daysFromCivil(year, month, day) * 86_400 + hour * 3_600 + minute * 60) * 1_000
    }

    /// `:SS[.frac](Z|±hh:mm)` from byte 16 to `n`, added to the minute.
    @inline(__always)
    static func parseSecondsAndZone(_ b: UnsafePointer<UInt8>, _ n: Int, minute: Int64) -> Int64? {
        guard b[16] == 0x3A, let second = twoDigits(b + 17), second <= 60 else { return nil }
        var i = 19
        var millis: Int64 = 0
        if b[i] == 0x2E {
            i += 1
            var k = 0
            while i < n, let d = digit(b[i]) {
                if k < 3 { millis = millis * 10 + d }
                k += 1
                i += 1
            }
            guard k > 0 else { return nil }
            while k < 3 {
                millis *= 10
                k += 1
            }
        }
        guard i < n else { return nil }
        var offsetMinutes: Int64 = 0
        let z = b[i]
        if z | 0x20 == 0x7A {
            i += 1
        } else if z == 0x2B || z == 0x2D {
            guard n - i >= 6, let oh = twoDigits(b + i + 1), b[i + 3] == 0x3A, let om = twoDigits(b + i + 4), oh <= 23,
                om <= 59
            else {
                return nil
            }
            offsetMinutes = (oh * 60 + om) * (z == 0x2D ? -1 : 1)
            i += 6
        } else {
            return nil
        }
        guard i == n else { return nil }
        let utcMinute = minute - offsetMinutes * 60_000
        // A leap second ends a UTC day (RFC 3339 §5.7): 23:59:60Z, or the same instant in another offset.
        if second == 60, floorModulo(utcMinute, 86_400_000) != 86_340_000 { return nil }
        // Years 0000-9999 in UTC too: an offset or a leap second can carry a local time just past either end.
        let ms = utcMinute + second * 1_000 + millis
        guard ms >= lowestMillis, ms < endMillis else { return nil }
        return ms
    }

    /// 0000-01-01T00:00:00Z and 10000-01-01T00:00:00Z: event times are from the first up to the second.
    static let lowestMillis: Int64 = -62_167_219_200_000
    static let endMillis: Int64 = 253_402_300_800_000

    public static func parseRFC3339(_ text: String) -> Int64? {
        var text = text
        return text.withUTF8 { parseRFC3339($0) }
    }

    /// Milliseconds from epoch seconds written as a JSON number (`1777636800`, `1777636800.25`), truncated toward
    /// the earlier millisecond as a `ts` in traffic is; nil for other text or outside years 0000–9999.
    public static func parseEpochSeconds(_ text: String) -> Int64? {
        var text = text
        return text.withUTF8 { bytes -> Int64? in
            guard let p = bytes.baseAddress, !bytes.isEmpty else { return nil }
            let end = p + bytes.count
            guard p[0] == 0x2D || p[0] &- 0x30 < 10, let n = try? JSONBytes.scanNumber(p, end), n.end == end else {
                return nil
            }
            return epochMillis(n, text: p)
        }
    }

    /// `2026-05-01T12:00:00Z`, or `2026-05-01T12:00:00.250Z` when the milliseconds are not zero.
    public static func format(_ ms: Int64) -> String {
        let days = floorDivide(ms, 86_400_000)
        let rem = ms - days * 86_400_000
        let (year, month, day) = civilFromDays(days)
        let hour = rem / 3_600_000
        let minute = rem / 60_000 % 60
        let second = rem / 1_000 % 60
        let millis = rem % 1_000

        // Written in place: this runs for every output line, and a digit array per field cost more than the rest.
        return String(unsafeUninitializedCapacity: 32) { out in
            var n = 0
            func put(_ v: Int64, _ width: Int) {
                var digits = 1
                var x = v / 10
                while x > 0 {
                    digits += 1
                    x /= 10
                }
                let count = max(digits, width)
                var value = v
                for i in stride(from: n + count - 1, through: n, by: -1) {
                    out[i] = UInt8(value % 10) + 0x30
                    value /= 10
                }
                n += count
            }
            func byte(_ b: UInt8) {
                out[n] = b
                n += 1
            }
            if year < 0 { byte(0x2D) }
            put(abs(year), 4)
            byte(0x2D)
            put(month, 2)
            byte(0x2D)
            put(day, 2)
            byte(0x54)
            put(hour, 2)
            byte(0x3A)
            put(minute, 2)
            byte(0x3A)
            put(second, 2)
            if millis != 0 {
                byte(0x2E)
                put(millis, 3)
            }
            byte(0x5A)
            return n
        }
    }

    // MARK: - Calendar (proleptic Gregorian, H. Hinnant's algorithms)

    static func isLeap(_ y: Int64) -> Bool { y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) }

    static func daysInMonth(_ y: Int64, _ m: Int64) -> Int64 {
        switch m {
        case 2: isLeap(y) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    @inline(__always)
    static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    @inline(__always)
    static func floorModulo(_ a: Int64, _ b: Int64) -> Int64 { a - floorDivide(a, b) * b }

    /// Days since 1970-01-01.
    static func daysFromCivil(_ year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = floorDivide(y, 400)
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civilFromDays(_ days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = floorDivide(z, 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    /// Milliseconds from a JSON number of epoch seconds, truncated toward the earlier millisecond; nil outside
    /// years 0000–9999.
    static func epochMillis(_ n: NumberScan, text: UnsafePointer<UInt8>) -> Int64? {
        let lowest = lowestMillis
        let highest = endMillis
        if n.hasExponent || !n.fits { return epochMillis(digitsFrom: text, to: n.end) }
        // Plain decimal: exact. significand × 10^exponent10 seconds, exponent10 <= 0.
        var m = n.significand
        var e = n.exponent10 + 3  // now in milliseconds
        var inexact = false
        while e < 0 {
            if m % 10 != 0 { inexact = true }
            m /= 10
            e += 1
        }
        while e > 0 {
            guard m <= UInt64(highest) else { return nil }
            m *= 10
            e -= 1
        }
        guard m <= UInt64(highest) else { return nil }
        var ms = Int64(m)
        if n.negative {
            ms = -ms
            if inexact { ms -= 1 }
        }
        guard ms >= lowest, ms < highest else { return nil }
        return ms
    }

    /// `epochMillis` of a number with an exponent or more than 19 digits, from its digits: exact like the plain
    /// path (`1.001e0`, `1001e-3` and `1.0010000000000000000001` are all 1001 ms; a double lost a millisecond).
    static func epochMillis(digitsFrom text: UnsafePointer<UInt8>, to end: UnsafePointer<UInt8>) -> Int64? {
        var p = text
        let negative = p[0] == 0x2D
        if negative { p += 1 }
        // The digits with leading zeros dropped, and where the decimal point falls among them.
        var digits: [UInt8] = []
        var point = 0
        var seenPoint = false
        while p < end, p[0] != 0x65, p[0] != 0x45 {
            if p[0] == 0x2E {
                seenPoint = true
            } else if !(digits.isEmpty && p[0] == 0x30) {
                digits.append(p[0] &- 0x30)
                if !seenPoint { point += 1 }
            } else if seenPoint {
                point -= 1  // a leading zero after the point
            }
            p += 1
        }
        if p < end {  // the exponent, already validated by the scan; large ones only need to stay large
            p += 1
            let expNegative = p[0] == 0x2D
            if p[0] == 0x2B || p[0] == 0x2D { p += 1 }
            var e = 0
            while p < end {
                e = min(e * 10 + Int(p[0] &- 0x30), 1_000_000)
                p += 1
            }
            point += expNegative ? -e : e
        }
        point += 3  // milliseconds
        guard !digits.isEmpty, point > 0 else { return negative && digits.contains { $0 != 0 } ? -1 : 0 }
        guard point <= 16 else { return nil }  // 10^16 ms is past year 9999
        var ms: Int64 = 0
        for i in 0..<point { ms = ms * 10 + Int64(i < digits.count ? digits[i] : 0) }
        if negative {
            ms = -ms
            if digits.dropFirst(point).contains(where: { $0 != 0 }) { ms -= 1 }
        }
        guard ms >= lowestMillis, ms < endMillis else { return nil }
        return ms
    }
}
