import Foundation
import Logging
import SentinelCore
import SentinelParse

/// Reads `sentinel.yaml` into a `ServiceConfiguration`, reporting every problem with its position, and applies
/// environment overrides (`SENTINEL_*`). Relative paths in the file are relative to the file's folder.
public enum ServiceConfigurationReader {
    public static let topLevelKeys = [
        "rules", "policies", "listen", "store", "tap", "log", "auth", "limits", "idle_advance", "collectors",
    ]

    /// Environment variables that override the file, and what they set.
    public static let environmentKeys: [(name: String, help: String)] = [
        ("SENTINEL_RULES", "rule files or folders, separated by ':'"),
        ("SENTINEL_POLICIES", "policy files or folders, separated by ':'"),
        ("SENTINEL_LISTEN", "listen address HOST:PORT"),
        ("SENTINEL_STORE", "findings store (SQLite file)"),
        ("SENTINEL_TAP", "tap folder"),
        ("SENTINEL_LOG_FORMAT", "text or json"),
        ("SENTINEL_LOG_LEVEL", "trace, debug, info, notice, warning, error or critical"),
        ("SENTINEL_INGEST_TOKEN", "bearer token for POST /api/v1/events"),
        ("SENTINEL_READ_TOKEN", "bearer token for GET /api/..."),
        ("SENTINEL_WRITE_TOKEN", "bearer token for reviews and silences"),
        ("SENTINEL_ADMIN_TOKEN", "bearer token for POST /-/reload and DELETE /api/v1/findings"),
    ]

    public static func read(path: String) -> (ServiceConfiguration?, [Diagnostic]) {
        let loaded = YAMLLoader.load(path: path)
        var diagnostics = loaded.diagnostics
        guard !diagnostics.hasErrors else { return (nil, diagnostics) }
        guard let document = RuleFileReader.singleDocument(loaded.documents, file: path, &diagnostics),
            let top = MappingReader(document, context: "the service configuration", diagnostics: &diagnostics)
        else { return (nil, diagnostics) }
        var reading = Reading(base: (path as NSString).deletingLastPathComponent)
        var configuration = reading.read(top, &diagnostics)
        configuration.file = path
        return diagnostics.hasErrors ? (nil, diagnostics) : (configuration, diagnostics)
    }

    /// Applies `SENTINEL_*` variables; returns a message for each value it cannot use.
    public static func applyEnvironment(_ environment: [String: String], to configuration: inout ServiceConfiguration)
        -> [String]
    {
        var problems: [String] = []
        if let v = environment["SENTINEL_RULES"] { configuration.rules = v.split(separator: ":").map(String.init) }
        if let v = environment["SENTINEL_POLICIES"] { configuration.policies = v.split(separator: ":").map(String.init) }
        if let v = environment["SENTINEL_LISTEN"] {
            if let address = ServiceConfiguration.ListenAddress(parsing: v) {
                configuration.listen = address
            } else {
                problems.append("SENTINEL_LISTEN '\(v)' is not HOST:PORT")
            }
        }
        if let v = environment["SENTINEL_TAP"] { configuration.useTap(v) }
        if let v = environment["SENTINEL_STORE"] { configuration.storePath = v }
        if let v = environment["SENTINEL_LOG_FORMAT"] {
            if let format = ServiceConfiguration.LogSettings.Format(rawValue: v) {
                configuration.log.format = format
            } else {
                problems.append("SENTINEL_LOG_FORMAT '\(v)' is not text or json")
            }
        }
        if let v = environment["SENTINEL_LOG_LEVEL"] {
            if logLevels.contains(v) { configuration.log.level = v } else { problems.append("SENTINEL_LOG_LEVEL '\(v)' is not a log level") }
        }
        if let v = environment["SENTINEL_INGEST_TOKEN"] { configuration.auth.ingestToken = v }
        if let v = environment["SENTINEL_READ_TOKEN"] { configuration.auth.readToken = v }
        if let v = environment["SENTINEL_WRITE_TOKEN"] { configuration.auth.writeToken = v }
        if let v = environment["SENTINEL_ADMIN_TOKEN"] { configuration.auth.adminToken = v }
        return problems
    }

    /// swift-log's levels, the values `log.level`, `SENTINEL_LOG_LEVEL` and `--log-level` take.
    public static let logLevels = Logger.Level.allCases.map(\.rawValue)

    /// One pass over a file: the folder relative paths start from.
    private struct Reading {
        var base: String

        func path(_ text: String) -> String {
            text.hasPrefix("/") || base.isEmpty ? text : (base as NSString).appendingPathComponent(text)
        }

        func paths(_ node: YAMLNode, _ what: String, _ d: inout [Diagnostic]) -> [String] {
            if case .scalar = node.content, let one = NodeValue.string(node, what, &d) { return [path(one.value)] }
            return (NodeValue.stringList(node, what, &d) ?? []).map { path($0.value) }
        }

        mutating func read(_ top: MappingReader, _ d: inout [Diagnostic]) -> ServiceConfiguration {
            var c = ServiceConfiguration()
            top.rejectUnknownKeys(ServiceConfigurationReader.topLevelKeys, diagnostics: &d)
            if let node = top["rules"] { c.rules = paths(node, "'rules'", &d) }
            if let node = top["policies"] { c.policies = paths(node, "'policies'", &d) }
            if let node = top["listen"], let text = NodeValue.string(node, "'listen'", &d) {
                if let address = ServiceConfiguration.ListenAddress(parsing: text.value) {
                    c.listen = address
                } else {
                    d.append(Diagnostic(.invalidValue, "'listen' must be HOST:PORT, e.g. 127.0.0.1:9595", at: text.range))
                }
            }
            if let node = top["tap"] { c.tap = readTap(node, &d) }
            if let node = top["store"], let text = NodeValue.string(node, "'store'", &d) { c.storePath = path(text.value) }
            if let node = top["log"], let log = MappingReader(node, context: "'log'", diagnostics: &d) {
                log.rejectUnknownKeys(["format", "level"], diagnostics: &d)
                if let n = log["format"], let v = NodeValue.string(n, "'log.format'", &d) {
                    if let format = ServiceConfiguration.LogSettings.Format(rawValue: v.value) {
                        c.log.format = format
                    } else {
                        d.append(Diagnostic(.invalidValue, "'log.format' must be text or json", at: v.range))
                    }
                }
                if let n = log["level"], let v = NodeValue.string(n, "'log.level'", &d) {
                    if logLevels.contains(v.value) {
                        c.log.level = v.value
                    } else {
                        d.append(
                            Diagnostic(
                                .invalidValue, "'log.level' must be one of \(logLevels.joined(separator: ", "))\(Suggestion.didYouMean(v.value, in: logLevels))",
                                at: v.range))
                    }
                }
            }
            if let node = top["auth"], let auth = MappingReader(node, context: "'auth'", diagnostics: &d) {
                auth.rejectUnknownKeys(["ingest_token", "read_token", "write_token", "admin_token"], diagnostics: &d)
                c.auth.ingestToken = auth["ingest_token"].flatMap { NodeValue.string($0, "'auth.ingest_token'", &d)?.value }
                c.auth.readToken = auth["read_token"].flatMap { NodeValue.string($0, "'auth.read_token'", &d)?.value }
                c.auth.writeToken = auth["write_token"].flatMap { NodeValue.string($0, "'auth.write_token'", &d)?.value }
                c.auth.adminToken = auth["admin_token"].flatMap { NodeValue.string($0, "'auth.admin_token'", &d)?.value }
            }
            if let node = top["limits"], let limits = MappingReader(node, context: "'limits'", diagnostics: &d) {
                limits.rejectUnknownKeys(["max_body_bytes", "queue_events", "queue_bytes", "max_future"], diagnostics: &d)
                if let n = limits["max_future"], let v = NodeValue.duration(n, "'limits.max_future'", &d) {
                    c.limits.maxFutureMilliseconds = v.value
                }
                if let n = limits["max_body_bytes"], let v = NodeValue.integer(n, "'limits.max_body_bytes'", min: 1024, &d) {
                    c.limits.maxBodyBytes = v.value
                }
                if let n = limits["queue_events"], let v = NodeValue.integer(n, "'limits.queue_events'", min: 1, &d) {
                    c.limits.queueEvents = v.value
                }
                if let n = limits["queue_bytes"], let v = NodeValue.integer(n, "'limits.queue_bytes'", min: 1024, &d) {
                    c.limits.queueBytes = v.value
                }
            }
            if let node = top["idle_advance"], let v = NodeValue.duration(node, "'idle_advance'", &d) {
                if v.value >= 100 {
                    c.idleAdvanceMilliseconds = v.value
                } else {
                    d.append(Diagnostic(.invalidValue, "'idle_advance' must be at least 100ms", at: v.range))
                }
            }
            if let node = top["collectors"], let collectors = MappingReader(node, context: "'collectors'", diagnostics: &d) {
                collectors.rejectUnknownKeys(["scrape", "simulator", "replay"], diagnostics: &d)
                if let n = collectors["scrape"] { c.scrape = readScrape(n, &d) }
                if let n = collectors["simulator"] { c.simulator = readSimulator(n, &d) }
                if let n = collectors["replay"] { c.replay = readReplay(n, &d) }
                let live = ServiceConfiguration.liveCollectors.filter { collectors[$0] != nil }
                if let replay = collectors.keyRange("replay"), !live.isEmpty {
                    d.append(
                        Diagnostic(
                            .invalidValue, ServiceConfiguration.replayNextToLiveCollectors("'collectors.replay'", live: live), at: replay,
                            notes: live.compactMap { name in collectors.keyRange(name).map { .init("the \(name) collector", at: $0) } }))
                }
            }
            return c
        }

        func readTap(_ node: YAMLNode, _ d: inout [Diagnostic]) -> ServiceConfiguration.TapSettings? {
            guard let tap = MappingReader(node, context: "'tap'", diagnostics: &d) else { return nil }
            tap.rejectUnknownKeys(["dir", "max_file_bytes", "max_files", "warm_start"], diagnostics: &d)
            guard let dirNode = tap.required("dir", diagnostics: &d), let dir = NodeValue.string(dirNode, "'tap.dir'", &d)
            else { return nil }
            var settings = ServiceConfiguration.TapSettings(directory: path(dir.value))
            if let n = tap["max_file_bytes"], let v = NodeValue.integer(n, "'tap.max_file_bytes'", min: 4096, &d) {
                settings.maxFileBytes = v.value
            }
            if let n = tap["max_files"], let v = NodeValue.integer(n, "'tap.max_files'", min: 0, &d) { settings.maxFiles = v.value }
            if let n = tap["warm_start"], let v = NodeValue.bool(n, "'tap.warm_start'", &d) { settings.warmStart = v.value }
            return settings
        }

        func readScrape(_ node: YAMLNode, _ d: inout [Diagnostic]) -> ServiceConfiguration.ScrapeSettings? {
            guard let scrape = MappingReader(node, context: "'collectors.scrape'", diagnostics: &d) else { return nil }
            scrape.rejectUnknownKeys(["interval", "timeout", "sample_limit", "targets"], diagnostics: &d)
            var settings = ServiceConfiguration.ScrapeSettings()
            let interval = scrape["interval"].flatMap { NodeValue.positiveDuration($0, "'collectors.scrape.interval'", &d) }
            let timeout = scrape["timeout"].flatMap { NodeValue.positiveDuration($0, "'collectors.scrape.timeout'", &d) }
            if let interval { settings.intervalMilliseconds = interval.value }
            if let timeout { settings.timeoutMilliseconds = timeout.value }
            if let n = scrape["sample_limit"], let v = NodeValue.integer(n, "'collectors.scrape.sample_limit'", min: 1, &d) {
                settings.sampleLimit = v.value
            }
            guard let n = scrape.required("targets", diagnostics: &d),
                let items = NodeValue.sequence(n, "'collectors.scrape.targets'", &d)
            else { return nil }
            if items.isEmpty {
                // Else the service starts watching nothing, saying nothing.
                d.append(
                    Diagnostic(
                        .invalidValue, "'collectors.scrape.targets' is empty: list the endpoints to scrape, or remove 'scrape'",
                        at: n.range))
                return nil
            }
            var jobsAndInstances: [ScrapeSeries: SourceRange] = [:]
            for item in items {
                guard let target = MappingReader(item, context: "a scrape target", diagnostics: &d) else { continue }
                target.rejectUnknownKeys(["name", "url", "labels", "interval", "timeout", "sample_limit"], diagnostics: &d)
                guard let nameNode = target.required("name", diagnostics: &d), let urlNode = target.required("url", diagnostics: &d),
                    let name = NodeValue.string(nameNode, "a scrape target's 'name'", &d),
                    let url = NodeValue.string(urlNode, "a scrape target's 'url'", &d)
                else { continue }
                guard let parsed = HTTPURL(url.value) else {
                    d.append(Diagnostic(.invalidValue, "'\(url.value)' is not an http:// or https:// URL", at: url.range))
                    continue
                }
                // Never sent, and the URL is logged and put in `scrape_error` events; the message leaves it out.
                guard parsed.url.user == nil && parsed.url.password == nil else {
                    d.append(
                        Diagnostic(
                            .invalidValue,
                            "scrape target '\(name.value)': the URL has credentials ('user:password@'), which are not sent; remove them",
                            at: url.range))
                    continue
                }
                let instance = parsed.instance
                var t = ServiceConfiguration.ScrapeSettings.Target(name: name.value, url: url.value)
                if let l = target["labels"] {
                    let labels = NodeValue.stringMap(l, "'labels'", &d) ?? []
                    for label in labels where !LabelName.isValid(label.key.value) {
                        d.append(
                            Diagnostic(
                                .invalidValue,
                                "scrape target '\(name.value)': '\(label.key.value)' is not a label name ([a-zA-Z_][a-zA-Z0-9_]*)",
                                at: label.key.range))
                    }
                    t.labels = labels.map { ($0.key.value, $0.value.value) }
                }
                let ownInterval = target["interval"].flatMap { NodeValue.positiveDuration($0, "'interval'", &d) }
                let ownTimeout = target["timeout"].flatMap { NodeValue.positiveDuration($0, "'timeout'", &d) }
                t.intervalMilliseconds = ownInterval?.value
                t.timeoutMilliseconds = ownTimeout?.value
                t.sampleLimit = target["sample_limit"].flatMap { NodeValue.integer($0, "'sample_limit'", min: 1, &d) }?.value
                let (every, limit) = (ownInterval ?? interval, ownTimeout ?? timeout)
                let (everyMilliseconds, limitMilliseconds) = (
                    every?.value ?? settings.intervalMilliseconds, limit?.value ?? settings.timeoutMilliseconds
                )
                if limitMilliseconds > everyMilliseconds {
                    // Point at whichever of the two the file set, the timeout first.
                    let shown = limit.map { DurationLiteral.format(milliseconds: $0.value) } ?? "\(DurationLiteral.format(milliseconds: limitMilliseconds)) (the default)"
                    d.append(
                        Diagnostic(
                            .invalidValue,
                            "scrape target '\(name.value)': the timeout \(shown) is longer than the interval \(DurationLiteral.format(milliseconds: everyMilliseconds)); set a 'timeout' of at most the interval",
                            at: (limit ?? every)?.range ?? name.range))
                }
                // The scraper's job and instance labels: its health series and events must not be one target's twice.
                // The events' job is a `job` label if there is one; the target's health series and scrape_error
                // events go by its name: neither pair may be an earlier target's.
                let instanceLabel = t.labels.last { $0.0 == "instance" }?.1 ?? instance
                let job = t.labels.last { $0.0 == "job" }?.1 ?? name.value
                let pairs = [ScrapeSeries(job: job, instance: instanceLabel), ScrapeSeries(job: name.value, instance: instanceLabel)]
                if let (series, first) = pairs.lazy.compactMap({ pair in jobsAndInstances[pair].map { (pair, $0) } }).first {
                    d.append(
                        Diagnostic(
                            .duplicateName,
                            "scrape target '\(name.value)' has the job (\(series.job)) and instance (\(series.instance)) of an earlier target; give it another 'name', 'job' or 'instance' label",
                            at: name.range, notes: [.init("the earlier target", at: first)]))
                } else {
                    for pair in pairs { jobsAndInstances[pair] = name.range }
                }
                settings.targets.append(t)
            }
            return settings
        }

        func readReplay(_ node: YAMLNode, _ d: inout [Diagnostic]) -> ServiceConfiguration.ReplaySettings? {
            guard let replay = MappingReader(node, context: "'collectors.replay'", diagnostics: &d) else { return nil }
            replay.rejectUnknownKeys(["files", "speed"], diagnostics: &d)
            guard let n = replay.required("files", diagnostics: &d) else { return nil }
            var settings = ServiceConfiguration.ReplaySettings(files: paths(n, "'collectors.replay.files'", &d))
            if let n = replay["speed"], let v = NodeValue.number(n, "'collectors.replay.speed'", &d) {
                if v.value >= 0, v.value.isFinite {
                    settings.speed = v.value
                } else {
                    d.append(Diagnostic(.invalidValue, "'collectors.replay.speed' must be 0 (as fast as possible) or above", at: v.range))
                }
            }
            return settings
        }

        func readSimulator(_ node: YAMLNode, _ d: inout [Diagnostic]) -> ServiceConfiguration.SimulatorSettings? {
            guard let sim = MappingReader(node, context: "'collectors.simulator'", diagnostics: &d) else { return nil }
            sim.rejectUnknownKeys(
                [
                    "frontier", "guard", "rate", "concurrency", "seed", "prompts", "pipeline", "max_tokens", "temperature",
                    "users", "limit",
                ], diagnostics: &d)
            guard let frontierNode = sim.required("frontier", diagnostics: &d),
                let frontier = readEndpoint(frontierNode, "'collectors.simulator.frontier'", &d)
            else { return nil }
            var settings = ServiceConfiguration.SimulatorSettings(frontier: frontier.endpoint)
            if let n = sim["guard"], let g = readEndpoint(n, "'collectors.simulator.guard'", &d, allowsFormat: true) {
                settings.guardEndpoint = g.endpoint
                if let format = g.format { settings.guardFormat = format }
            }
            if let n = sim["rate"], let v = NodeValue.number(n, "'rate'", &d) {
                if ServiceConfiguration.SimulatorSettings.rates.contains(v.value) {
                    settings.rate = v.value
                } else {
                    d.append(Diagnostic(.invalidValue, "'rate' must be from 0.000001 to 1000000 arrivals per second", at: v.range))
                }
            }
            if let n = sim["concurrency"], let v = NodeValue.integer(n, "'concurrency'", min: 1, &d) {
                if ServiceConfiguration.SimulatorSettings.concurrencies.contains(v.value) {
                    settings.concurrency = v.value
                } else {
                    d.append(Diagnostic(.invalidValue, "'concurrency' must be from 1 to 100000", at: v.range))
                }
            }
            if let n = sim["seed"], let v = NodeValue.integer(n, "'seed'", min: 0, &d) { settings.seed = UInt64(v.value) }
            if let n = sim.required("prompts", diagnostics: &d) { settings.prompts = paths(n, "'prompts'", &d) }
            if let n = sim["pipeline"], let v = NodeValue.bool(n, "'pipeline'", &d) { settings.pipeline = v.value }
            if let n = sim["max_tokens"], let v = NodeValue.integer(n, "'max_tokens'", min: 1, &d) { settings.maxTokens = v.value }
            if let n = sim["temperature"], let v = NodeValue.number(n, "'temperature'", &d) {
                if v.value >= 0 { settings.temperature = v.value } else { d.append(Diagnostic(.invalidValue, "'temperature' must be 0 or more", at: v.range)) }
            }
            if let n = sim["users"], let v = NodeValue.integer(n, "'users'", min: 1, &d) { settings.users = v.value }
            if let n = sim["limit"], let v = NodeValue.integer(n, "'limit'", min: 1, &d) { settings.limit = v.value }
            return settings
        }

        func readEndpoint(_ node: YAMLNode, _ what: String, _ d: inout [Diagnostic], allowsFormat: Bool = false)
            -> (endpoint: ServiceConfiguration.SimulatorSettings.Endpoint, format: String?)?
        {
            guard let map = MappingReader(node, context: what, diagnostics: &d) else { return nil }
            map.rejectUnknownKeys(["url", "model", "api_key", "timeout"] + (allowsFormat ? ["format"] : []), diagnostics: &d)
            guard let urlNode = map.required("url", diagnostics: &d), let modelNode = map.required("model", diagnostics: &d),
                let url = NodeValue.string(urlNode, "\(what) 'url'", &d), let model = NodeValue.string(modelNode, "\(what) 'model'", &d)
            else { return nil }
            guard HTTPURL(url.value) != nil else {
                d.append(Diagnostic(.invalidValue, "'\(url.value)' is not an http:// or https:// URL", at: url.range))
                return nil
            }
            var endpoint = ServiceConfiguration.SimulatorSettings.Endpoint(url: url.value, model: model.value)
            endpoint.apiKey = map["api_key"].flatMap { NodeValue.string($0, "'api_key'", &d)?.value }
            if let n = map["timeout"], let v = NodeValue.positiveDuration(n, "'timeout'", &d) { endpoint.timeoutMilliseconds = v.value }
            var format: String?
            if let n = map["format"], let v = NodeValue.string(n, "'format'", &d) {
                let formats = ["qwen3guard", "llamaguard", "openai"]
                if formats.contains(v.value) {
                    format = v.value
                } else {
                    d.append(
                        Diagnostic(
                            .invalidValue, "guard 'format' must be one of \(formats.joined(separator: ", "))\(Suggestion.didYouMean(v.value, in: formats))",
                            at: v.range))
                }
            }
            return (endpoint, format)
        }
    }

    /// A scrape target's `job` and `instance` labels.
    private struct ScrapeSeries: Hashable {
        var job: String
        var instance: String
    }
}
