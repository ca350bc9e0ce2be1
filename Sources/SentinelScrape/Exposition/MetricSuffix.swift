/// The sample-name suffixes that belong to a family of another name.
enum MetricSuffix: String, CaseIterable {
    case bucket = "_bucket"
    case sum = "_sum"
    case count = "_count"
    case created = "_created"
    case total = "_total"
    /// OpenMetrics: an `info` family's samples, and a `gaugehistogram`'s count and sum.
    case info = "_info"
    case gcount = "_gcount"
    case gsum = "_gsum"
}
