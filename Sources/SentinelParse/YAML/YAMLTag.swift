/// The YAML tags Sentinel's files may use, and what they do: `!!str` (or the non-specific `!`) makes a scalar a
/// string whatever it looks like; `!!int`, `!!float`, `!!bool` and `!!null` must describe the scalar they are on,
/// which is then read as that type even when quoted; `!!seq` and `!!map` must describe their collection. Any other
/// tag (`!!binary`, `!!timestamp`, `!custom`) is refused rather than read as plain text.
enum YAMLTag {
    /// Whether a scalar with tag `tag` is read as plain (typed) YAML, or the problem when the tag does not fit it.
    static func resolve(_ tag: String, scalar: YAMLScalar) -> Result<Bool, Problem> {
        let value = scalar.value
        switch tag {
        case "!!str", "!": return .success(false)
        case "!!null": return matches(value, ["", "~", "null", "Null", "NULL"].contains(value), tag, "null")
        case "!!bool":
            return matches(value, ["true", "True", "TRUE", "false", "False", "FALSE"].contains(value), tag, "true or false")
        case "!!int": return matches(value, isNumber(value, wholeOnly: true), tag, "a whole number")
        case "!!float": return matches(value, isNumber(value, wholeOnly: false), tag, "a number")
        case "!!merge" where scalar.style == .plain && value == "<<": return .success(true)
        default: return .failure(unsupported(tag))
        }
    }

    /// The problem with tag `tag` on a mapping or sequence, if any.
    static func problem(_ tag: String, isMapping: Bool) -> Problem? {
        switch tag {
        case "!": nil
        case "!!map": isMapping ? nil : Problem("tag '!!map' is on a sequence")
        case "!!seq": isMapping ? Problem("tag '!!seq' is on a mapping") : nil
        case "!!str", "!!int", "!!float", "!!bool", "!!null":
            Problem("tag '\(tag)' is for a scalar, not a \(isMapping ? "mapping" : "sequence")")
        default: unsupported(tag)
        }
    }

    /// Why a tag cannot be used where it is.
    struct Problem: Error {
        var message: String
        init(_ message: String) { self.message = message }
    }

    private static func unsupported(_ tag: String) -> Problem {
        Problem("tag '\(tag)' is not supported (only !!str, !!int, !!float, !!bool, !!null, !!seq and !!map)")
    }

    private static func matches(_ value: String, _ fits: Bool, _ tag: String, _ expected: String) -> Result<Bool, Problem> {
        fits ? .success(true) : .failure(Problem("tag '\(tag)' is on '\(value)', which is not \(expected)"))
    }

    /// Whether `text` is a number as JSON writes it (the forms Sentinel reads; rule test files turn numbers into
    /// JSON), and with `wholeOnly` without a fraction or exponent.
    static func isNumber(_ text: String, wholeOnly: Bool) -> Bool {
        var bytes = text.utf8[...]
        func digits() -> Int {
            let run = bytes.prefix { $0 >= 0x30 && $0 <= 0x39 }.count
            bytes = bytes.dropFirst(run)
            return run
        }
        if bytes.first == 0x2D { bytes = bytes.dropFirst() }
        let first = bytes.first
        let integerDigits = digits()
        guard integerDigits > 0, first != 0x30 || integerDigits == 1 else { return false }
        if wholeOnly { return bytes.isEmpty }
        if bytes.first == 0x2E {
            bytes = bytes.dropFirst()
            guard digits() > 0 else { return false }
        }
        if let e = bytes.first, e == 0x65 || e == 0x45 {
            bytes = bytes.dropFirst()
            if let sign = bytes.first, sign == 0x2B || sign == 0x2D { bytes = bytes.dropFirst() }
            guard digits() > 0 else { return false }
        }
        return bytes.isEmpty
    }
}
