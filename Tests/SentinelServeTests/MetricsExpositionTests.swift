import SentinelServe
import Testing

@Suite struct MetricsExpositionTests {
    @Test func writesFamiliesWithEscapedLabelsAndSpecialValues() {
        var out = MetricsExposition()
        out.family(
            "x_requests_total", .counter, help: "Requests.\nSecond line",
            samples: [([("path", "a\"b\\c\nd")], 3), ([("path", "e")], .nan)])
        out.family("x_temperature", .gauge, help: "T.", value: -.infinity)
        #expect(
            out.text == """
                # HELP x_requests_total Requests.\\nSecond line
                # TYPE x_requests_total counter
                x_requests_total{path="a\\"b\\\\c\\nd"} 3
                x_requests_total{path="e"} NaN
                # HELP x_temperature T.
                # TYPE x_temperature gauge
                x_temperature -Inf

                """)
    }

    @Test func histogramsAreCumulativeWithInfSumAndCount() {
        var counts = HistogramCounts(bounds: [0.1, 1])
        counts.observe(0.05, times: 2)
        counts.observe(0.5)
        counts.observe(5)
        var out = MetricsExposition()
        out.histogram("x_seconds", help: "X.", series: [([("a", "b")], counts)])
        #expect(out.text.contains(#"x_seconds_bucket{a="b",le="0.1"} 2"#))
        #expect(out.text.contains(#"x_seconds_bucket{a="b",le="1"} 3"#))
        #expect(out.text.contains(#"x_seconds_bucket{a="b",le="+Inf"} 4"#))
        #expect(out.text.contains(#"x_seconds_sum{a="b"} 5.6"#))
        #expect(out.text.contains(#"x_seconds_count{a="b"} 4"#))
        #expect(counts.quantile(0.5) == 0.1)
    }
}
