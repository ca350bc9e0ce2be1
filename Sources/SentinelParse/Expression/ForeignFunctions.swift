/// Other rule and query languages' functions (PromQL, SQL, pandas), for hints that say how Sentinel writes them.
public enum ForeignFunctions {
    /// By the other language's name, Sentinel's form: `x` (or `counter`) is the value, `w` the window, `q` the
    /// quantile; a form without parentheses (`x exists`) is no function.
    public static let sentinelForms: [String: String] = [
        "count_over_time": "count(w)", "sum_over_time": "sum(x, w)", "avg_over_time": "avg(x, w)",
        "min_over_time": "min(x, w)", "max_over_time": "max(x, w)", "stddev_over_time": "stddev(x, w)",
        "quantile_over_time": "quantile(q, x, w)", "irate": "rate(counter, w)",
        "mean": "avg(x, w)", "average": "avg(x, w)", "std": "stddev(x, w)", "stdev": "stddev(x, w)",
        "median": "quantile(0.5, x, w)", "percentile": "quantile(q, x, w)", "count_distinct": "distinct(x, w)",
        "nunique": "distinct(x, w)", "uniq": "distinct(x, w)", "length": "len(x)", "size": "len(x)", "strlen": "len(x)",
        "absent": "count(10m) == 0, on a rule with every: 1m (evaluated while no events come)",
        "absent_over_time": "count(10m) == 0, on a rule with every: 1m (evaluated while no events come)",
        "exists": "x exists", "isnull": "x == null", "is_null": "x == null",
    ]

    /// Sentinel's window functions (the compiler's `FunctionTable.window`, which a test keeps equal): the ones whose
    /// last argument is a window.
    public static let windowFunctions: Set<String> = [
        "count", "ratio", "sum", "avg", "min", "max", "stddev", "zscore", "distinct", "rate", "increase", "quantile",
        "histogram_quantile", "histogram_count", "psi",
    ]

    /// How a range selector inside each function is written in Sentinel: PromQL's `_over_time` and counter
    /// functions, and Sentinel's own window functions written with one.
    static let rangeForms: [String: String] = [
        "count_over_time": "count(w)", "sum_over_time": "sum(x, w)", "avg_over_time": "avg(x, w)",
        "min_over_time": "min(x, w)", "max_over_time": "max(x, w)", "stddev_over_time": "stddev(x, w)",
        "quantile_over_time": "quantile(q, x, w)", "rate": "rate(x, w)", "increase": "increase(x, w)",
        "count": "count(w)", "sum": "sum(x, w)",
        "avg": "avg(x, w)", "min": "min(x, w)", "max": "max(x, w)", "stddev": "stddev(x, w)",
        "quantile": "quantile(q, x, w)", "distinct": "distinct(x, w)", "zscore": "zscore(x, w)",
    ]

    /// How Sentinel writes `function(field[window])`, PromQL's range selector inside a call (`function` nil when
    /// the selector stands alone): the window is the function's last argument. `quantile` is the call's first
    /// argument when it is a number.
    static func rangeSelectorAdvice(function: String?, field: String, window: String, quantile: String?) -> String {
        guard let form = function.flatMap({ rangeForms[$0.lowercased()] }), let open = form.firstIndex(of: "(") else {
            return "a window is the last argument of a window function: avg(\(field), \(window)), rate(\(field), \(window))"
        }
        let arguments = form[form.index(after: open)..<form.index(before: form.endIndex)]
            .split(separator: ", ").map { $0 == "x" ? field : $0 == "w" ? window : $0 == "q" ? quantile ?? "q" : String($0) }
        return "write \(form[..<open])(\(arguments.joined(separator: ", ")))"
    }
}
