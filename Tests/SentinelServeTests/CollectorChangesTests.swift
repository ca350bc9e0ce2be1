import SentinelServe
import Testing

@Suite struct CollectorChangesTests {
    static func scrape(_ targets: [ServiceConfiguration.ScrapeSettings.Target], interval: Int64 = 15_000) -> ServiceConfiguration {
        var configuration = ServiceConfiguration()
        configuration.scrape = .init()
        configuration.scrape?.intervalMilliseconds = interval
        configuration.scrape?.targets = targets
        return configuration
    }

    static func target(_ name: String, labels: [(String, String)] = []) -> ServiceConfiguration.ScrapeSettings.Target {
        var target = ServiceConfiguration.ScrapeSettings.Target(name: name, url: "http://127.0.0.1:8000/metrics")
        target.labels = labels
        return target
    }

    @Test func theSameCollectorsAreNoChange() {
        let running = Self.scrape([Self.target("a", labels: [("role", "frontier")])])
        #expect(Self.scrape([Self.target("a", labels: [("role", "frontier")])]).collectorChanges(from: running).isEmpty)
        #expect(ServiceConfiguration().collectorChanges(from: ServiceConfiguration()).isEmpty)
    }

    @Test func changesNameTheCollectorAndTheTargets() {
        var running = Self.scrape([Self.target("a"), Self.target("b"), Self.target("c")])
        running.replay = .init(files: ["traffic.jsonl"])
        let next = Self.scrape([Self.target("a"), Self.target("c", labels: [("role", "guard")]), Self.target("d")], interval: 5_000)
        #expect(
            next.collectorChanges(from: running) == [
                "collectors.scrape changed: interval; targets added d; targets removed b; targets changed c",
                "collectors.replay removed",
            ])
        var speeded = running
        speeded.replay?.speed = 300
        #expect(speeded.collectorChanges(from: running) == ["collectors.replay changed"])
    }
}
