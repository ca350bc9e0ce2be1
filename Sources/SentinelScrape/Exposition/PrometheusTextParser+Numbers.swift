extension PrometheusTextParser {
    /// A sample value as Go's `strconv.ParseFloat` reads decimal ones: `[+-]` digits with an optional fraction
    /// and exponent (`1`, `-2.5`, `.5`, `5.`, `1e-3`), or `NaN`, `Inf`, `Infinity` (any case; infinities signed).
    /// Correctly rounded: exact arithmetic when significand and power of ten are both exact doubles, `strtod`
    /// (through `Double(_:)`) otherwise.
    static func parseValue(_ token: UnsafeBufferPointer<UInt8>) -> Double? {
        var k = 0
        let n = token.count
        var negative = false
        var signed = false
        if k < n && (token[k] == UInt8(ascii: "+") || token[k] == UInt8(ascii: "-")) {
            negative = token[k] == UInt8(ascii: "-")
            signed = true
            k += 1
        }
        if k < n && (token[k] | 0x20) &- UInt8(ascii: "a") < 26 {
            return special(UnsafeBufferPointer(rebasing: token[k...]), signed: signed, negative: negative)
        }
        var significand: UInt64 = 0
        var digits = 0
        var exponent = 0
        var exact = true
        var sawDigit = false
        while k < n && isDigit(token[k]) {
            let d = UInt64(token[k] &- 0x30)
            sawDigit = true
            if significand == 0 && d == 0 {
            } else if digits < 19 {
                significand = significand * 10 + d
                digits += 1
            } else {
                exact = false
                exponent += 1
            }
            k += 1
        }
        if k < n && token[k] == UInt8(ascii: ".") {
            k += 1
            while k < n && isDigit(token[k]) {
                let d = UInt64(token[k] &- 0x30)
                sawDigit = true
                if significand == 0 && d == 0 {
                    exponent -= 1
                } else if digits < 19 {
                    significand = significand * 10 + d
                    digits += 1
                    exponent -= 1
                } else {
                    exact = false
                }
                k += 1
            }
        }
        guard sawDigit else { return nil }
        if k < n && token[k] | 0x20 == UInt8(ascii: "e") {
            k += 1
            var exponentNegative = false
            if k < n && (token[k] == UInt8(ascii: "+") || token[k] == UInt8(ascii: "-")) {
                exponentNegative = token[k] == UInt8(ascii: "-")
                k += 1
            }
            guard k < n && isDigit(token[k]) else { return nil }
            var e = 0
            while k < n && isDigit(token[k]) {
                if e < 100_000 { e = e * 10 + Int(token[k] &- 0x30) }
                k += 1
            }
            exponent += exponentNegative ? -e : e
        }
        guard k == n else { return nil }
        if significand == 0 { return negative ? -0.0 : 0.0 }
        if exact && significand <= 1 << 53 && exponent >= -22 && exponent <= 22 {
            var v = Double(significand)
            if exponent > 0 {
                v *= powersOfTen[exponent]
            } else if exponent < 0 {
                v /= powersOfTen[-exponent]
            }
            return negative ? -v : v
        }
        return Double(String(decoding: token, as: UTF8.self))
    }

    /// 10^0 … 10^22: the powers of ten a double holds exactly.
    private static let powersOfTen: [Double] = (0...22).map { e in (0..<e).reduce(1.0) { acc, _ in acc * 10 } }

    private static func special(_ word: UnsafeBufferPointer<UInt8>, signed: Bool, negative: Bool) -> Double? {
        var lower: [UInt8] = []
        for c in word {
            lower.append(c | 0x20)
            if lower.count > 8 { return nil }
        }
        switch String(decoding: lower, as: UTF8.self) {
        case "nan" where !signed: return .nan
        case "inf", "infinity": return negative ? -.infinity : .infinity
        default: return nil
        }
    }

    /// A sample timestamp in milliseconds: `[+-]digits` milliseconds that fit an `Int64` (the Prometheus text
    /// format), or OpenMetrics' seconds with a fraction or exponent (`1700000000.123`, `1.7e9`), rounded to the
    /// millisecond. An OpenMetrics timestamp in whole seconds reads as milliseconds: the two formats cannot be told
    /// apart by the token, and the scraper stamps samples with the scrape's time anyway.
    static func parseTimestamp(_ token: UnsafeBufferPointer<UInt8>) -> Int64? {
        if token.contains(where: { $0 == UInt8(ascii: ".") || $0 | 0x20 == UInt8(ascii: "e") }) {
            guard let seconds = parseValue(token), seconds.isFinite else { return nil }
            let milliseconds = (seconds * 1000).rounded()
            // 2^63 is the first double out of range; every smaller one converts.
            guard milliseconds >= -0x1p63 && milliseconds < 0x1p63 else { return nil }
            return Int64(milliseconds)
        }
        var k = 0
        var negative = false
        if k < token.count && (token[k] == UInt8(ascii: "+") || token[k] == UInt8(ascii: "-")) {
            negative = token[k] == UInt8(ascii: "-")
            k += 1
        }
        guard k < token.count else { return nil }
        var value: Int64 = 0
        while k < token.count {
            guard isDigit(token[k]) else { return nil }
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) = times10.subtractingReportingOverflow(Int64(token[k] &- 0x30))
            guard !o1 && !o2 else { return nil }
            value = next
            k += 1
        }
        if negative { return value }
        return value == .min ? nil : -value
    }
}
