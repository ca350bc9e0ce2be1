import ArgumentParser
import Foundation
import VLLMDouble

/// `vllm-double`: serves a ``VLLMDouble`` until SIGTERM or SIGINT, printing its URL once it listens.
@main
struct VLLMDoubleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vllm-double",
        abstract: "A stand-in for vLLM's OpenAI-compatible server and /metrics, with fault injection.",
        discussion: """
            Prints its base URL (http://HOST:PORT) on stdout once it listens, and stops on SIGTERM or SIGINT.

            Faults (--fault, repeatable; the first whose schedule matches a request wins):
              slow-first-token=2s   status=503[,shape=legacy]   disconnect=K   malformed=K
              stream-error=K[,shape=legacy]   hang[=30s]
            followed by ,every=N (requests N, 2N, …) or ,p=P[,seed=S] (a seeded share), else every request.
            A request's X-Double-Fault header (same syntax, without a schedule, or `none`) overrides them.
            """)

    @Option(help: "What chat requests are answered as: frontier or guard.")
    var role: VLLMDouble.Role = .frontier

    @Option(help: "Guard verdict format: qwen3guard, llamaguard or openai (answers at /v1/moderations).")
    var guardFormat: VLLMDouble.GuardFormat = .qwen3guard

    @Option(help: "Served model name (default: the role's usual model).")
    var model: String?

    @Option(help: "Address to bind.")
    var host = "127.0.0.1"

    @Option(help: "Port to bind (0: a free one; the printed URL has the real port).")
    var port = 8000

    @Option(help: "Delay before the first token, in milliseconds.")
    var firstTokenMs = 0

    @Option(help: "Delay between tokens, in milliseconds.")
    var tokenMs = 0

    @Option(help: "A fault to inject (see below); repeatable.")
    var fault: [String] = []

    @Flag(help: "Imitate vLLM 0.8 metrics: vllm:gpu_cache_usage_perc, vllm:time_per_output_token_seconds, …")
    var legacyMetricNames = false

    @Flag(help: "Write errors in the flat pre-0.11 shape {\"object\":\"error\",…}.")
    var legacyErrors = false

    @Option(help: "Maximum model length (prompt plus completion tokens).")
    var maxModelLen = 4096

    @Option(help: "Seed for response ids.")
    var seed: UInt64 = 0

    func validate() throws {
        _ = try doubleConfiguration()
    }

    func run() async throws {
        let double = VLLMDouble(try doubleConfiguration())
        try await double.runUntilSignalled(host: host, port: port) { url in
            FileHandle.standardOutput.write(Data((url.absoluteString + "\n").utf8))
        }
    }

    private func doubleConfiguration() throws -> VLLMDouble.Configuration {
        guard firstTokenMs >= 0, tokenMs >= 0 else { throw ValidationError("Delays cannot be negative.") }
        guard (0...65_535).contains(port) else { throw ValidationError("Port \(port) is not between 0 and 65535.") }
        let faults = try fault.map { text in
            do {
                return try VLLMDouble.FaultRule(parsing: text)
            } catch {
                throw ValidationError("--fault \(text): \(error)")
            }
        }
        return VLLMDouble.Configuration(
            role: role, guardFormat: guardFormat, servedModelName: model,
            firstTokenDelay: .milliseconds(firstTokenMs), interTokenDelay: .milliseconds(tokenMs), faults: faults,
            metricNaming: legacyMetricNames ? .legacy : .current, errorShape: legacyErrors ? .legacy : .current,
            maxModelLength: maxModelLen, seed: seed)
    }
}

extension VLLMDouble.Role: ExpressibleByArgument {}
extension VLLMDouble.GuardFormat: ExpressibleByArgument {}
