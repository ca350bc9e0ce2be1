import ArgumentParser
import Foundation
import SentinelCore
import SentinelSimulate
import UnixSignals

struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Send adversarial traffic to an OpenAI-compatible server (vLLM) and record it as JSON lines.",
        discussion: """
            Prompts (--prompts: JSONL, CSV or TSV with WildGuardMix, WildJailbreak, RealToxicityPrompts or plain \
            prompt/text columns) are sent by simulated users at Poisson arrival times (--rate), streamed from the \
            frontier, and judged by the guard (--guard). The load is open-loop: arrivals never wait for answers, \
            and latencies count from the scheduled arrival. Past --concurrency exchanges in flight, arrivals are \
            shed.

            stdout (or --output): one JSON object per line: {"kind":"completion",...} per exchange, \
            {"kind":"error",...} per failed request, {"kind":"shed",...} per shed arrival. stderr: skipped prompt \
            rows and a summary. Stops at --limit, after --duration, or on SIGINT/SIGTERM.
            """)

    @Option(help: "Frontier base URL (with or without /v1).")
    var frontier: String

    @Option(help: "Frontier served model name.")
    var model: String

    @Option(name: .customLong("api-key"), help: "Bearer token for the frontier.")
    var apiKey: String?

    @Option(name: .customLong("max-tokens"), help: "max_tokens of each generation (0: the server's default).")
    var maxTokens = 256

    @Option(help: "Sampling temperature (0 or more).")
    var temperature = 0.7

    @Option(name: .customLong("connect-timeout"), help: "Until the response head (e.g. 10s).")
    var connectTimeout = "10s"

    @Option(name: .customLong("first-token-timeout"), help: "Until the first token (e.g. 30s).")
    var firstTokenTimeout = "30s"

    @Option(help: "Until the whole answer (e.g. 2m).")
    var timeout = "2m"

    @Option(name: .customLong("header"), help: "Extra frontier request header 'Name: value' (repeatable).")
    var headers: [String] = []

    @Option(name: .customLong("guard"), help: "Guard base URL; without it nothing is moderated.")
    var guardURL: String?

    @Option(name: .customLong("guard-model"), help: "Guard served model name.")
    var guardModel = "Qwen/Qwen3Guard-Gen-0.6B"

    @Option(
        name: .customLong("guard-format"), help: "Guard format: qwen3guard, llamaguard or openai (/v1/moderations).")
    var guardFormat: GuardFormat = .qwen3guard

    @Option(name: .customLong("guard-api-key"), help: "Bearer token for the guard.")
    var guardAPIKey: String?

    @Option(name: .customLong("guard-timeout"), help: "Until the guard's whole answer (e.g. 30s).")
    var guardTimeout = "30s"

    @Flag(name: .customLong("no-prompt-moderation"), help: "Do not send prompts to the guard.")
    var noPromptModeration = false

    @Flag(name: .customLong("no-response-moderation"), help: "Do not send answers to the guard.")
    var noResponseModeration = false

    @Option(
        help: "monitor (the guard judges the prompt beside generation) or pipeline (only a prompt judged safe is sent).")
    var mode: SimulatorConfiguration.Mode = .monitor

    @Option(help: "Mean arrivals per second (0.000001 to 1000000).")
    var rate = 10.0

    @Option(help: "Exchanges in flight at most (1 to 100000); arrivals beyond are shed.")
    var concurrency = 256

    @Option(help: "Seed of the arrival times, prompt order and users.")
    var seed: UInt64 = 42

    @Option(help: "Stop after this many arrivals.")
    var limit: Int?

    @Option(help: "Stop scheduling after this long (e.g. 60s, 10m).")
    var duration: String?

    @Option(name: .customLong("prompts"), help: "Prompt file (repeatable).")
    var prompts: [String] = []

    @Option(help: "Number of simulated users.")
    var users = 200

    @Option(help: "Write events to this file instead of stdout.")
    var output: String?

    @Flag(help: "Do not print the summary.")
    var quiet = false

    func validate() throws {
        if prompts.isEmpty { throw ValidationError("give at least one --prompts file") }
        try Self.checkURL(frontier, flag: "--frontier")
        if let guardURL { try Self.checkURL(guardURL, flag: "--guard") }
        if !SimulatorConfiguration.rates.contains(rate) {
            throw ValidationError("--rate must be from 0.000001 to 1000000 arrivals per second, not \(rate)")
        }
        if !SimulatorConfiguration.concurrencies.contains(concurrency) {
            throw ValidationError("--concurrency must be from 1 to 100000, not \(concurrency)")
        }
        if maxTokens < 0 { throw ValidationError("--max-tokens must be 0 (the server's default) or more, not \(maxTokens)") }
        if !(temperature >= 0 && temperature.isFinite) {
            throw ValidationError("--temperature must be a number from 0, not \(temperature)")
        }
        if users < 1 { throw ValidationError("--users must be at least 1") }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        if noPromptModeration, noResponseModeration, guardURL != nil {
            throw ValidationError(
                "--guard with both --no-prompt-moderation and --no-response-moderation moderates nothing")
        }
        if mode == .pipeline, guardURL == nil || noPromptModeration {
            throw ValidationError("--mode pipeline needs --guard with prompt moderation")
        }
        for (flag, text) in [
            ("--connect-timeout", connectTimeout), ("--first-token-timeout", firstTokenTimeout), ("--timeout", timeout),
            ("--guard-timeout", guardTimeout), ("--duration", duration ?? "1s"),
        ] {
            _ = try Self.duration(text, flag: flag)
        }
        _ = try parsedHeaders()
    }

    func run() async throws {
        let errors = Output.error
        var outputFile: Int32?
        if let output {
            let fd = open(output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            guard fd >= 0 else {
                errors.line("error: \(output): \(String(cString: strerror(errno)))")
                errors.flush()
                throw ExitStatus.usage
            }
            outputFile = fd
        }
        let events = outputFile.map { Output(fileDescriptor: $0) } ?? Output.standard
        let simulator: Simulator
        do {
            simulator = try Simulator(configuration: try simulatorConfiguration(), sink: OutputSink(output: events))
        } catch let error as PromptSourceError {
            errors.line("error: \(error)")
            errors.flush()
            throw ExitStatus.usage
        }
        report(skipped: simulator.skippedRows, to: errors)
        try await Self.runUntilSignalled(simulator, progress: errors.isTerminal && !quiet ? errors : nil)
        events.flush()
        if let outputFile { close(outputFile) }
        if !quiet { errors.write(Self.summary(simulator.statistics, target: rate)) }
        errors.flush()
    }

    /// Runs until the simulator stops or SIGINT/SIGTERM arrives (which cancels it), printing a progress line every
    /// second to a terminal.
    private static func runUntilSignalled(_ simulator: Simulator, progress: Output?) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await simulator.run() }
            group.addTask {
                for await _ in await UnixSignalsSequence(trapping: .sigint, .sigterm) { return }
            }
            if let progress {
                group.addTask {
                    while true {
                        try await Task.sleep(for: .seconds(1))
                        let s = simulator.statistics
                        progress.write(
                            "\r\(s.started) started, \(s.completed) completed, \(s.errorCount) errors, \(s.shed) shed, "
                                + "\(s.inFlight) in flight\u{1B}[K")
                        progress.flush()
                    }
                }
            }
            try await group.next()
            group.cancelAll()
            progress?.write("\r\u{1B}[K")
        }
    }

    private func simulatorConfiguration() throws -> SimulatorConfiguration {
        let frontier = SimulatorConfiguration.Frontier(
            baseURL: frontier, model: model, apiKey: apiKey, maxTokens: maxTokens > 0 ? maxTokens : nil,
            temperature: temperature,
            timeouts: RequestTimeouts(
                connect: try Self.duration(connectTimeout, flag: "--connect-timeout"),
                firstToken: try Self.duration(firstTokenTimeout, flag: "--first-token-timeout"),
                total: try Self.duration(timeout, flag: "--timeout")),
            headers: try parsedHeaders())
        let moderation = try guardURL.map { url in
            SimulatorConfiguration.Moderation(
                baseURL: url, model: guardModel, format: guardFormat, apiKey: guardAPIKey,
                timeouts: RequestTimeouts(
                    connect: try Self.duration(connectTimeout, flag: "--connect-timeout"), firstToken: nil,
                    total: try Self.duration(guardTimeout, flag: "--guard-timeout")),
                moderatesPrompts: !noPromptModeration, moderatesResponses: !noResponseModeration)
        }
        return SimulatorConfiguration(
            frontier: frontier, moderation: moderation, rate: rate, concurrency: concurrency, seed: seed, limit: limit,
            duration: try duration.map { try Self.duration($0, flag: "--duration") }, promptFiles: prompts, mode: mode,
            users: users)
    }

    /// `--header` values as (name, value): the name an HTTP token (RFC 9110), the value without control characters.
    private func parsedHeaders() throws -> [(String, String)] {
        try headers.map { header in
            guard let colon = header.firstIndex(of: ":"), colon != header.startIndex else {
                throw ValidationError("--header '\(header)' is not 'Name: value'")
            }
            let name = String(header[..<colon])
            let value = header[header.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            guard name.utf8.allSatisfy(Self.isTokenByte) else {
                throw ValidationError("--header '\(header)': '\(name)' is not a header name (letters, digits, !#$%&'*+-.^_`|~)")
            }
            guard value.unicodeScalars.allSatisfy({ $0 == "\t" || !($0.value < 0x20 || $0.value == 0x7F) }) else {
                throw ValidationError("--header '\(name)': the value holds a control character")
            }
            return (name, value)
        }
    }

    /// RFC 9110 `tchar`.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "A")...UInt8(ascii: "Z"):
            true
        default: "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }

    /// Fails unless `text` is an http:// or https:// URL with a host.
    private static func checkURL(_ text: String, flag: String) throws {
        guard HTTPURL(text) != nil else { throw ValidationError("\(flag) '\(text)' is not an http:// or https:// URL") }
    }

    private static func duration(_ text: String, flag: String) throws -> Duration {
        switch DurationLiteral.checked(text, flag) {
        case .success(let ms): return .milliseconds(ms)
        case .failure(let error): throw ValidationError(error.message)
        }
    }

    private func report(skipped: [PromptSourceError], to errors: Output) {
        for row in skipped.prefix(10) { errors.line("warning: skipped \(row)") }
        if skipped.count > 10 { errors.line("warning: skipped \(skipped.count - 10) more rows") }
        errors.flush()
    }

    /// The end-of-run summary on stderr.
    static func summary(_ s: SimulatorStatistics, target: Double) -> String {
        func ms(_ d: Duration?) -> String {
            guard let d else { return "-" }
            let value = d.milliseconds
            return String(format: value < 10 ? "%.2f ms" : "%.0f ms", value)
        }
        var out = "\(s.scheduled) arrivals: \(s.started) started, \(s.completed) completed, \(s.blocked) blocked, "
        out += "\(s.shed) shed, \(s.errorCount) errors, \(s.cancelled) cancelled\n"
        out += String(format: "rate: %.1f/s achieved of %.1f/s\n", s.achievedRate, target)
        out += "latency: p50 \(ms(s.latency.p50)), p99 \(ms(s.latency.p99))\n"
        out += "ttft: p50 \(ms(s.timeToFirstToken.p50)), p99 \(ms(s.timeToFirstToken.p99))\n"
        out +=
            "schedule lag: p50 \(ms(s.scheduleLag.p50)), p99 \(ms(s.scheduleLag.p99)), max \(ms(s.scheduleLag.max))\n"
        for (key, count) in s.errors.sorted(by: { $0.key < $1.key }) {
            out += "errors: \(key.source) \(key.type): \(count)\n"
        }
        return out
    }
}

/// Events as lines on stdout or in the output file.
private struct OutputSink: EventSink {
    let output: Output

    /// One write per batch: `Output` locks each write, so lines from concurrent exchanges never interleave.
    func submit(_ lines: [String]) async {
        output.write(lines.joined(separator: "\n") + "\n")
    }
}

extension GuardFormat: ExpressibleByArgument {}
extension SimulatorConfiguration.Mode: ExpressibleByArgument {}
