import SentinelServe
import Testing

@Suite struct StartupChangesTests {
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
        #expect(Self.scrape([Self.target("a", labels: [("role", "frontier")])]).startupChanges(from: running).isEmpty)
        #expect(ServiceConfiguration().startupChanges(from: ServiceConfiguration()).isEmpty)
    }

    @Test func changesNameTheCollectorAndTheTargets() {
        var running = Self.scrape([Self.target("a"), Self.target("b"), Self.target("c")])
        running.replay = .init(files: ["traffic.jsonl"])
        let next = Self.scrape([Self.target("a"), Self.target("c", labels: [("role", "guard")]), Self.target("d")], interval: 5_000)
        #expect(
            next.startupChanges(from: running) == [
                "collectors.scrape changed: interval; targets added d; targets removed b; targets changed c",
                "collectors.replay removed",
            ])
        var speeded = running
        speeded.replay?.speed = 300
        #expect(speeded.startupChanges(from: running) == ["collectors.replay changed"])
    }

    /// Settings taken at the start are named, never with their values (a rotated token would be logged).
    @Test func settingsTakenAtTheStartAreNamedWithoutTheirValues() {
        let running = ServiceConfiguration()
        var next = running
        next.auth.writeToken = "s3cret"
        next.limits.maxBodyBytes = 1 << 20
        next.idleAdvanceMilliseconds = 5_000
        next.log.level = "debug"
        #expect(next.startupChanges(from: running) == ["log", "auth", "limits", "idle_advance"])
        var moved = running
        moved.listen = .init(host: "0.0.0.0", port: 9596)
        moved.storePath = "other.db"
        moved.tap = .init(directory: "tap")
        #expect(moved.startupChanges(from: running) == ["listen", "store", "tap"])
    }
}
