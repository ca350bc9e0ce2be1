import ArgumentParser
import Foundation
import SentinelAct
import SentinelCompile
import SentinelCore
import SentinelEvaluate

struct DryRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dry-run",
        abstract: "Replay recorded traffic through the rules; print alert transitions and actions as JSON lines.",
        discussion: """
            stdout: one JSON object per line, {"type":"alert",...} for every alert transition (ts, rule, state, \
            severity, labels, value, annotations, actions with their receivers), {"type":"action",...} for \
            every per-match action, {"type":"notification",...} for every notification the policy's routes, \
            grouping, inhibition and dedupe would send (on event time), and {"type":"finding",...} for every \
            matching event a store receiver would keep, and {"type":"dpo_pair",...} for every DPO pair the \
            traffic's re-prompts complete. Nothing is sent or stored. stderr: malformed lines and a \
            per-rule summary. Use - to read stdin.
            """)

    @Option(name: .customLong("rules"), help: "Rule file or folder (repeatable).")
    var rules: [String] = []

    @Option(name: .customLong("policies"), help: "Policy file or folder (repeatable).")
    var policies: [String] = []

    @Argument(help: "Recorded traffic (JSON Lines).")
    var traffic: [String]

    @Flag(help: "Fail on the first malformed line instead of reporting and skipping it.")
    var strict = false

    @Flag(help: "Do not print the per-rule summary.")
    var quiet = false

    @Option(help: "Output: json (every transition and action, one object per line) or text (transitions, aligned).")
    var format: DryRun.Format = .json

    func validate() throws {
        if rules.isEmpty { throw ValidationError("give at least one --rules file or folder") }
    }

    func run() throws {
        let loaded = Configuration.load(rules: rules, policies: policies)
        let errors = Output.error
        errors.write(DiagnosticRenderer(format: .text).render(loaded.diagnostics))
        errors.flush()
        guard let graph = loaded.graph else {
            throw loaded.diagnostics.contains { $0.code == .fileUnreadable } ? ExitStatus.usage : ExitStatus.findings
        }
        let output = Output.standard
        let dryRun = DryRun(graph: graph, format: format)
        let progressLine = ProgressLine(output: output, errors: errors)
        dryRun.output = { line in
            progressLine.clear()
            output.line(line)
        }
        // From a pipe (`tail -f traffic.jsonl | sentinel dry-run … -`), what is known shows before more input comes.
        dryRun.beforeWaiting = {
            output.flush()
            errors.flush()
        }
        dryRun.onLate = { late in
            progressLine.clear()
            errors.line(late.description)
        }
        let started = Date()
        if errors.isTerminal {
            dryRun.progress = { lines in
                let rate = Double(lines) / max(Date().timeIntervalSince(started), 1e-9)
                progressLine.show("\(lines) lines, \(Int(rate)) lines/s")
            }
        }
        do {
            try dryRun.replay(paths: traffic) { malformed in
                progressLine.clear()
                errors.line(malformed.description)
                return !strict
            }
        } catch let malformed as DryRun.MalformedLine {
            _ = malformed
            output.flush()
            errors.flush()
            throw ExitStatus.findings
        } catch {
            output.flush()
            progressLine.clear()
            errors.line("error: \(error)")
            errors.flush()
            throw ExitStatus.usage
        }
        output.flush()
        progressLine.clear()
        // Events of a kind written otherwise than the rules' `on:` are read by nothing, without any error.
        for (kind, events) in dryRun.engine.unreadKinds {
            guard let near = Suggestion.closest(to: kind, in: graph.kinds) else { continue }
            let count = events == 1 ? "the 1 event" : "the \(events) events"
            errors.line("warning: no rule reads \(count) of kind '\(kind.escapingControls())' (did you mean '\(near)'?)")
        }
        if !quiet { errors.write(Summary.render(dryRun, seconds: Date().timeIntervalSince(started))) }
        errors.flush()
    }
}

/// The progress line `dry-run` keeps on a terminal: drawn after the output so far, and cleared before anything
/// else is written, so that no line is glued onto it.
final class ProgressLine {
    private let output: Output
    private let errors: Output
    private var shown = false

    init(output: Output, errors: Output) {
        self.output = output
        self.errors = errors
    }

    func show(_ text: String) {
        output.flush()
        errors.write("\r\(text)\u{1B}[K")
        errors.flush()
        shown = true
    }

    func clear() {
        guard shown else { return }
        errors.write("\r\u{1B}[K")
        errors.flush()
        shown = false
    }
}

/// The per-rule table `dry-run` prints to stderr.
enum Summary {
    static func render(_ dryRun: DryRun, seconds: Double) -> String {
        let engine = dryRun.engine
        let stats = engine.statistics
        let rate = Double(stats.events) / max(seconds, 1e-9)
        var out = "\(stats.events) events in \(String(format: "%.2f", seconds)) s (\(format(rate)) events/s)"
        out += "; \(dryRun.malformed) malformed, \(stats.lateEvents) late, \(engine.windowSampleOverflow) window samples over cap"
        if stats.regexGivenUp > 0 { out += ", \(stats.regexGivenUp) regex matches given up (read as no match)" }
        if stats.releasedEarly > 0 {
            out += ", \(stats.releasedEarly) held events evaluated before their lateness passed (over \(ByteCount.text(Engine.defaultMaxHeldBytes)) held)"
        }
        out += "\n"
        if stats.unreadEvents > 0 {
            let unread = engine.unreadKinds
            let others = stats.unreadEvents - unread.reduce(0) { $0 + $1.events }
            let listed = unread.map { "\($0.kind.escapingControls()) \($0.events)" } + (others > 0 ? ["other kinds \(others)"] : [])
            out += "events of kinds no rule reads: \(listed.joined(separator: ", "))\n"
        }
        let header = [
            "rule", "evals", "matches", "pending", "firing", "resolved", "firing time", "actions", "findings", "cost/eval",
            "group overflow",
        ]
        var rows = [header]
        for (i, rule) in engine.graph.rules.enumerated() {
            let s = engine.ruleStatistics[i]
            let cost = s.meanEvaluationNanoseconds
            rows.append([
                rule.name, "\(s.evaluations)", "\(s.matches)", "\(s.pending)", "\(s.firing)", "\(s.resolved)",
                DurationLiteral.format(milliseconds: s.firingMilliseconds / 1000 * 1000), "\(dryRun.actionCounts[rule.name] ?? 0)",
                "\(dryRun.findingCounts[rule.name] ?? 0)", "\(Int(cost))ns", "\(s.groupOverflow)",
            ])
        }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max()! }
        for row in rows {
            out += row.enumerated().map { column, cell in
                column == 0 ? cell.padding(toLength: widths[0], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[column] - cell.count) + cell
            }.joined(separator: "  ") + "\n"
        }
        if dryRun.pairCount > 0 { out += "DPO pairs: \(dryRun.pairCount)\n" }
        if !dryRun.notificationCounts.isEmpty {
            out += "notifications: "
                + dryRun.notificationCounts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + "\n"
        }
        return out
    }

    private static func format(_ rate: Double) -> String {
        rate >= 1e6 ? String(format: "%.2f M", rate / 1e6) : rate >= 1e3 ? String(format: "%.1f k", rate / 1e3) : String(format: "%.0f", rate)
    }
}

extension DryRun.Format: ExpressibleByArgument {}
