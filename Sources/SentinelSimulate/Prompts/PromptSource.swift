import Foundation
import SentinelEvaluate
import SentinelCore

/// A file of prompts: JSON Lines, CSV or TSV (as WildJailbreak ships it), with the columns of WildGuardMix,
/// WildJailbreak, RealToxicityPrompts, or just a `prompt` or `text` column.
///
/// Rows that cannot be used are skipped and reported with their line and column; a file that cannot be read or
/// has no prompt column at all is an error.
///
/// ```swift
/// let (prompts, skipped) = try PromptSource(path: "examples/prompts.jsonl").read()
/// ```
public struct PromptSource: Sendable {
    /// How the file is laid out.
    public enum Format: String, Sendable, CaseIterable {
        case jsonl, csv, tsv
    }

    /// The file.
    public var path: String
    /// How the file is read.
    public var format: Format

    /// A source for `path`, its format from the extension (`.jsonl`, `.ndjson`, `.json`, `.csv`, `.tsv`) unless
    /// given.
    public init(path: String, format: Format? = nil) throws(PromptSourceError) {
        self.path = path
        if let format {
            self.format = format
            return
        }
        switch (path as NSString).pathExtension.lowercased() {
        case "jsonl", "ndjson", "json": self.format = .jsonl
        case "csv": self.format = .csv
        case "tsv": self.format = .tsv
        default:
            throw PromptSourceError(file: path, message: "unknown prompt file type (expected .jsonl, .csv or .tsv)")
        }
    }

    /// The dataset name of rows that do not name one and do not look like a known dataset: the file's base name.
    var fileDataset: String { ((path as NSString).lastPathComponent as NSString).deletingPathExtension }

    /// Reads every row: the prompts, and the rows skipped with why.
    public func read() throws(PromptSourceError) -> (prompts: [Prompt], skipped: [PromptSourceError]) {
        switch format {
        case .jsonl: try readJSONLines()
        case .csv: try readDelimited(0x2C)
        case .tsv: try readDelimited(0x09)
        }
    }

    /// Reads several files, in order.
    public static func read(_ paths: [String]) throws(PromptSourceError) -> (
        prompts: [Prompt], skipped: [PromptSourceError]
    ) {
        var prompts: [Prompt] = []
        var skipped: [PromptSourceError] = []
        for path in paths {
            let contents = try PromptSource(path: path).read()
            prompts += contents.prompts
            skipped += contents.skipped
        }
        return (prompts, skipped)
    }

    private func readJSONLines() throws(PromptSourceError) -> (prompts: [Prompt], skipped: [PromptSourceError]) {
        let reader: LineReader
        do {
            reader = try LineReader(path: path)
        } catch {
            throw PromptSourceError(file: path, message: error.message)
        }
        let decoder = JSONDecoder()
        var prompts: [Prompt] = []
        var skipped: [PromptSourceError] = []
        while true {
            let next: (line: UnsafeRawBufferPointer, number: Int)?
            do {
                next = try reader.next()
            } catch {
                throw PromptSourceError(file: path, message: error.message)
            }
            guard let (line, number) = next else { break }
            if LineReader.isBlank(line) { continue }
            let data = Data(line)
            guard let object = try? decoder.decode([String: JSONValue].self, from: data) else {
                // Read again only to say what is wrong (the decoder's errors name no position).
                let problem = Result { () throws(JSONSyntaxProblem.NotAnObject) in try JSONSyntaxProblem.object(data) }
                let message = if case .failure(let error) = problem { error.message } else { "not a JSON object" }
                skipped.append(PromptSourceError(file: path, line: number, message: message))
                continue
            }
            do {
                prompts.append(
                    try PromptRow(storage: .json(object), file: path, line: number).prompt(fileDataset: fileDataset))
            } catch {
                skipped.append(error)
            }
        }
        return (prompts, skipped)
    }

    private func readDelimited(_ delimiter: UInt8) throws(PromptSourceError) -> (
        prompts: [Prompt], skipped: [PromptSourceError]
    ) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PromptSourceError(file: path, message: "cannot read the file")
        }
        var reader = DelimitedReader(bytes: [UInt8](data), delimiter: delimiter)
        var prompts: [Prompt] = []
        var skipped: [PromptSourceError] = []
        do {
            guard let (header, headerLine) = try reader.next() else {
                throw PromptSourceError(file: path, message: "empty file (expected a header row)")
            }
            guard header.contains(where: PromptRow.promptColumns.contains) else {
                let expected = PromptRow.promptColumns.joined(separator: ", ")
                let found = header.joined(separator: ", ")
                throw PromptSourceError(
                    file: path, line: headerLine,
                    message: "no prompt column in the header (expected one of \(expected); found \(found))")
            }
            while let (fields, line) = try reader.next() {
                guard fields.count == header.count else {
                    skipped.append(
                        PromptSourceError(
                            file: path, line: line,
                            message: "expected \(header.count) fields (as the header), found \(fields.count)"))
                    continue
                }
                let row = PromptRow(
                    storage: .delimited(Dictionary(zip(header, fields)) { _, last in last }), file: path, line: line)
                do {
                    prompts.append(try row.prompt(fileDataset: fileDataset))
                } catch {
                    skipped.append(error)
                }
            }
        } catch let open as DelimitedReader.UnterminatedQuote {
            skipped.append(PromptSourceError(file: path, line: open.line, message: "quote opened here is never closed"))
        } catch let error as PromptSourceError {
            throw error
        } catch {
            throw PromptSourceError(file: path, message: String(describing: error))
        }
        return (prompts, skipped)
    }
}
