/// Prometheus text exposition as Python's `prometheus_client.generate_latest` writes it: counters exposed with
/// `_total`, histogram samples in the order buckets, `_count`, `_sum`, and every `_created` sample moved into a
/// gauge family of its own after its metric; numbers through `floatToGoString`.
struct PrometheusText {
    private(set) var text = ""
    /// `model_name="…",engine="0"`: every vLLM metric's labels, in vLLM's `labelnames` order.
    private let labels: String
    /// Unix time the metrics were created, for the `_created` samples.
    private let created: Double

    init(modelName: String, engine: String, created: Double) {
        labels = "model_name=\(Self.labelValue(modelName)),engine=\(Self.labelValue(engine))"
        self.created = created
    }

    mutating func gauge(_ name: String, help: String, _ value: Double) {
        family(name, help: help, type: "gauge")
        sample(name, labels, value)
    }

    /// A counter without extra labels; `name` without `_total`.
    mutating func counter(_ name: String, help: String, _ value: Double) {
        counter(name, help: help, samples: [(labels, value)])
    }

    /// A counter with one extra label, one child per value (in the order given).
    mutating func counter(_ name: String, help: String, label: String, values: [(String, Double)]) {
        counter(name, help: help, samples: values.map { ("\(labels),\(label)=\(Self.labelValue($0.0))", $0.1) })
    }

    private mutating func counter(_ name: String, help: String, samples: [(String, Double)]) {
        family(name + "_total", help: help, type: "counter")
        for (labels, value) in samples { sample(name + "_total", labels, value) }
        createdFamily(name, help: help, children: samples.map(\.0))
    }

    mutating func histogram(_ name: String, help: String, _ histogram: Histogram) {
        family(name, help: help, type: "histogram")
        var cumulative: UInt64 = 0
        for (index, bound) in histogram.bounds.enumerated() {
            cumulative += histogram.counts[index]
            sample(name + "_bucket", "\(labels),le=\"\(Self.goFloat(bound))\"", Double(cumulative))
        }
        cumulative += histogram.counts[histogram.bounds.count]
        sample(name + "_bucket", "\(labels),le=\"+Inf\"", Double(cumulative))
        sample(name + "_count", labels, Double(cumulative))
        sample(name + "_sum", labels, histogram.sum)
        createdFamily(name, help: help, children: [labels])
    }

    /// A family from a collector other than vLLM's (no model labels, no `_created`), written as given.
    mutating func foreign(_ name: String, help: String, type: String, samples: [(labels: String, value: Double)]) {
        family(name, help: help, type: type)
        for (labels, value) in samples { sample(name, labels, value) }
    }

    private mutating func family(_ name: String, help: String, type: String) {
        text += "# HELP \(name) \(Self.escapeHelp(help))\n# TYPE \(name) \(type)\n"
    }

    private mutating func createdFamily(_ name: String, help: String, children: [String]) {
        family(name + "_created", help: help, type: "gauge")
        for labels in children { sample(name + "_created", labels, created) }
    }

    private mutating func sample(_ name: String, _ labels: String, _ value: Double) {
        text += labels.isEmpty ? "\(name) \(Self.goFloat(value))\n" : "\(name){\(labels)} \(Self.goFloat(value))\n"
    }

    /// prometheus_client's `floatToGoString`: Python's `repr`, but positive numbers with more than six digits
    /// before the point in exponent form (`1.7e+09`).
    static func goFloat(_ value: Double) -> String {
        if value == .infinity { return "+Inf" }
        if value == -.infinity { return "-Inf" }
        if value.isNaN { return "NaN" }
        let repr = value.description
        guard value > 0, let dot = repr.firstIndex(of: "."), repr.distance(from: repr.startIndex, to: dot) > 6 else {
            return repr
        }
        let digits = repr[..<dot].dropFirst() + repr[repr.index(after: dot)...]
        var mantissa = "\(repr.first!).\(digits)"
        while let last = mantissa.last, last == "0" || last == "." { mantissa.removeLast() }
        return "\(mantissa)e+0\(repr.distance(from: repr.startIndex, to: dot) - 1)"
    }

    private static func labelValue(_ value: String) -> String {
        var escaped = "\""
        for character in value {
            switch character {
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            case "\"": escaped += "\\\""
            default: escaped.append(character)
            }
        }
        return escaped + "\""
    }

    private static func escapeHelp(_ help: String) -> String {
        help.replacing("\\", with: "\\\\").replacing("\n", with: "\\n")
    }
}
