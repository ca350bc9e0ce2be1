// swift-tools-version: 6.1
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "Sentinel",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "sentinel", targets: ["sentinel"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        .systemLibrary(name: "CLibYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        .systemLibrary(name: "CDivSufSort", pkgConfig: "libdivsufsort64", providers: [.apt(["libdivsufsort-dev"])]),
        // Shared vocabulary of every stage: source positions, diagnostics, durations.
        .target(name: "SentinelCore", swiftSettings: strict),
        // Stage 1: YAML and expression text into positioned syntax.
        .target(name: "SentinelParse", dependencies: ["SentinelCore", "CLibYAML"], swiftSettings: strict),
        // Stage 2: rule and policy syntax into one typed condition graph.
        .target(name: "SentinelCompile", dependencies: ["SentinelCore", "SentinelParse"], swiftSettings: strict),
        // A prefetch hint for the window rows the event loop will read next (Swift has no way to say it).
        .target(name: "CPrefetch"),
        // Stage 3: events through the graph, on event time.
        .target(
            name: "SentinelEvaluate", dependencies: ["SentinelCore", "SentinelParse", "SentinelCompile", "CPrefetch"],
            // The event loop mutates engine state millions of times a second; dynamic exclusivity checks on
            // those accesses cost ~8% (measured with perf), and the engine is single-threaded by design.
            swiftSettings: strict + [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]),
        // Stage 4: what matches and alert transitions turn into.
        .target(name: "SentinelAct", dependencies: ["SentinelCore", "SentinelCompile", "SentinelEvaluate"], swiftSettings: strict),
        // Where findings, alert transitions, the notification outbox, silences and reviews live. The interface is
        // `FindingsStore`; the embedded default is a SQLite file (GRDB over the system libsqlite3).
        .target(
            name: "SentinelStore",
            dependencies: ["SentinelCore", "SentinelParse", "SentinelAct", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict),
        // Delivering notifications: webhook and Alertmanager senders, retries, the outbox worker.
        .target(
            name: "SentinelNotify",
            dependencies: [
                "SentinelCore", "SentinelCompile", "SentinelEvaluate", "SentinelAct", "SentinelStore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict),
        // Rule unit tests (`*.test.yaml`): the test language and its runner.
        .target(
            name: "SentinelTesting", dependencies: ["SentinelCore", "SentinelParse", "SentinelCompile", "SentinelEvaluate", "SentinelAct"],
            swiftSettings: strict),
        // Collectors: where the live stream comes from. Each hands events on as recorded-traffic lines.
        .target(
            name: "SentinelScrape",
            dependencies: [
                "SentinelCore",
                "SentinelEvaluate",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPCompression", package: "swift-nio-extras"),
            ],
            swiftSettings: strict),
        .target(
            name: "SentinelSimulate",
            dependencies: [
                "SentinelCore",
                "SentinelEvaluate",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict),
        // Trace: the maximal spans of a model output found verbatim in a corpus, OLMoTrace-style, with their
        // documents. Backends: a local suffix-array index (libdivsufsort, memory-mapped) and the infini-gram API.
        .target(
            name: "SentinelTrace",
            dependencies: [
                "SentinelCore",
                "CDivSufSort",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict),
        // The live service: ingestion API, evaluation loop, reload, tap, its own metrics. Collectors plug in
        // through `EventSink` and metrics sections, wired by the `sentinel run` command.
        .target(
            name: "SentinelServe",
            dependencies: [
                "SentinelCore", "SentinelParse", "SentinelCompile", "SentinelEvaluate", "SentinelAct",
                "SentinelStore", "SentinelNotify", "SentinelTrace",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict),
        // A stand-in for vLLM (OpenAI API with SSE, /metrics) with fault injection, for tests and benchmarks.
        .target(
            name: "VLLMDouble",
            dependencies: [
                "SentinelCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict),
        .executableTarget(
            name: "vllm-double",
            dependencies: [
                "VLLMDouble",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: strict),
        .executableTarget(
            name: "sentinel",
            dependencies: [
                "SentinelCore", "SentinelParse", "SentinelCompile", "SentinelEvaluate", "SentinelAct", "SentinelTesting",
                "SentinelScrape", "SentinelSimulate", "SentinelServe", "SentinelStore", "SentinelNotify", "SentinelTrace",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .testTarget(name: "SentinelParseTests", dependencies: ["SentinelCore", "SentinelParse"], swiftSettings: strict),
        .testTarget(name: "SentinelCompileTests", dependencies: ["SentinelCore", "SentinelParse", "SentinelCompile"], swiftSettings: strict),
        .testTarget(
            name: "SentinelEvaluateTests",
            dependencies: ["SentinelCore", "SentinelParse", "SentinelCompile", "SentinelEvaluate", "SentinelAct", "SentinelTesting"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "SentinelScrapeTests",
            dependencies: [
                "SentinelCore",
                "SentinelTestSupport",
                "SentinelEvaluate",
                "SentinelScrape",
                "VLLMDouble",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "SentinelSimulateTests",
            dependencies: [
                "SentinelCore",
                "SentinelSimulate",
                "VLLMDouble",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict),
        // Helpers several test targets share: a real Alertmanager process, free ports.
        .target(
            name: "SentinelTestSupport",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Tests/Support", swiftSettings: strict),
        .testTarget(
            name: "SentinelStoreTests", dependencies: ["SentinelCore", "SentinelAct", "SentinelStore"],
            swiftSettings: strict),
        .testTarget(
            name: "SentinelNotifyTests",
            dependencies: [
                "SentinelCore", "SentinelAct", "SentinelStore", "SentinelNotify", "SentinelTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "SentinelServeTests",
            dependencies: [
                "SentinelCore", "SentinelCompile", "SentinelEvaluate", "SentinelServe", "SentinelStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "SentinelTraceTests",
            dependencies: [
                "SentinelCore",
                "SentinelTestSupport",
                "SentinelTrace",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "SentinelEndToEndTests",
            dependencies: [
                "SentinelCore",
                "SentinelTestSupport",
                "VLLMDouble",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict),
    ]
)

// libFuzzer targets: no `main` (libFuzzer supplies it), so they exist only on request:
//   SENTINEL_FUZZ=1 swift build -c debug --sanitize fuzzer -Xswiftc -parse-as-library --product YAMLFuzz
//   .build/debug/YAMLFuzz -max_total_time=60
// (likewise ExpressionFuzz and EventFuzz). Keep `--product`, or `sentinel` would be linked with libFuzzer's `main` too.
if Context.environment["SENTINEL_FUZZ"] == "1" {
    package.targets += [
        .executableTarget(
            name: "YAMLFuzz", dependencies: ["SentinelCore", "SentinelParse"], path: "Fuzz/YAMLFuzz",
            swiftSettings: strict),
        .executableTarget(
            name: "ExpressionFuzz", dependencies: ["SentinelCore", "SentinelParse", "SentinelCompile"],
            path: "Fuzz/ExpressionFuzz", swiftSettings: strict),
        .executableTarget(
            name: "EventFuzz", dependencies: ["SentinelAct", "SentinelCompile", "SentinelEvaluate"], path: "Fuzz/EventFuzz",
            swiftSettings: strict),
    ]
}
