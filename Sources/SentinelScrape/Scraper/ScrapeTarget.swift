import Foundation
import SentinelCore

/// One `/metrics` endpoint and how to scrape it.
///
/// ```swift
/// let target = try ScrapeTarget(
///     name: "vllm", url: "http://127.0.0.1:8000/metrics", interval: .seconds(15), labels: ["cluster": "eu-1"])
/// ```
public struct ScrapeTarget: Sendable, Hashable {
    /// The job name: the `job` label of the target's events, and `target` of its `scrape_error` events.
    public let name: String
    /// The `/metrics` URL, as configured.
    public let url: String
    /// `host:port` of the URL (the scheme's default port when it has none), or the configured `instance` label:
    /// the `instance` label of the target's events.
    public let instance: String
    /// Time from the start of one scrape to the start of the next.
    public let interval: Duration
    /// How long a whole scrape (connect, response, body) may take before it fails.
    public let timeout: Duration
    /// Labels added to every event of the target, unless a sample has a label of the same name.
    public let labels: [String: String]
    /// The largest body accepted, in bytes (decompressed, for a `gzip` body); a larger one fails the scrape.
    public let bodySizeLimit: Int
    /// The most samples a scrape may have (`_created` ones included, as `scrape_samples_scraped` counts); more fail
    /// the scrape, as Prometheus' `sample_limit` does. A 16 MiB body of short lines would otherwise be millions of
    /// events per scrape.
    public let sampleLimit: Int

    /// The default `sampleLimit`: a hundred times what a vLLM server with four engines exposes.
    public static let defaultSampleLimit = 100_000

    /// Validates the target: an `http` or `https` URL with a host and without credentials, a positive interval, a
    /// timeout no longer than the interval, a positive body size and sample limit, and label names
    /// `[a-zA-Z_][a-zA-Z0-9_]*`.
    public init(
        name: String, url: String, interval: Duration = .seconds(15), timeout: Duration = .seconds(10),
        labels: [String: String] = [:], bodySizeLimit: Int = 16 << 20, sampleLimit: Int = defaultSampleLimit
    ) throws(ScrapeTargetError) {
        func invalid(_ message: String) -> ScrapeTargetError { ScrapeTargetError(target: name, message: message) }
        guard !name.isEmpty else { throw invalid("the name is empty") }
        guard let parsed = HTTPURL(url) else { throw invalid("'\(url)' is not \(HTTPURL.requirement)") }
        // Never sent, and the URL is logged and put in `scrape_error` events; the message leaves it out.
        guard parsed.url.user == nil && parsed.url.password == nil else {
            throw invalid("the URL has credentials ('user:password@'), which are not sent; remove them")
        }
        guard interval > .zero else { throw invalid("the interval must be positive") }
        guard timeout > .zero, timeout <= interval else {
            throw invalid("the timeout must be positive and no longer than the interval")
        }
        guard bodySizeLimit > 0 else { throw invalid("the body size limit must be positive") }
        guard sampleLimit > 0 else { throw invalid("the sample limit must be positive") }
        for labelName in labels.keys.sorted() where !LabelName.isValid(labelName) {
            throw invalid("'\(labelName)' is not a label name ([a-zA-Z_][a-zA-Z0-9_]*)")
        }
        self.name = name
        self.url = url
        self.instance = labels["instance"] ?? parsed.instance
        self.interval = interval
        self.timeout = timeout
        self.labels = labels
        self.bodySizeLimit = bodySizeLimit
        self.sampleLimit = sampleLimit
    }
}
