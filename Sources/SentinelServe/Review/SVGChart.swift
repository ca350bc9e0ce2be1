import Foundation
import SentinelCore

/// A small inline SVG line chart: one line per series over a shared x range, a zero-based y axis with three
/// labelled gridlines, the x range's ends labelled, and a legend. Gaps (nil values) break a line. All text is
/// escaped; no script, no external resources.
struct SVGChart {
    struct Series {
        var name: String
        var color: String
        var dashed = false
        var values: [Double?]
    }

    var title: String
    var series: [Series]
    /// Labels under the first and the last point.
    var xLabels: (String, String)
    var formatY: (Double) -> String
    var width = 340.0
    var height = 150.0

    private static let margin = (left: 44.0, right: 8.0, top: 8.0, bottom: 20.0)

    /// Colours for series in order, distinguishable on white.
    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22"]

    func render() -> String {
        let m = Self.margin
        let plotWidth = width - m.left - m.right
        let plotHeight = height - m.top - m.bottom
        let count = series.map(\.values.count).max() ?? 0
        let top = Self.niceCeiling(series.flatMap { $0.values.compactMap { $0 } }.filter(\.isFinite).max() ?? 0)
        func x(_ i: Int) -> Double { m.left + (count > 1 ? Double(i) / Double(count - 1) * plotWidth : plotWidth / 2) }
        // Within the plot whatever the value (a negative one at the axis).
        func y(_ v: Double) -> Double { m.top + plotHeight - min(max(v / top, 0), 1) * plotHeight }

        var svg = """
            <figure class="chart"><figcaption>\(title.htmlEscaped)</figcaption>
            <svg viewBox="0 0 \(Self.format(width)) \(Self.format(height))" width="\(Self.format(width))" height="\(Self.format(height))" role="img" aria-label="\(title.htmlEscaped)">
            """
        for step in 0...2 {
            let v = top / 2 * Double(step)  // top * 2 would overflow at the largest doubles
            svg += "<line x1=\"\(Self.format(m.left))\" x2=\"\(Self.format(width - m.right))\" y1=\"\(Self.format(y(v)))\" y2=\"\(Self.format(y(v)))\" stroke=\"#e3e6ee\"/>"
            svg += "<text x=\"\(Self.format(m.left - 4))\" y=\"\(Self.format(y(v) + 4))\" text-anchor=\"end\" font-size=\"10\" fill=\"#555\">\(formatY(v).htmlEscaped)</text>"
        }
        svg += "<text x=\"\(Self.format(m.left))\" y=\"\(Self.format(height - 4))\" font-size=\"10\" fill=\"#555\">\(xLabels.0.htmlEscaped)</text>"
        svg += "<text x=\"\(Self.format(width - m.right))\" y=\"\(Self.format(height - 4))\" text-anchor=\"end\" font-size=\"10\" fill=\"#555\">\(xLabels.1.htmlEscaped)</text>"
        for s in series {
            let dash = s.dashed ? " stroke-dasharray=\"4 3\"" : ""
            for run in Self.runs(s.values) {
                if run.count == 1, let (i, v) = run.first {
                    svg += "<circle cx=\"\(Self.format(x(i)))\" cy=\"\(Self.format(y(v)))\" r=\"1.8\" fill=\"\(s.color)\"/>"
                    continue
                }
                let points = run.map { "\(Self.format(x($0.0))),\(Self.format(y($0.1)))" }.joined(separator: " ")
                svg += "<polyline points=\"\(points)\" fill=\"none\" stroke=\"\(s.color)\" stroke-width=\"1.5\"\(dash)/>"
            }
        }
        svg += "</svg><div class=\"legend\">"
        for s in series {
            svg += "<span><i style=\"border-color:\(s.color);border-style:\(s.dashed ? "dashed" : "solid")\"></i>\(s.name.htmlEscaped)</span> "
        }
        return svg + "</div></figure>"
    }

    /// Consecutive present values, with their indices.
    static func runs(_ values: [Double?]) -> [[(Int, Double)]] {
        var runs: [[(Int, Double)]] = []
        var current: [(Int, Double)] = []
        for (i, value) in values.enumerated() {
            if let value, value.isFinite {
                current.append((i, value))
            } else if !current.isEmpty {
                runs.append(current)
                current = []
            }
        }
        if !current.isEmpty { runs.append(current) }
        return runs
    }

    /// The smallest of 1, 2, 2.5, 5 times a power of ten that is at least `value` (1 for nothing to show; `value`
    /// itself when that would be beyond a double).
    static func niceCeiling(_ value: Double) -> Double {
        guard value > 0, value.isFinite else { return 1 }
        let power = pow(10, (log10(value)).rounded(.down))
        for factor in [1.0, 2, 2.5, 5, 10] where factor * power >= value * (1 - 1e-9) {
            return (factor * power).isFinite ? factor * power : value
        }
        return value
    }

    static func format(_ v: Double) -> String { String(format: "%.1f", v) }
}
