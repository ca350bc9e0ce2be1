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
        case "!!null": return matches(value, YAMLScalar.nullWords.contains(value), tag, "null")
        case "!!bool": return matches(value, YAMLScalar.boolean(value) != nil, tag, "true or false")
        case "!!int": return matches(value, YAMLScalar.isJSONNumber(value, wholeOnly: true), tag, "a whole number")
        case "!!float": return matches(value, YAMLScalar.isJSONNumber(value), tag, "a number")
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
}
