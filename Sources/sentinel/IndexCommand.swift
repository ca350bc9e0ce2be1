import ArgumentParser
import Foundation
import SentinelTrace

struct IndexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Build local corpus indexes for 'sentinel trace'.",
        subcommands: [IndexBuildCommand.self])
}

struct IndexBuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Index a JSONL corpus into a folder that 'sentinel trace --index' queries.",
        discussion: """
            Each corpus line is a JSON object with a string "text"; its other fields are kept as the document's \
            metadata. The folder gets the documents' text, its suffix array (libdivsufsort, 8 bytes per byte of \
            text), document offsets, metadata and index.json; it must not exist or be empty. Queries memory-map \
            these files, so tracing needs little memory whatever the corpus size. A line that is not such an \
            object stops the build with FILE:LINE: error: ..., unless --skip-bad-lines. stdout: a summary. \
            Exit 0 built, 2 bad input or I/O.
            """)

    @Argument(help: "The corpus (JSON Lines).")
    var corpus: String

    @Option(name: .shortAndLong, help: "The index folder to create.")
    var output: String

    @Flag(
        name: .customLong("skip-bad-lines"),
        help: "Report and skip lines without a string \"text\" instead of stopping.")
    var skipBadLines = false

    @Flag(help: "Print neither progress nor the summary.")
    var quiet = false

    func run() throws {
        let errors = Output.error
        let showsProgress = errors.isTerminal && !quiet
        var skipped = 0
        var lastProgress = ContinuousClock.now
        do {
            let summary = try IndexBuilder.build(
                corpus: corpus, output: output, skipBadLines: skipBadLines,
                skipped: { error in
                    skipped += 1
                    guard skipped <= 10, case .badLine(let path, let line, let reason) = error else { return }
                    errors.line("\(path):\(line): warning: skipped: \(reason)")
                },
                progress: { progress in
                    guard showsProgress, ContinuousClock.now - lastProgress > .milliseconds(200) else { return }
                    lastProgress = ContinuousClock.now
                    switch progress {
                    case .reading(let bytes, let total, let documents):
                        errors.write(
                            String(
                                format: "\rreading %.0f%%, %d documents\u{1B}[K",
                                100 * Double(bytes) / Double(max(total, 1)), documents))
                    case .sorting(let bytes):
                        errors.write(
                            String(
                                format: "\rsorting the suffixes of %.1f MiB of text\u{1B}[K", Double(bytes) / 1_048_576)
                        )
                    }
                    errors.flush()
                })
            if showsProgress { errors.write("\r\u{1B}[K") }
            if skipped > 10 { errors.line("warning: skipped \(skipped - 10) more lines") }
            errors.flush()
            if !quiet { Output.standard.line(summary.description) }
            Output.standard.flush()
        } catch {
            if showsProgress { errors.write("\r\u{1B}[K") }
            errors.line(error.description)
            errors.flush()
            throw ExitStatus.usage
        }
    }
}
