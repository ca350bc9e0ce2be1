import Foundation
import SentinelCore
import SentinelServe
import Testing

@Suite struct ServiceConfigurationReaderTests {
    func write(_ text: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sentinel-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("sentinel.yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func readsEveryKeyAndResolvesPathsAgainstTheFilesFolder() throws {
        let path = try write(
            """
            rules: [rules, /abs/rules]
            policies: policies
            listen: "[::1]:9000"
            tap: {dir: tap, max_file_bytes: 1048576, max_files: 3, warm_start: false}
            log: {format: json, level: debug}
            auth: {ingest_token: a, read_token: b, admin_token: c}
            limits: {max_body_bytes: 2048, queue_events: 10, queue_bytes: 4096}
            idle_advance: 2s
            collectors:
              scrape:
                interval: 5s
                sample_limit: 5000
                targets:
                  - {name: vllm, url: "http://127.0.0.1:8000/metrics", labels: {role: frontier}, timeout: 2s, sample_limit: 200}
              simulator:
                frontier: {url: "http://127.0.0.1:8000", model: olmo}
                guard: {url: "http://127.0.0.1:8001", model: qwen3guard, format: llamaguard}
                rate: 20
                prompts: [prompts.jsonl]
                pipeline: true
            """)
        let (read, diagnostics) = ServiceConfigurationReader.read(path: path)
        #expect(diagnostics.isEmpty)
        let c = try #require(read)
        let base = (path as NSString).deletingLastPathComponent
        #expect(c.rules == [base + "/rules", "/abs/rules"])
        #expect(c.policies == [base + "/policies"])
        #expect(c.listen == .init(host: "::1", port: 9000))
        #expect(c.tap?.directory == base + "/tap")
        #expect(c.tap?.maxFiles == 3)
        #expect(c.tap?.warmStart == false)
        #expect(c.log.format == .json)
        #expect(c.auth.adminToken == "c")
        #expect(c.limits.queueEvents == 10)
        #expect(c.idleAdvanceMilliseconds == 2_000)
        #expect(c.scrape?.intervalMilliseconds == 5_000)
        #expect(c.scrape?.targets.first?.timeoutMilliseconds == 2_000)
        #expect(c.scrape?.sampleLimit == 5_000 && c.scrape?.targets.first?.sampleLimit == 200)
        #expect(c.scrape?.targets.first?.labels.first?.1 == "frontier")
        #expect(c.simulator?.guardFormat == "llamaguard")
        #expect(c.simulator?.prompts == [base + "/prompts.jsonl"])
        #expect(c.simulator?.pipeline == true)
    }

    @Test func readsAReplayAndResolvesItsFilesAgainstTheFilesFolder() throws {
        let path = try write("collectors:\n  replay: {files: [traffic.jsonl, /abs/more.jsonl], speed: 0}\n")
        let (read, diagnostics) = ServiceConfigurationReader.read(path: path)
        #expect(diagnostics.isEmpty)
        let c = try #require(read)
        let base = (path as NSString).deletingLastPathComponent
        #expect(c.replay?.files == [base + "/traffic.jsonl", "/abs/more.jsonl"])
        #expect(c.replay?.speed == 0)
    }

    /// Replayed events keep their recorded times; next to a live source they would all be late on the one clock.
    @Test func aReplayNextToALiveCollectorIsRefusedAtItsPosition() throws {
        let text = try problems(
            """
            collectors:
              scrape:
                targets: [{name: a, url: "http://127.0.0.1:1/metrics"}]
              simulator:
                frontier: {url: "http://127.0.0.1:8000", model: m}
                prompts: [p.jsonl]
              replay: {files: [traffic.jsonl]}
            """)
        #expect(
            text.contains(
                "sentinel.yaml:7:3: error: 'collectors.replay' cannot run next to 'collectors.scrape' and 'collectors.simulator': replayed events keep their recorded times"
            ), "\(text)")
        #expect(text.contains("sentinel.yaml:2:3: note: the scrape collector"), "\(text)")
        #expect(text.contains("sentinel.yaml:4:3: note: the simulator collector"), "\(text)")
    }

    @Test func reportsEveryProblemWithItsPosition() throws {
        let path = try write(
            """
            rules: [rules]
            listn: 1.2.3.4:5
            listen: localhost
            log: {format: xml}
            collectors:
              scrape:
                targets:
                  - {name: a, url: "ftp://x"}
              replay: {files: t.jsonl, speed: -2}
            tap: {dir: t, warm_start: yes please}
            """)
        let (read, diagnostics) = ServiceConfigurationReader.read(path: path)
        #expect(read == nil)
        let text = DiagnosticRenderer(format: .text).render(diagnostics)
        #expect(text.contains("sentinel.yaml:2:1: error: unknown key 'listn' in the service configuration (did you mean 'listen'?)"))
        #expect(text.contains("sentinel.yaml:3:9: error: 'listen' must be HOST:PORT"))
        #expect(text.contains("sentinel.yaml:4:15: error: 'log.format' must be text or json"))
        #expect(text.contains("sentinel.yaml:8:24: error: 'ftp://x' is not an http:// or https:// URL"))
        #expect(text.contains("sentinel.yaml:9:35: error: 'collectors.replay.speed' must be 0 (as fast as possible) or above"))
        #expect(text.contains("sentinel.yaml:10:27: error: 'tap.warm_start' must be true or false"))
    }

    /// The rendered diagnostics of reading `text`, which must not read.
    private func problems(_ text: String) throws -> String {
        let (read, diagnostics) = ServiceConfigurationReader.read(path: try write(text))
        #expect(read == nil)
        return DiagnosticRenderer(format: .text).render(diagnostics)
    }

    @Test func simulatorRatesAndConcurrencyOutsideTheSimulatorsRangeAreRefusedWhereTheyStand() throws {
        let text = try problems(
            """
            collectors:
              simulator:
                frontier: {url: "http://127.0.0.1:8000", model: m}
                rate: 1e-12
                concurrency: 9223372036854775807
                temperature: -1
                prompts: [p.jsonl]
            """)
        #expect(text.contains("sentinel.yaml:4:11: error: 'rate' must be from 0.000001 to 1000000 arrivals per second"))
        #expect(text.contains("sentinel.yaml:5:18: error: 'concurrency' must be from 1 to 100000"))
        #expect(text.contains("sentinel.yaml:6:18: error: 'temperature' must be 0 or more"))
        let limits = ServiceConfiguration.SimulatorSettings.self
        #expect(limits.rates.contains(ServiceConfiguration.SimulatorSettings(frontier: .init(url: "", model: "")).rate))
        #expect(limits.concurrencies.contains(ServiceConfiguration.SimulatorSettings(frontier: .init(url: "", model: "")).concurrency))
    }

    @Test func aScrapeTimeoutLongerThanTheIntervalIsRefusedWhereItWasSet() throws {
        let defaulted = try problems(
            """
            collectors:
              scrape:
                interval: 5s
                targets:
                  - {name: t, url: "http://127.0.0.1:9000/metrics"}
            """)
        #expect(
            defaulted.contains(
                "sentinel.yaml:3:15: error: scrape target 't': the timeout 10s (the default) is longer than the interval 5s"))
        let own = try problems(
            """
            collectors:
              scrape:
                targets:
                  - {name: t, url: "http://127.0.0.1:9000/metrics", interval: 2s, timeout: 3s}
            """)
        #expect(own.contains("sentinel.yaml:4:80: error: scrape target 't': the timeout 3s is longer than the interval 2s"))
    }

    @Test func aScrapeSectionWithoutTargetsIsRefused() throws {
        let text = try problems("collectors:\n  scrape:\n    targets: []\n")
        #expect(text.contains("sentinel.yaml:3:14: error: 'collectors.scrape.targets' is empty: list the endpoints to scrape, or remove 'scrape'"), "\(text)")
    }

    @Test func twoScrapeTargetsWithOneJobAndInstanceAreRefused() throws {
        let text = try problems(
            """
            collectors:
              scrape:
                targets:
                  - {name: vllm, url: "http://127.0.0.1:8000/metrics"}
                  - {name: vllm, url: "http://127.0.0.1:8000/other"}
                  - {name: vllm, url: "http://127.0.0.1:80/metrics"}
                  - {name: vllm, url: "http://127.0.0.1/x", labels: {instance: b}}
                  - {name: vllm, url: "http://127.0.0.1:8000/y", labels: {instance: b}}
                  - {name: other, url: "http://127.0.0.1:8000/z", labels: {job: vllm}}
                  - {name: vllm, url: "http://127.0.0.1:80/w", labels: {job: a}}
            """)
        #expect(
            text.contains(
                "sentinel.yaml:5:16: error: scrape target 'vllm' has the job (vllm) and instance (127.0.0.1:8000) of an earlier target"))
        #expect(text.contains("sentinel.yaml:4:16: note: the earlier target"))
        #expect(text.contains("sentinel.yaml:8:16: error: scrape target 'vllm' has the job (vllm) and instance (b)"))
        // A job label is the events' job: `other` is a second vllm at 127.0.0.1:8000.
        #expect(text.contains("sentinel.yaml:9:16: error: scrape target 'other' has the job (vllm) and instance (127.0.0.1:8000)"))
        // Its events' job is `a`, but its health series and errors go by the name `vllm`, as the target at line 6.
        #expect(text.contains("sentinel.yaml:10:16: error: scrape target 'vllm' has the job (vllm) and instance (127.0.0.1:80)"))
        #expect(!text.contains("sentinel.yaml:6:16: error"))
        #expect(!text.contains("sentinel.yaml:7:16: error"))
        let (read, _) = ServiceConfigurationReader.read(
            path: try write(
                """
                collectors:
                  scrape:
                    targets:
                      - {name: a, url: "http://127.0.0.1:8000/metrics"}
                      - {name: b, url: "http://127.0.0.1:8000/metrics"}
                """))
        #expect(read?.scrape?.targets.count == 2)
    }

    @Test func aScrapeTargetWithURLCredentialsOrABadLabelNameIsRefusedWhereItWasWritten() throws {
        let text = try problems(
            """
            collectors:
              scrape:
                targets:
                  - {name: a, url: "http://user:s3cret@127.0.0.1:8000/metrics"}
                  - {name: b, url: "http://127.0.0.1:8001/metrics", labels: {ok: x, model-name: y}}
            """)
        #expect(
            text.contains(
                "sentinel.yaml:4:24: error: scrape target 'a': the URL has credentials ('user:password@'), which are not sent; remove them"))
        // The message leaves the password out (the excerpt of the file below it is the file's own text).
        #expect(!text.split(separator: "\n").contains { $0.contains("error:") && $0.contains("s3cret") })
        #expect(
            text.contains(
                "sentinel.yaml:5:73: error: scrape target 'b': 'model-name' is not a label name ([a-zA-Z_][a-zA-Z0-9_]*)"))
    }

    @Test func environmentOverridesTheFile() {
        var c = ServiceConfiguration()
        let problems = ServiceConfigurationReader.applyEnvironment(
            ["SENTINEL_LISTEN": "0.0.0.0:1234", "SENTINEL_RULES": "a:b", "SENTINEL_LOG_FORMAT": "yaml", "SENTINEL_ADMIN_TOKEN": "t"],
            to: &c)
        #expect(c.listen == .init(host: "0.0.0.0", port: 1234))
        #expect(c.rules == ["a", "b"])
        #expect(c.auth.adminToken == "t")
        #expect(problems == ["SENTINEL_LOG_FORMAT 'yaml' is not text or json"])
    }

    /// SENTINEL_TAP (like `--tap`) moves the tap; the file's other tap settings stay.
    @Test func theTapFolderFromTheEnvironmentKeepsTheFilesTapSettings() {
        var c = ServiceConfiguration()
        c.tap = .init(directory: "/file/tap")
        c.tap?.maxFiles = 4
        c.tap?.warmStart = false
        _ = ServiceConfigurationReader.applyEnvironment(["SENTINEL_TAP": "/env/tap"], to: &c)
        #expect(c.tap?.directory == "/env/tap" && c.tap?.maxFiles == 4 && c.tap?.warmStart == false)
        var none = ServiceConfiguration()
        _ = ServiceConfigurationReader.applyEnvironment(["SENTINEL_TAP": "/env/tap"], to: &none)
        #expect(none.tap?.directory == "/env/tap" && none.tap?.warmStart == true)
    }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func theShippedExampleReadsCleanAndTheSchemaNamesTheSameKeys() throws {
        let (read, diagnostics) = ServiceConfigurationReader.read(path: Self.root.appendingPathComponent("examples/sentinel.yaml").path)
        #expect(diagnostics.isEmpty, "\(DiagnosticRenderer(format: .text).render(diagnostics))")
        #expect(read?.simulator?.rate == 5)
        let schema = try JSONSerialization.jsonObject(
            with: Data(contentsOf: Self.root.appendingPathComponent("schemas/sentinel.schema.json"))) as! [String: Any]
        let properties = (schema["properties"] as! [String: Any]).keys.sorted()
        #expect(properties == ServiceConfigurationReader.topLevelKeys.sorted())
    }
}
