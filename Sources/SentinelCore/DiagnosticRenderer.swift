import Foundation

/// Output formats of `sentinel lint` and every other command that reports diagnostics.
public enum DiagnosticFormat: String, Sendable, CaseIterable {
    case text, json, github
}

/// Renders diagnostics: `file:line:col: error: message [CODE]` with the source line and a caret (text),
/// one JSON object per diagnostic (json), or GitHub Actions workflow commands (github).
public struct DiagnosticRenderer: Sendable {
    public var format: DiagnosticFormat
    private let sources: SourceCache

    public init(format: DiagnosticFormat, sources: SourceCache = SourceCache()) {
        self.format = format
        self.sources = sources
    }

    public func render(_ diagnostics: [Diagnostic]) -> String {
        switch format {
        case .text: return diagnostics.map(text).joined()
        case .json: return diagnostics.map(json).map { $0 + "\n" }.joined()
        case .github: return diagnostics.map(github).joined()
        }
    }

    /// Messages, notes and file names quote what files hold (keys, values, names), so their control characters
    /// are written out: a crafted key cannot break the line and forge a diagnostic of its own.
    private func text(_ d: Diagnostic) -> String {
        var out = ""
        if let range = d.range {
            out += "\("\(range.start)".escapingControls()): "
        }
        out += "\(d.severity.rawValue): \(d.message.escapingControls()) [\(d.code.rawValue)]\n"
        if let range = d.range { out += snippet(range) }
        for note in d.notes {
            if let range = note.range {
                out += "\("\(range.start)".escapingControls()): note: \(note.message.escapingControls())\n" + snippet(range)
            } else {
                out += "  note: \(note.message.escapingControls())\n"
            }
        }
        return out
    }

    private func snippet(_ range: SourceRange) -> String {
        guard let line = sources.line(range.start.line, of: range.start.file) else { return "" }
        let caretColumn = max(1, range.start.column)
        var width = 1
        if range.end.line == range.start.line, range.end.column > range.start.column {
            width = range.end.column - range.start.column
        }
        // Tabs stay tabs, under the caret too, and wide characters take two columns, so it lines up in a terminal;
        // other control characters are written out, as in messages, and padded as written.
        // A long line is shown as 200 characters around the caret, cut ends marked with an ellipsis.
        let scalars = Array(line.unicodeScalars)
        let start = caretColumn > 160 ? caretColumn - 101 : 0
        let end = min(scalars.count, start + 200)
        var shown = start > 0 ? "…" : ""
        var pad = start > 0 ? " " : ""
        for column in start..<max(start, end) {
            let scalar = scalars[column]
            let written = scalar == "\t" ? "\t" : scalar.lineEscape ?? String(scalar)
            shown += written
            guard column < caretColumn - 1 else { continue }
            pad += scalar == "\t" ? "\t" : String(repeating: " ", count: written.unicodeScalars.reduce(0) { $0 + Self.displayWidth($1) })
        }
        if end < scalars.count { shown += "…" }
        return "    \(shown)\n    \(pad)^\(String(repeating: "~", count: max(0, min(width, 80) - 1)))\n"
    }

    /// Terminal columns a character takes: 2 for East Asian wide characters and emoji, 0 for combining marks.
    static func displayWidth(_ scalar: Unicode.Scalar) -> Int {
        let v = scalar.value
        if v < 0x300 { return 1 }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        let wide: [ClosedRange<UInt32>] = [
            0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
            0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x20000...0x3FFFD,
        ]
        if wide.contains(where: { $0.contains(v) }) || scalar.properties.isEmojiPresentation { return 2 }
        return 1
    }

    private func json(_ d: Diagnostic) -> String {
        var object: [String: Any] = [
            "code": d.code.rawValue, "severity": d.severity.rawValue, "message": d.message,
        ]
        if let r = d.range {
            object["file"] = r.start.file
            object["line"] = r.start.line
            object["column"] = r.start.column
            object["offset"] = r.start.offset
            object["end_line"] = r.end.line
            object["end_column"] = r.end.column
        }
        // Always present (empty when there are none): a reader need not test for it.
        object["notes"] = d.notes.map { note -> [String: Any] in
            var n: [String: Any] = ["message": note.message]
            if let r = note.range {
                n["file"] = r.start.file
                n["line"] = r.start.line
                n["column"] = r.start.column
            }
            return n
        }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    private func github(_ d: Diagnostic) -> String {
        let command = d.severity == .error ? "error" : (d.severity == .warning ? "warning" : "notice")
        var properties = ["title=\(d.code.rawValue)"]
        if let r = d.range {
            properties = ["file=\(escapeProperty(r.start.file))", "line=\(r.start.line)", "col=\(r.start.column)"]
                + properties
        }
        return "::\(command) \(properties.joined(separator: ","))::\(escapeData(d.message))\n"
    }

    private func escapeData(_ s: String) -> String {
        s.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D")
            .replacingOccurrences(of: "\n", with: "%0A")
    }

    private func escapeProperty(_ s: String) -> String {
        escapeData(s).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }
}

/// Source text by file path, for snippets under diagnostics. Files are read once, on first use.
public final class SourceCache: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String: [Substring]] = [:]

    public init() {}

    /// Registers text that did not come from disk (or was read already), so snippets match what was parsed.
    public func register(_ text: String, for file: String) {
        lock.withLock { lines[file] = Self.split(text) }
    }

    /// Line `number` (1-based) of `file`, without its line break.
    public func line(_ number: Int, of file: String) -> Substring? {
        lock.withLock {
            // Only files small enough to have been parsed: the loader refuses larger ones without reading them.
            if lines[file] == nil, Self.size(of: file).map({ $0 <= Self.maxFileBytes }) ?? false,
                let data = FileManager.default.contents(atPath: file)
            {
                lines[file] = Self.split(String(decoding: data, as: UTF8.self))
            }
            guard let all = lines[file], number >= 1, number <= all.count else { return nil }
            return all[number - 1]
        }
    }

    /// The largest file shown (the YAML loader's limit): a stray 1 GiB file is refused, not read for a snippet.
    public static let maxFileBytes = 16 << 20

    private static func size(of file: String) -> Int? {
        (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? NSNumber)?.intValue
    }

    /// Lines broken at LF, CRLF (in Swift, CRLF is one character) or a lone CR, as positions count them
    /// (`YAMLSourceText`).
    private static func split(_ text: String) -> [Substring] {
        text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }
    }
}
