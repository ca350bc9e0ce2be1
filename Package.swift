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
    ],
    targets: [
        .systemLibrary(name: "CLibYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        // Shared vocabulary of every stage: source positions, diagnostics, durations.
        .target(name: "SentinelCore", swiftSettings: strict),
        // Stage 1: YAML and expression text into positioned syntax.
        .target(name: "SentinelParse", dependencies: ["SentinelCore", "CLibYAML"], swiftSettings: strict),
        // Stage 2: rule and policy syntax into one typed condition graph.
        .target(name: "SentinelCompile", dependencies: ["SentinelCore", "SentinelParse"], swiftSettings: strict),
        // Stage 3: events through the graph, on event time.
        .target(
            name: "SentinelEvaluate", dependencies: ["SentinelCore", "SentinelCompile"],
            // The event loop mutates engine state millions of times a second; dynamic exclusivity checks on
            // those accesses cost ~8% (measured with perf), and the engine is single-threaded by design.
            swiftSettings: strict + [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]),
        // Stage 4: what matches and alert transitions turn into.
        .target(name: "SentinelAct", dependencies: ["SentinelCore", "SentinelCompile", "SentinelEvaluate"], swiftSettings: strict),
        // Rule unit tests (`*.test.yaml`): the test language and its runner.
        .target(
            name: "SentinelTesting", dependencies: ["SentinelCore", "SentinelParse", "SentinelCompile", "SentinelEvaluate"],
            swiftSettings: strict),
        .executableTarget(
            name: "sentinel",
            dependencies: [
                "SentinelCore", "SentinelParse", "SentinelCompile", "SentinelEvaluate", "SentinelAct", "SentinelTesting",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
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
        .testTarget(name: "SentinelEndToEndTests", dependencies: ["SentinelCore"], swiftSettings: strict),
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
            name: "EventFuzz", dependencies: ["SentinelCompile", "SentinelEvaluate"], path: "Fuzz/EventFuzz",
            swiftSettings: strict),
    ]
}
