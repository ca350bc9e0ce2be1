import Logging
import SentinelServe

/// The collectors a configuration turns on, wired to the server: their services and their `/metrics` sections.
struct Collectors {
    var metricsSections: [SentinelServer.MetricsSection] = []
    private var makers: [(SentinelServer) -> CollectorService] = []

    init(configuration: ServiceConfiguration, logger: Logger) throws {}

    func services(_ server: SentinelServer) -> [CollectorService] { makers.map { $0(server) } }
}
