/// Metric families an exporter renamed: samples of a deprecated family are emitted under the current name, every
/// sample name of the family included (`_total`, `_bucket`, `_sum`, `_count`, `_created`), so rules need to know
/// only the current names.
///
/// ```swift
/// MetricRenames.vllm.canonicalName("vllm:gpu_cache_usage_perc")  // "vllm:kv_cache_usage_perc"
/// ```
public struct MetricRenames: Sendable {
    /// Deprecated family name and current family name, in table order.
    public let families: [(deprecated: String, current: String)]
    /// Every sample name of a deprecated family: its current name, and the family's index in `families`.
    private let renamed: [String: (name: String, family: Int)]
    /// Every sample name of a current family: the family's index in `families`.
    private let current: [String: Int]

    private static let sampleSuffixes = [""] + MetricSuffix.allCases.map(\.rawValue)

    /// A table of renames, deprecated name first: `["old_family": "new_family"]`.
    public init(_ families: KeyValuePairs<String, String>) {
        self.families = families.map { (deprecated: $0.key, current: $0.value) }
        var renamed: [String: (name: String, family: Int)] = [:]
        var current: [String: Int] = [:]
        for (index, family) in self.families.enumerated() {
            for suffix in Self.sampleSuffixes {
                renamed[family.deprecated + suffix] = (family.current + suffix, index)
                current[family.current + suffix] = index
            }
        }
        self.renamed = renamed
        self.current = current
    }

    /// The current name of a sample name; the name itself when its family was not renamed.
    public func canonicalName(_ sampleName: String) -> String {
        renamed[sampleName]?.name ?? sampleName
    }

    /// The current name of a sample of a deprecated family, and the family's index.
    func rename(_ sampleName: String) -> (name: String, family: Int)? {
        renamed[sampleName]
    }

    /// The index of the renamed family a sample of a current name belongs to.
    func currentFamily(of sampleName: String) -> Int? {
        current[sampleName]
    }
}
