/// Durations as written in rules: `500ms`, `30s`, `5m`, `1h30m`, `7d`, `1w` (Prometheus units).
public enum DurationLiteral {
    /// `text` as milliseconds, checked the same way wherever a duration is written (rules, policies, settings,
    /// flags): a valid literal, at most `DurationLimit.maxMilliseconds`, and over zero unless `allowZero`.
    /// The failure starts with `what` (`'for'`, `--timeout`; empty to start with the text) and says what to write.
    public static func checked(_ text: String, _ what: String, allowZero: Bool = false) -> Result<Int64, DurationError> {
        let subject = what.isEmpty ? "'\(text)'" : "\(what) '\(text)'"
        guard let ms = milliseconds(Substring(text)) else {
            return .failure(DurationError(
                message: "\(subject) is not a duration: use a whole number with a unit ms, s, m, h, d or w, "
                    + "largest first (e.g. 500ms, 5m, 1h30m)"))
        }
        if ms == 0, !allowZero { return .failure(DurationError(message: "\(subject) must be longer than 0s")) }
        if let problem = DurationLimit.problem(subject, milliseconds: ms) { return .failure(DurationError(message: problem)) }
        return .success(ms)
    }

    /// Milliseconds in a written duration, or nil when the text is not a valid duration.
    public static func milliseconds(_ text: Substring) -> Int64? {
        var total: Int64 = 0
        var index = text.startIndex
        var lastUnitRank = Int.max
        guard !text.isEmpty else { return nil }
        while index < text.endIndex {
            var number: Int64 = 0
            var digits = 0
            while index < text.endIndex, let digit = text[index].wholeNumberValue, text[index].isASCII {
                let (scaled, o1) = number.multipliedReportingOverflow(by: 10)
                let (sum, o2) = scaled.addingReportingOverflow(Int64(digit))
                if o1 || o2 { return nil }
                number = sum
                digits += 1
                index = text.index(after: index)
            }
            guard digits > 0 else { return nil }
            var unit = ""
            while index < text.endIndex, text[index].isLetter {
                unit.append(text[index])
                index = text.index(after: index)
            }
            guard let (factor, rank) = units[unit], rank < lastUnitRank else { return nil }
            lastUnitRank = rank
            let (part, o3) = number.multipliedReportingOverflow(by: factor)
            let (sum, o4) = total.addingReportingOverflow(part)
            if o3 || o4 { return nil }
            total = sum
        }
        return total
    }

    /// Writes milliseconds back in the shortest unit form (`90000` → `1m30s`).
    public static func format(milliseconds: Int64) -> String {
        if milliseconds == 0 { return "0s" }
        var rest = milliseconds
        var out = milliseconds < 0 ? "-" : ""
        rest = abs(rest)
        for (unit, factor) in [("w", week), ("d", day), ("h", hour), ("m", minute), ("s", second), ("ms", Int64(1))] {
            if rest >= factor {
                out += "\(rest / factor)\(unit)"
                rest %= factor
            }
        }
        return out
    }

    private static let second: Int64 = 1000
    private static let minute: Int64 = 60 * second
    private static let hour: Int64 = 60 * minute
    private static let day: Int64 = 24 * hour
    private static let week: Int64 = 7 * day
    private static let units: [String: (Int64, Int)] = [
        "w": (week, 6), "d": (day, 5), "h": (hour, 4), "m": (minute, 3), "s": (second, 2), "ms": (1, 1),
    ]
}

/// Why a written duration was refused; `message` names what was written and what to write instead.
public struct DurationError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public var description: String { message }
}
