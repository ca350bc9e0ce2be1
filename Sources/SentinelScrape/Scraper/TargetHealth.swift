/// How one target's scrapes are going, for Sentinel's own `/metrics` and status pages.
public struct TargetHealth: Sendable, Hashable {
    /// The target's name (job).
    public var job: String
    /// The target's `instance` label.
    public var instance: String
    /// The target's URL.
    public var url: String
    /// Whether the last scrape succeeded; false before the first.
    public var up = false
    /// When the last scrape started, in milliseconds since the Unix epoch.
    public var lastScrapeMillis: Int64?
    /// How long the last scrape took, request and parse included.
    public var lastScrapeDuration: Duration?
    /// Why the last scrape failed; nil when it succeeded.
    public var lastError: ScrapeFailure?
    /// Scrapes so far, failed ones included.
    public var scrapes = 0
    /// Failed scrapes so far.
    public var failures = 0
    /// Samples in the last scrape's exposition (0 when it failed).
    public var samplesLastScrape = 0
    /// Of those, `_created` samples: parsed, not emitted.
    public var createdSamplesLastScrape = 0
    /// Samples of the last scrape dropped as repeats of an earlier sample of the same series.
    public var duplicateSamplesLastScrape = 0
    /// Samples dropped as repeats so far.
    public var duplicateSamples = 0

    /// The health of a target not scraped yet.
    public init(job: String, instance: String, url: String) {
        self.job = job
        self.instance = instance
        self.url = url
    }

    /// Counts a scrape that started at `startMillis`; `failure` is nil when it succeeded.
    mutating func record(
        startMillis: Int64, duration: Duration, failure: ScrapeFailure?, samples: Int, created: Int, duplicates: Int
    ) {
        scrapes += 1
        if failure != nil { failures += 1 }
        up = failure == nil
        lastError = failure
        lastScrapeMillis = startMillis
        lastScrapeDuration = duration
        samplesLastScrape = samples
        createdSamplesLastScrape = created
        duplicateSamplesLastScrape = duplicates
        duplicateSamples += duplicates
    }
}
