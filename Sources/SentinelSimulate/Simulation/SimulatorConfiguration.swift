/// Everything a simulation run needs: where the frontier and the guard are, the load, and the prompts.
public struct SimulatorConfiguration: Sendable {
    /// The model under test, streamed through `/v1/chat/completions`.
    public struct Frontier: Sendable {
        /// The server, with or without the `/v1` suffix.
        public var baseURL: String
        /// The served model name (also the `model` of every event).
        public var model: String
        /// Sent as `Authorization: Bearer …` when set.
        public var apiKey: String?
        /// `max_tokens` of each generation; nil leaves it to the server.
        public var maxTokens: Int?
        /// Sampling temperature; nil leaves it to the server.
        public var temperature: Double?
        /// Connect, first-token and total limits of each generation.
        public var timeouts: RequestTimeouts
        /// Extra request headers (a test double's fault header, a tenant header, ...).
        public var headers: [(String, String)]

        /// A frontier with the simulator's defaults: 256 tokens, temperature 0.7.
        public init(
            baseURL: String, model: String, apiKey: String? = nil, maxTokens: Int? = 256, temperature: Double? = 0.7,
            timeouts: RequestTimeouts = RequestTimeouts(), headers: [(String, String)] = []
        ) {
            self.baseURL = baseURL
            self.model = model
            self.apiKey = apiKey
            self.maxTokens = maxTokens
            self.temperature = temperature
            self.timeouts = timeouts
            self.headers = headers
        }
    }

    /// The guard model and what it judges.
    public struct Moderation: Sendable {
        /// The server, with or without the `/v1` suffix.
        public var baseURL: String
        /// The guard's served model name (the events' `guard_model`).
        public var model: String
        /// How the guard is asked and answers.
        public var format: GuardFormat
        /// Sent as `Authorization: Bearer …` when set.
        public var apiKey: String?
        /// `connect` and `total` apply.
        public var timeouts: RequestTimeouts
        /// Judge each prompt before (pipeline) or beside (monitor) generation.
        public var moderatesPrompts: Bool
        /// Judge each answer after generation.
        public var moderatesResponses: Bool

        /// A guard judging prompts and answers, 10 s to connect, 30 s in all.
        public init(
            baseURL: String, model: String, format: GuardFormat, apiKey: String? = nil,
            timeouts: RequestTimeouts = RequestTimeouts(connect: .seconds(10), firstToken: nil, total: .seconds(30)),
            moderatesPrompts: Bool = true, moderatesResponses: Bool = true
        ) {
            self.baseURL = baseURL
            self.model = model
            self.format = format
            self.apiKey = apiKey
            self.timeouts = timeouts
            self.moderatesPrompts = moderatesPrompts
            self.moderatesResponses = moderatesResponses
        }
    }

    /// How the prompt verdict relates to generation.
    public enum Mode: String, Sendable, CaseIterable {
        /// The guard watches: the prompt is judged alongside generation and never stops it.
        case monitor
        /// The guard gates: the prompt is judged first and sent to the frontier only when judged safe. It fails
        /// closed: a prompt judged unsafe or controversial, or without a verdict (the guard failed), is not sent.
        case pipeline
    }

    /// The arrival rates a simulation takes, per second: from one in about 11.6 days to a million a second.
    public static let rates: ClosedRange<Double> = 0.000_001...1_000_000
    /// The in-flight caps a simulation takes (each exchange in flight holds a task and up to two connections).
    public static let concurrencies: ClosedRange<Int> = 1...100_000

    /// The model under test.
    public var frontier: Frontier
    /// The guard; nil sends prompts to the frontier only.
    public var moderation: Moderation?
    /// Mean arrivals per second (Poisson), within `rates`.
    public var rate: Double
    /// Exchanges in flight at most, within `concurrencies`; arrivals beyond it are shed.
    public var concurrency: Int
    /// Seeds the arrival times, the prompt order and the users.
    public var seed: UInt64
    /// Stop after this many arrivals (shed ones included).
    public var limit: Int?
    /// Stop scheduling arrivals after this long.
    public var duration: Duration?
    /// JSONL, CSV or TSV prompt files.
    public var promptFiles: [String]
    /// Whether the prompt verdict gates generation.
    public var mode: Mode
    /// Simulated users (`attrs.user` is `u-001` … `u-<users>`).
    public var users: Int

    /// A configuration; every setting but the frontier has a default (10 arrivals/s, 256 in flight, seed 42, no
    /// limit, monitor mode, 200 users).
    public init(
        frontier: Frontier, moderation: Moderation? = nil, rate: Double = 10, concurrency: Int = 256, seed: UInt64 = 42,
        limit: Int? = nil, duration: Duration? = nil, promptFiles: [String] = [], mode: Mode = .monitor,
        users: Int = 200
    ) {
        self.frontier = frontier
        self.moderation = moderation
        self.rate = rate
        self.concurrency = concurrency
        self.seed = seed
        self.limit = limit
        self.duration = duration
        self.promptFiles = promptFiles
        self.mode = mode
        self.users = users
    }
}
