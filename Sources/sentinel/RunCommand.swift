import ArgumentParser
import Foundation
import Hummingbird
import Logging
import NIOCore
import SentinelCompile
import SentinelCore
import SentinelNotify
import SentinelServe
import SentinelStore
import ServiceLifecycle
import UnixSignals

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the live engine: HTTP ingestion API, collectors, evaluation, reload on SIGHUP.",
        discussion: """
            Settings come from --config (sentinel.yaml), then SENTINEL_* environment variables, then these \
            flags. Prints "listening on http://HOST:PORT" on stdout once it accepts requests. SIGHUP or \
            POST /-/reload re-reads the configuration; SIGTERM or SIGINT drains accepted events and stops.
            """)

    @Option(help: "Service configuration file (sentinel.yaml).")
    var config: String?

    static let noRules = "no rules: give --rules or 'rules:' in --config"

    @Option(name: .customLong("rules"), help: "Rule file or folder (repeatable; replaces the file's list).")
    var rules: [String] = []

    @Option(name: .customLong("policies"), help: "Policy file or folder (repeatable; replaces the file's list).")
    var policies: [String] = []

    @Option(help: "Listen address HOST:PORT (port 0 picks a free port).")
    var listen: String?

    @Option(help: "Findings store: a SQLite file, created when missing (default: sentinel.db).")
    var store: String?

    @Option(help: "Write every evaluated event to rotating JSON Lines files in this folder.")
    var tap: String?

    @Flag(name: .customLong("no-warm-start"), help: "Start with empty windows instead of refilling them from the tap.")
    var noWarmStart = false

    @Option(help: "Replay this recorded-traffic file into the live pipeline (repeatable; replaces the file's list).")
    var replay: [String] = []

    @Option(name: .customLong("replay-speed"), help: "Replay event time this many times faster than recorded; 0: as fast as possible (default 60).")
    var replaySpeed: Double?

    @Option(name: .customLong("log-format"), help: "Log format: text or json.")
    var logFormat: String?

    @Option(name: .customLong("log-level"), help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String?

    func validate() throws {
        if let listen, ServiceConfiguration.ListenAddress(parsing: listen) == nil {
            throw ValidationError("--listen '\(listen)' is not HOST:PORT")
        }
        if let logFormat, ServiceConfiguration.LogSettings.Format(rawValue: logFormat) == nil {
            throw ValidationError("--log-format must be text or json")
        }
        if let replaySpeed, !(replaySpeed >= 0 && replaySpeed.isFinite) {
            throw ValidationError("--replay-speed must be 0 (as fast as possible) or above")
        }
        let levels = ServiceConfigurationReader.logLevels
        if let logLevel, !levels.contains(logLevel) {
            throw ValidationError("--log-level '\(logLevel)' is not one of \(levels.joined(separator: ", "))")
        }
    }

    /// The configuration from all three layers, and the diagnostics of the file.
    func resolve() -> (ServiceConfiguration?, [Diagnostic], [String]) {
        var configuration = ServiceConfiguration()
        var diagnostics: [Diagnostic] = []
        if let config {
            let (read, found) = ServiceConfigurationReader.read(path: config)
            diagnostics = found
            guard let read else { return (nil, diagnostics, []) }
            configuration = read
        }
        let problems = ServiceConfigurationReader.applyEnvironment(ProcessInfo.processInfo.environment, to: &configuration)
        if !rules.isEmpty { configuration.rules = rules }
        if !policies.isEmpty { configuration.policies = policies }
        if let listen { configuration.listen = ServiceConfiguration.ListenAddress(parsing: listen)! }
        if let store { configuration.storePath = store }
        if let tap { configuration.useTap(tap) }
        if noWarmStart { configuration.tap?.warmStart = false }
        if !replay.isEmpty { configuration.replay = .init(files: replay) }
        if let replaySpeed {
            if configuration.replay == nil { configuration.replay = .init(files: []) }
            configuration.replay?.speed = replaySpeed
        }
        if let logFormat { configuration.log.format = ServiceConfiguration.LogSettings.Format(rawValue: logFormat)! }
        if let logLevel { configuration.log.level = logLevel }
        return (configuration, diagnostics, problems)
    }

    func run() async throws {
        // A HUP before the reload service traps it would kill the process.
        signal(SIGHUP, SIG_IGN)
        let errors = Output.error
        let (resolved, configurationDiagnostics, problems) = resolve()
        errors.write(DiagnosticRenderer(format: .text).render(configurationDiagnostics))
        for problem in problems { errors.line("error: \(problem)") }
        errors.flush()
        guard var configuration = resolved, problems.isEmpty else { throw ExitStatus.findings }
        guard !configuration.rules.isEmpty else {
            errors.line("error: \(Self.noRules)")
            errors.flush()
            throw ExitStatus.usage
        }
        let logger = Self.makeLogger(configuration.log)

        let loaded = Configuration.load(rules: configuration.rules, policies: configuration.policies)
        errors.write(DiagnosticRenderer(format: .text).render(loaded.diagnostics))
        errors.flush()
        guard let graph = loaded.graph else {
            throw loaded.diagnostics.contains { $0.code == .fileUnreadable } ? ExitStatus.usage : ExitStatus.findings
        }
        let delivery = PolicyReceivers.make(graph.policy, environment: ProcessInfo.processInfo.environment)
        errors.write(DiagnosticRenderer(format: .text).render(delivery.diagnostics))
        errors.flush()
        guard !delivery.diagnostics.hasErrors else { throw ExitStatus.findings }
        if configuration.file == nil, config != nil { configuration.file = config }

        let command = self
        let reloadSources: Reloader.Sources = {
            let (next, diagnostics, problems) = command.resolve()
            var extra = problems.map { Diagnostic(.invalidValue, $0, at: SourceLocation(file: "<environment>", line: 1, column: 1)) }
            // As at the start: a configuration without rules never replaces one with them.
            if let next, next.rules.isEmpty {
                let at = SourceLocation(file: next.file ?? command.config ?? "<command line>", line: 1, column: 1)
                extra.append(Diagnostic(.missingKey, Self.noRules, at: at))
            }
            return (next, diagnostics + extra)
        }
        let collectors: Collectors
        do {
            collectors = try Collectors(configuration: configuration, logger: logger)
        } catch {
            errors.line("error: \(error)")
            errors.flush()
            throw ExitStatus.usage
        }
        let store: SQLiteFindingsStore
        do {
            store = try SQLiteFindingsStore(path: configuration.storePath)
        } catch {
            errors.line("error: \(error)")
            errors.flush()
            throw ExitStatus.usage
        }
        defer { try? store.close() }
        let server: SentinelServer
        do {
            server = try SentinelServer(
                configuration: configuration, graph: graph, store: store, receivers: delivery.receivers,
                reprompter: LiveReprompter(configuration: configuration, logger: logger), reloadSources: reloadSources,
                metricsSections: collectors.metricsSections, statusSections: collectors.statusSections, logger: logger)
        } catch {
            errors.line("error: \(error)")
            errors.flush()
            throw ExitStatus.usage
        }

        let address = configuration.listen
        let host = address.host.contains(":") ? "[\(address.host)]" : address.host
        let app = Application(
            router: server.makeRouter(),
            server: SentinelServer.httpServer(),
            configuration: .init(address: .hostname(address.host, port: address.port), serverName: "sentinel"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? address.port
                Output.standard.line("listening on http://\(host):\(port)")
                Output.standard.flush()
                logger.notice(
                    "listening", metadata: ["address": "\(host):\(port)", "rules": "\(graph.rules.count)"])
            },
            logger: logger)

        // Services stop in reverse order: SIGHUP, HTTP, collectors, then evaluation drains and commits, and the
        // outbox worker stops last.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: DeliveryService(server: server), serviceName: "delivery"),
            .init(service: EvaluationService(server: server), serviceName: "evaluation"),
        ]
        for service in collectors.services(server) {
            services.append(.init(service: service, successTerminationBehavior: .ignore, serviceName: service.name))
        }
        services.append(.init(service: app, serviceName: "http"))
        services.append(.init(service: ReloadSignalService(reloader: server.reloader), serviceName: "sighup"))
        var groupConfiguration = ServiceGroupConfiguration(services: services, logger: logger)
        groupConfiguration.gracefulShutdownSignals = [.sigterm, .sigint]
        do {
            try await ServiceGroup(configuration: groupConfiguration).run()
        } catch let error as IOError where [EADDRINUSE, EADDRNOTAVAIL, EACCES].contains(error.errnoCode) {
            // The HTTP server's bind: the only socket a service binds (collectors connect).
            errors.line(
                "error: cannot listen on \(host):\(address.port) (listen, --listen or SENTINEL_LISTEN): "
                    + String(cString: strerror(error.errnoCode)))
            errors.flush()
            throw ExitStatus.usage
        }
    }

    static func makeLogger(_ settings: ServiceConfiguration.LogSettings) -> Logger {
        let level = Logger.Level(rawValue: settings.level) ?? .info
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler =
                settings.format == .json ? JSONLogHandler(label: label) : TextLogHandler(label: label)
            handler.logLevel = level
            return handler
        }
        return Logger(label: "sentinel")
    }
}
