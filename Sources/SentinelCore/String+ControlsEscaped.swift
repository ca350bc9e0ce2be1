extension Unicode.Scalar {
    /// How the scalar is written in text that must stay on one line (terminal output, logs, diagnostics): `\n`,
    /// `\r`, `\t`, and `\u{1B}` for other control characters and for line and paragraph separators; nil for
    /// every other scalar, written as itself.
    public var lineEscape: String? {
        switch self {
        case "\n": return "\\n"
        case "\r": return "\\r"
        case "\t": return "\\t"
        default:
            switch properties.generalCategory {
            case .control, .lineSeparator, .paragraphSeparator: return "\\u{\(String(value, radix: 16, uppercase: true))}"
            default: return nil
            }
        }
    }
}

extension String {
    /// The text with the scalars that could break a line written out (see `Unicode.Scalar.lineEscape`), so text
    /// from files or traffic cannot start a line of its own and forge one. With `backslashes`, `\` is written `\\`
    /// too, so every escape reads back unambiguously (logs).
    public func escapingControls(backslashes: Bool = false) -> String {
        guard unicodeScalars.contains(where: { $0.lineEscape != nil || backslashes && $0 == "\\" }) else { return self }
        var out = ""
        out.reserveCapacity(utf8.count + 8)
        for scalar in unicodeScalars {
            if let escape = scalar.lineEscape {
                out += escape
            } else if backslashes && scalar == "\\" {
                out += "\\\\"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
