import SentinelScrape
import Testing

@Suite struct ScrapeTargetTests {
    @Test(arguments: [
        ("http://127.0.0.1:8000/metrics", "127.0.0.1:8000"),
        ("http://vllm.internal/metrics", "vllm.internal:80"),
        ("https://vllm.internal/metrics", "vllm.internal:443"),
        ("HTTP://Host:9/m", "Host:9"),
        ("http://[::1]:8000/metrics", "[::1]:8000"),
    ])
    func instanceIsHostAndPort(url: String, instance: String) throws {
        #expect(try ScrapeTarget(name: "vllm", url: url).instance == instance)
    }

    @Test func defaultsAreFifteenSecondsTenSecondsSixteenMebibytesAndAHundredThousandSamples() throws {
        let target = try ScrapeTarget(name: "vllm", url: "http://h:1/metrics")
        #expect(target.interval == .seconds(15))
        #expect(target.timeout == .seconds(10))
        #expect(target.bodySizeLimit == 16 << 20)
        #expect(target.sampleLimit == 100_000)
        #expect(target.labels.isEmpty)
    }

    @Test func aConfiguredInstanceLabelIsTheInstance() throws {
        #expect(try ScrapeTarget(name: "vllm", url: "http://h:1/m", labels: ["instance": "gpu-7"]).instance == "gpu-7")
    }

    @Test func rejectsWhatCannotBeScraped() {
        func message(_ make: () throws(ScrapeTargetError) -> ScrapeTarget) -> String? {
            do {
                _ = try make()
                return nil
            } catch {
                return error.description
            }
        }
        #expect(message { () throws(ScrapeTargetError) in try ScrapeTarget(name: "", url: "http://h/m") }
            == "scrape target '': the name is empty")
        #expect(message { () throws(ScrapeTargetError) in try ScrapeTarget(name: "v", url: "ftp://h/m") }
            == "scrape target 'v': 'ftp://h/m' is not an http or https URL with a host (and a port from 1 to 65535)")
        #expect(message { () throws(ScrapeTargetError) in try ScrapeTarget(name: "v", url: "not a url") }
            == "scrape target 'v': 'not a url' is not an http or https URL with a host (and a port from 1 to 65535)")
        #expect(message { () throws(ScrapeTargetError) in try ScrapeTarget(name: "v", url: "http://h/m", interval: .zero) }
            == "scrape target 'v': the interval must be positive")
        #expect(message { () throws(ScrapeTargetError) in
            try ScrapeTarget(name: "v", url: "http://h/m", interval: .seconds(5), timeout: .seconds(6))
        } == "scrape target 'v': the timeout must be positive and no longer than the interval")
        #expect(message { () throws(ScrapeTargetError) in try ScrapeTarget(name: "v", url: "http://h/m", bodySizeLimit: 0) }
            == "scrape target 'v': the body size limit must be positive")
        #expect(message { () throws(ScrapeTargetError) in try ScrapeTarget(name: "v", url: "http://h/m", sampleLimit: 0) }
            == "scrape target 'v': the sample limit must be positive")
        for url in ["http://user:s3cret@h/m", "http://user@h/m"] {
            #expect(message { () throws(ScrapeTargetError) in try ScrapeTarget(name: "v", url: url) }
                == "scrape target 'v': the URL has credentials ('user:password@'), which are not sent; remove them")
        }
        #expect(message { () throws(ScrapeTargetError) in try ScrapeTarget(name: "v", url: "http://h/m", labels: ["model-name": "x"]) }
            == "scrape target 'v': 'model-name' is not a label name ([a-zA-Z_][a-zA-Z0-9_]*)")
    }
}
