import SentinelCore
import SentinelParse

/// Every function of the expression language, in one table. Window functions read the rule's windows; scalar
/// functions compute from their arguments at the current event.
public enum FunctionTable {
    /// How a window function's arguments are laid out.
    enum Signature: Equatable {
        /// `count(w)` / `rate(w)`: just the window.
        case window
        /// `f(x, w)`: a per-event value and the window.
        case valueAndWindow(ValueType)
        /// `distinct(x, cond, w)`: a per-event value, taken where a condition holds, and the window.
        case valueConditionAndWindow
        /// `quantile(q, x, w)`.
        case quantile
        /// `histogram_quantile(q, w)`.
        case histogramQuantile
        /// `histogram_count(w)`.
        case histogramCount
        /// `psi(x, current, baseline)`.
        case drift
    }

    static let window: [String: [Signature]] = [
        "count": [.window, .valueAndWindow(.bool)],
        "ratio": [.valueAndWindow(.bool)],
        "sum": [.valueAndWindow(.number)],
        "avg": [.valueAndWindow(.number)],
        "min": [.valueAndWindow(.number)],
        "max": [.valueAndWindow(.number)],
        "stddev": [.valueAndWindow(.number)],
        "zscore": [.valueAndWindow(.number)],
        "distinct": [.valueAndWindow(.any), .valueConditionAndWindow],
        "rate": [.window, .valueAndWindow(.number)],
        "increase": [.valueAndWindow(.number)],
        "quantile": [.quantile],
        "histogram_quantile": [.histogramQuantile],
        "histogram_count": [.histogramCount],
        "psi": [.drift],
    ]

    static let usage: [String: String] = [
        "count": "count(w) or count(cond, w)", "ratio": "ratio(cond, w)", "sum": "sum(x, w)", "avg": "avg(x, w)",
        "min": "min(x, w)", "max": "max(x, w)", "stddev": "stddev(x, w)", "zscore": "zscore(x, w)",
        "distinct": "distinct(x, w) or distinct(x, cond, w)", "rate": "rate(w) or rate(counter, w)",
        "increase": "increase(counter, w)",
        "quantile": "quantile(q, x, w)", "histogram_quantile": "histogram_quantile(q, w)",
        "histogram_count": "histogram_count(w)",
        "psi": "psi(x, current, baseline)", "abs": "abs(x)", "len": "len(x)",
    ]

    /// Scalar functions: the types each argument may have, and the result type.
    static let scalar: [String: (ScalarFunction, [[ValueType]], ValueType)] = [
        "abs": (.abs, [[.number]], .number),
        "len": (.len, [[.string, .array]], .number),
    ]

    /// All function names, for suggestions.
    public static var names: [String] { Array(window.keys) + Array(scalar.keys) }

    /// The window functions' names.
    public static var windowNames: Set<String> { Set(window.keys) }

    /// The unknown-function diagnostic's hint for `name`: Sentinel's function when `name` is another language's
    /// for it, the closest function name (or such a name) when `name` looks misspelt, or the empty string.
    public static func hint(for name: String) -> String {
        if let ours = ForeignFunctions.sentinelForms[name.lowercased()] { return " (Sentinel writes it \(ours))" }
        guard let close = Suggestion.closest(to: name, in: names + ForeignFunctions.sentinelForms.keys) else { return "" }
        guard let form = ForeignFunctions.sentinelForms[close] else { return " (did you mean '\(close)'?)" }
        // Another language's name, misspelt: Sentinel's function, or its form when it is none (`x exists`).
        return form.contains("(") ? " (did you mean '\(form.prefix { $0 != "(" })'?)" : " (Sentinel writes it \(form))"
    }
}

/// Functions computed from their arguments at the current event.
public enum ScalarFunction: String, Sendable, Hashable {
    case abs, len
}
