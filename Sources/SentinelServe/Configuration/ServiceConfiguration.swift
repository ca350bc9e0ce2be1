/// Everything `sentinel run` needs: from `sentinel.yaml`, then environment variables, then flags (each layer
/// overrides the one before). See the README's "sentinel.yaml" section for every key.
public struct ServiceConfiguration: Sendable {
    /// Rule files or folders, and policy files or folders (re-read on every reload).
    public var rules: [String] = []
    public var policies: [String] = []
    public var listen = ListenAddress(host: "127.0.0.1", port: 9595)
    public var tap: TapSettings?
    /// The findings store: a SQLite file (created when missing).
    public var storePath = "sentinel.db"
    public var log = LogSettings()
    public var auth = AuthSettings()
    public var limits = Limits()
    /// After this long without events, event time advances with the wall clock (heartbeats).
    public var idleAdvanceMilliseconds: Int64 = 1_000
    public var scrape: ScrapeSettings?
    public var simulator: SimulatorSettings?
    public var replay: ReplaySettings?
    /// The file this came from, re-read on reload; nil when everything came from flags.
    public var file: String?

    public init() {}

    public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
        public var host: String
        public var port: Int

        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }

        /// `HOST:PORT`, `:PORT` (all interfaces) or `[IPv6]:PORT`.
        public init?(parsing text: String) {
            guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
                (0...65_535).contains(port)
            else { return nil }
            var host = String(text[..<colon])
            if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            self.host = host.isEmpty ? "0.0.0.0" : host
            self.port = port
        }

        public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
    }

    public struct TapSettings: Sendable, Equatable {
        public var directory: String
        public var maxFileBytes = 128 << 20
        /// Oldest files beyond this many are deleted; 0 keeps all.
        public var maxFiles = 0
        /// Whether the engine's windows are refilled from the latest tap files at start (`TapWarmStart`).
        public var warmStart = true

        public init(directory: String) { self.directory = directory }
    }

    /// Taps into `directory` (a flag or environment variable): the file's other tap settings stay.
    public mutating func useTap(_ directory: String) {
        if tap == nil { tap = TapSettings(directory: directory) } else { tap!.directory = directory }
    }

    public struct LogSettings: Sendable, Equatable {
        public enum Format: String, Sendable, CaseIterable {
            case text, json
        }

        public var format = Format.text
        /// A swift-log level: trace, debug, info, notice, warning, error, critical.
        public var level = "info"

        public init() {}
    }

    /// Bearer tokens. An unset ingest, read or admin token leaves ingestion, reads and reload open (fine on
    /// loopback, not beyond); the endpoints that change stored findings and silences are closed until a write or
    /// admin token is set.
    public struct AuthSettings: Sendable, Equatable {
        /// For `POST /api/v1/events`.
        public var ingestToken: String?
        /// For the `GET` endpoints under `/api/`.
        public var readToken: String?
        /// For reviews and silences (the admin token is accepted too).
        public var writeToken: String?
        /// For `POST /-/reload` and `DELETE /api/v1/findings`.
        public var adminToken: String?

        public init() {}
    }

    public struct Limits: Sendable, Equatable {
        /// Largest request body accepted (413 beyond).
        public var maxBodyBytes = 16 << 20
        /// Events and bytes waiting for evaluation before ingestion answers 429.
        public var queueEvents = 1_000_000
        public var queueBytes = 512 << 20
        /// How far ahead of this machine's clock a posted event's `ts` may be (400 beyond): clocks drift, but one
        /// event dated ahead would make every event after it late.
        public var maxFutureMilliseconds: Int64 = 600_000

        public init() {}
    }

    public struct ScrapeSettings: Sendable, Equatable {
        public var intervalMilliseconds: Int64 = 15_000
        public var timeoutMilliseconds: Int64 = 10_000
        /// Samples a scrape may have before it fails (Prometheus' `sample_limit`); the scraper's default.
        public var sampleLimit = 100_000
        public var targets: [Target] = []

        public init() {}

        public struct Target: Sendable, Equatable {
            public var name: String
            public var url: String
            public var labels: [(String, String)] = []
            public var intervalMilliseconds: Int64?
            public var timeoutMilliseconds: Int64?
            public var sampleLimit: Int?

            public init(name: String, url: String) {
                self.name = name
                self.url = url
            }

            public static func == (a: Target, b: Target) -> Bool {
                a.name == b.name && a.url == b.url && a.labels.elementsEqual(b.labels, by: ==)
                    && a.intervalMilliseconds == b.intervalMilliseconds && a.timeoutMilliseconds == b.timeoutMilliseconds
                    && a.sampleLimit == b.sampleLimit
            }
        }
    }

    public struct SimulatorSettings: Sendable, Equatable {
        public struct Endpoint: Sendable, Equatable {
            public var url: String
            public var model: String
            public var apiKey: String?
            public var timeoutMilliseconds: Int64 = 60_000

            public init(url: String, model: String) {
                self.url = url
                self.model = model
            }
        }

        /// The arrival rates and in-flight caps the simulator takes (`SimulatorConfiguration.rates` and
        /// `.concurrencies`, which this module cannot see).
        public static let rates: ClosedRange<Double> = 0.000_001...1_000_000
        public static let concurrencies: ClosedRange<Int> = 1...100_000

        public var frontier: Endpoint
        /// Guard model; absent: exchanges carry no verdicts.
        public var guardEndpoint: Endpoint?
        /// qwen3guard, llamaguard or openai.
        public var guardFormat = "qwen3guard"
        /// Arrivals per second (Poisson).
        public var rate = 1.0
        public var concurrency = 64
        public var seed: UInt64 = 1
        /// Prompt files (JSONL, CSV, TSV); required.
        public var prompts: [String] = []
        /// Generate only for prompts the guard judges safe (unsafe, controversial and unjudged ones are not sent).
        public var pipeline = false
        public var maxTokens = 256
        public var temperature = 0.7
        public var users = 100
        /// Stop after this many requests; nil runs until shutdown.
        public var limit: Int?

        public init(frontier: Endpoint) { self.frontier = frontier }
    }

    /// The collectors whose events carry the time they happen, in `collectors:` order.
    public static let liveCollectors = ["scrape", "simulator"]

    /// The live collectors this configuration turns on.
    public var liveCollectorsInUse: [String] {
        Self.liveCollectors.filter { ($0 == "scrape" && scrape != nil) || ($0 == "simulator" && simulator != nil) }
    }

    /// Why a replay (set by `what`) cannot run next to the `live` collectors. The engine keeps one event-time
    /// clock for every source: once a live event has moved it to now, every replayed event, stamped with its
    /// recorded time, is late and dropped.
    public static func replayNextToLiveCollectors(_ what: String, live: [String]) -> String {
        let names = live.map { "'collectors.\($0)'" }.joined(separator: " and ")
        return "\(what) cannot run next to \(names): replayed events keep their recorded times and live ones carry "
            + "the time now, on the engine's one event-time clock, so replayed events older than the live ones would "
            + "be dropped as late; replay in a 'sentinel run' of its own (another store and port) or with 'sentinel dry-run'"
    }

    /// Recorded traffic replayed into the live pipeline (see `TrafficReplay`). Refused next to a live collector.
    public struct ReplaySettings: Sendable, Equatable {
        /// JSON Lines files in the recorded-traffic format, replayed in order.
        public var files: [String]
        /// Event time runs this many times faster than the recording; 0 replays as fast as evaluation goes.
        public var speed = 60.0

        public init(files: [String]) { self.files = files }
    }
}
