import ArgumentParser
import Foundation
import SentinelCore
import SentinelEvaluate
import SentinelTrace

struct TraceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract: "Find the spans of a model output that occur verbatim in a corpus, with their documents.",
        discussion: """
            As OLMoTrace: from every word, the longest stretch of its sentence found in the corpus, kept when it \
            has --min-span-length words, occurs at most --max-frequency times and reaches past the span before \
            it; then the rarest ⌈--max-span-density × words⌉, each with up to --max-documents documents. The \
            corpus is a local index (--index, from 'sentinel index build') or an infini-gram index over HTTP \
            (--infini-index, e.g. v4_olmo-2-1124-13b-instruct_llama, at --url). stdout: the spans and document \
            snippets, or JSON with --json; --html writes a page with the output highlighted. Exit 0 traced, 2 \
            bad input, unusable index or failed requests.
            """)

    @Argument(help: "The output to trace; - reads stdin. With --batch, a file (or -) of JSON lines {\"text\": ...}.")
    var text: String

    @Option(help: "A local index folder.")
    var index: String?

    @Option(name: .customLong("infini-index"), help: "An infini-gram index name.")
    var infiniIndex: String?

    @Option(help: "The infini-gram API.")
    var url = "https://api.infini-gram.io/"

    @Option(help: "Per infini-gram request, retries aside (e.g. 10s).")
    var timeout = "10s"

    @Option(name: .customLong("min-span-length"), help: "Fewest words in a span.")
    var minSpanLength = 5

    @Option(name: .customLong("max-frequency"), help: "Spans occurring more often are dropped.")
    var maxFrequency = 10

    @Option(name: .customLong("max-span-density"), help: "Spans kept per word of the output.")
    var maxSpanDensity = 0.05

    @Option(name: .customLong("max-spans"), help: "Spans kept at most, besides the density.")
    var maxSpans: Int?

    @Option(name: .customLong("max-documents"), help: "Documents shown per span.")
    var maxDocuments = 10

    @Option(help: "Characters of document text shown either side of a match.")
    var context = 250

    @Flag(help: "Print the result as JSON (with --batch, one object a line).")
    var json = false

    @Option(help: "Write the result as an HTML page to this file.")
    var html: String?

    @Flag(help: "Trace every line of a JSONL file, then print latency percentiles to stderr.")
    var batch = false

    var options: TraceOptions {
        TraceOptions(
            minSpanLength: minSpanLength, maxFrequency: maxFrequency, maxSpanDensity: maxSpanDensity,
            maxSpanCount: maxSpans, maxDocumentsPerSpan: maxDocuments, contextLength: context)
    }

    func validate() throws {
        if (index == nil) == (infiniIndex == nil) { throw ValidationError("give one of --index and --infini-index") }
        if let problem = options.problem { throw ValidationError(problem) }
        if batch, html != nil { throw ValidationError("--html shows one trace; leave it out with --batch") }
        _ = try requestTimeout()
    }

    func run() async throws {
        let errors = Output.error
        do {
            let backend = try backend()
            if batch {
                try await traceBatch(backend)
            } else {
                let output =
                    text == "-" ? String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self) : text
                let result = try await backend.trace(output, options: options)
                Output.standard.write(json ? try Self.json(result) + "\n" : TraceReport.text(result))
                if let html {
                    try TraceHTML.render(result, output: output).write(toFile: html, atomically: true, encoding: .utf8)
                }
            }
            Output.standard.flush()
        } catch {
            Output.standard.flush()
            errors.line(error is IndexError ? "\(error)" : "error: \(error)")
            errors.flush()
            throw ExitStatus.usage
        }
    }

    private func backend() throws -> any TraceBackend {
        if let index { return try LocalIndex(path: index) }
        return InfiniGramClient(configuration: .init(url: url, index: infiniIndex ?? "", timeout: try requestTimeout()))
    }

    /// Traces each `{"text": ...}` line in turn and reports the latencies.
    private func traceBatch(_ backend: any TraceBackend) async throws {
        let data =
            text == "-"
            ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: text))
        var latencies: [Double] = []
        // Blank lines are skipped, but counted: errors name the line as an editor numbers it.
        for (number, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            if line.withUnsafeBytes(LineReader.isBlank) { continue }
            let object: [String: Any]
            do {
                object = try JSONSyntaxProblem.object(Data(line))
            } catch {
                throw ValidationError("\(text):\(number + 1): \(error.message)")
            }
            guard let output = object["text"] as? String else {
                throw ValidationError("\(text):\(number + 1): no string \"text\" field")
            }
            let result = try await backend.trace(output, options: options)
            latencies.append(result.latencyMilliseconds)
            Output.standard.write(json ? try Self.json(result) + "\n" : TraceReport.text(result))
        }
        Output.error.line(LatencySummary(milliseconds: latencies).description)
        Output.error.flush()
    }

    private func requestTimeout() throws -> Duration {
        switch DurationLiteral.checked(timeout, "--timeout") {
        case .success(let ms): return .milliseconds(ms)
        case .failure(let error): throw ValidationError(error.message)
        }
    }

    private static func json(_ result: TraceResult) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(result), as: UTF8.self)
    }
}
