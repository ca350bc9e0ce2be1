import SentinelCore

/// One target's scrapes as recorded-traffic lines: a `metric` event per sample, Prometheus' synthetic `up`,
/// `scrape_duration_seconds` and `scrape_samples_scraped`, and a `scrape_error` event when a scrape fails.
///
/// Labels of a metric event: the sample's own, in exposition order, then the target's configured labels (by
/// name), `instance` and `job`, each unless the sample already has a label of that name (the sample wins, like
/// Prometheus' `honor_labels: true`, even with an empty value). Labels with an empty value are then left out, as
/// Prometheus drops them: `m{job=""}` has no `job` label.
struct ScrapeEventEncoder: Sendable {
    let target: ScrapeTarget
    let renames: MetricRenames
    /// The configured labels by name, then `instance` and `job` unless configured.
    let targetLabels: [(String, String)]

    init(target: ScrapeTarget, renames: MetricRenames) {
        self.target = target
        self.renames = renames
        var labels = target.labels.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        if target.labels["instance"] == nil { labels.append(("instance", target.instance)) }
        if target.labels["job"] == nil { labels.append(("job", target.name)) }
        targetLabels = labels.filter { !$0.1.isEmpty }  // an empty label is no label
    }

    /// A `metric` line for each sample that is not a `_created` sample, under its current name; when the
    /// exposition has a renamed family under both names, only the current name's samples. Of samples of the same
    /// series (name and the event's labels, in any order: `m{a=""}` is `m`, and `m{job="vllm"}` is `m` on target
    /// `vllm`), only the first is kept, as Prometheus keeps it: two values of one series at one time would look
    /// like a change of value. `duplicates` counts the others.
    func metricLines(_ exposition: Exposition, timestamp: String) -> (lines: [String], duplicates: Int) {
        var currentPresent = [Bool](repeating: false, count: renames.families.count)
        for sample in exposition.samples {
            if let family = renames.currentFamily(of: sample.name) { currentPresent[family] = true }
        }
        var lines: [String] = []
        lines.reserveCapacity(exposition.samples.count + 3)
        var seen = Set<Series>(minimumCapacity: exposition.samples.count)
        var duplicates = 0
        for sample in exposition.samples {
            if sample.isCreated { continue }
            var renamedFrom: String?
            var name = sample.name
            if let rename = renames.rename(sample.name) {
                if currentPresent[rename.family] { continue }
                renamedFrom = sample.name
                name = rename.name
            }
            var labels = sample.labels
            for label in targetLabels where !sample.labels.contains(where: { $0.name == label.0 }) {
                labels.append(MetricLabel(label.0, label.1))
            }
            labels.removeAll { $0.value.isEmpty }
            guard seen.insert(Series(name: name, labels: labels)).inserted else {
                duplicates += 1
                continue
            }
            lines.append(
                Self.metricLine(
                    timestamp: timestamp, name: name, labels: labels.map { ($0.name, $0.value) }, value: sample.value,
                    type: sample.type, renamedFrom: renamedFrom))
        }
        return (lines, duplicates)
    }

    /// A series of one exposition: its name and its labels by name.
    struct Series: Hashable {
        let name: String
        let labels: [MetricLabel]

        init(name: String, labels: [MetricLabel]) {
            self.name = name
            let inOrder = zip(labels, labels.dropFirst()).allSatisfy { $0.name < $1.name }
            self.labels = inOrder ? labels : labels.sorted { $0.name < $1.name }
        }
    }

    /// `up`, `scrape_duration_seconds` and `scrape_samples_scraped` (every sample of the exposition, `_created`
    /// ones included, as Prometheus counts; 0 when the scrape failed), with the target's labels.
    func syntheticLines(up: Bool, duration: Duration, samplesScraped: Int, timestamp: String) -> [String] {
        [
            ("up", up ? 1 : 0),
            ("scrape_duration_seconds", duration.seconds),
            ("scrape_samples_scraped", Double(samplesScraped)),
        ].map { name, value in
            Self.metricLine(timestamp: timestamp, name: name, labels: targetLabels, value: value, type: .gauge)
        }
    }

    /// `{"ts":…,"kind":"scrape_error","target":…,"instance":…,"url":…,"error":…,"status":…}`.
    func errorLine(_ failure: ScrapeFailure, timestamp: String) -> String {
        var json = JSONText()
        json.add("ts", timestamp)
        json.add("kind", "scrape_error")
        json.add("target", target.name)
        json.add("instance", target.instance)
        json.add("url", target.url)
        json.add("error", failure.description)
        json.add("status", raw: failure.httpStatus.map(String.init) ?? "null")
        return json.result
    }

    /// A `metric` line; a non-finite value is the string `"NaN"`, `"+Inf"` or `"-Inf"`.
    static func metricLine(
        timestamp: String, name: String, labels: [(String, String)], value: Double, type: MetricType,
        renamedFrom: String? = nil
    ) -> String {
        var json = JSONText()
        json.add("ts", timestamp)
        json.add("kind", "metric")
        json.add("name", name)
        json.add("labels", object: labels)
        json.add("value", sample: value)
        json.add("type", type.rawValue)
        if let renamedFrom { json.add("renamed_from", renamedFrom) }
        return json.result
    }
}
