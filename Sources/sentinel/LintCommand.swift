import ArgumentParser
import SentinelCompile
import Foundation
import SentinelCore
import SentinelNotify
import SentinelParse
import SentinelTesting

struct LintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Check rule, policy and rule-test files; report every problem as file:line:col.",
        discussion: """
            Files are told apart by their keys: policy files hold settings/actions/receivers/route, rule test \
            files end in .test.yaml, everything else is a rule file. Rules and policies are compiled together, \
            so pass both to check action references. Exit 0 clean, 1 errors (or warnings with --strict), 2 usage or I/O.
            """)

    @Argument(help: "Files or folders (searched recursively for .yaml/.yml).")
    var paths: [String]

    @Option(help: "Output format: text, json or github.")
    var format: DiagnosticFormat = .text

    @Flag(help: "Treat warnings as errors.")
    var strict = false

    @Option(
        name: .customLong("ignore"),
        help: ArgumentHelp(
            "A warning code not to report, such as W0112 (repeatable). Errors cannot be ignored: run would refuse them.",
            valueName: "code"))
    var ignored: [String] = []

    func validate() throws {
        for code in ignored {
            guard let known = DiagnosticCode(rawValue: code) else {
                let codes = DiagnosticCode.allCases.map(\.rawValue)
                throw ValidationError("--ignore \(code): no such code\(Suggestion.didYouMean(code, in: codes))")
            }
            guard known.defaultSeverity == .warning else {
                throw ValidationError("--ignore \(code): \(code) is an error, which would stop 'run' and 'dry-run' from loading; only warnings can be ignored")
            }
        }
    }

    func run() throws {
        var diagnostics: [Diagnostic] = []
        // Files given one by one can be passed to `run` one by one; those found in a folder go in with the folder.
        var files: Set<String> = []
        var inFolders: Set<String> = []
        // A file named twice (`rules rules/a.yaml`, `a.yaml ./a.yaml`) is read once, as `run` reads it.
        var seen: [String: String] = [:]
        for path in paths {
            // As first found: a file named again (through its folder, or as ./x) is the same file.
            let found = Configuration.expand([path], &diagnostics, tests: nil).map { file in
                let canonical = Configuration.canonicalPath(file)
                if let first = seen[canonical] { return first }
                seen[canonical] = file
                return file
            }
            files.formUnion(found)
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
                inFolders.formUnion(found.filter { !Configuration.isTest($0) })
            }
        }
        var ruleFiles: [RuleFileSyntax] = []
        var policyFiles: [PolicyFileSyntax] = []
        var policyPaths: Set<String> = []
        for file in files.sorted() {
            if Configuration.isTest(file) {
                diagnostics += RuleTestRunner.check(path: file)
                continue
            }
            let loaded = YAMLLoader.load(path: file)
            // An empty file is of neither kind (W0106): it makes no folder mixed.
            if loaded.documents.isEmpty { inFolders.remove(file) }
            if Self.isPolicy(loaded) {
                policyPaths.insert(file)
                let (syntax, found) = PolicyFileReader.read(loaded: loaded, file: file)
                policyFiles.append(syntax)
                diagnostics += found
            } else {
                let (syntax, found) = RuleFileReader.read(loaded: loaded, file: file)
                ruleFiles.append(syntax)
                diagnostics += found
            }
        }
        diagnostics += Self.mixedFolders(inFolders.sorted(), policies: policyPaths)
        diagnostics += Compiler.compile(rules: ruleFiles, policies: policyFiles).1
        // Receiver settings (URLs, durations) are checked on the policies as read, so rule errors and the policies'
        // other errors (a route to an undeclared receiver) do not hide them.
        let policy = Compiler.policyAsRead(policyFiles)
        diagnostics += PolicyReceivers.make(policy, environment: [:], checkEnvironment: false).diagnostics
        let ignoredCodes = Set(ignored.compactMap(DiagnosticCode.init(rawValue:)))
        // Duplicates (a file read as part of two folders) dropped in order: a set's order changes from run to run.
        var reported = Set<Diagnostic>()
        diagnostics = diagnostics.filter { !ignoredCodes.contains($0.code) && reported.insert($0).inserted }.sortedByLocation()
        let output = Output.standard
        output.write(DiagnosticRenderer(format: format).render(diagnostics))
        let errors = diagnostics.filter { $0.severity == .error }.count
        let warnings = diagnostics.filter { $0.severity == .warning }.count
        if format == .text {
            let rules = ruleFiles.reduce(0) { $0 + $1.rules.count }
            output.line(
                "\(files.count) file(s), \(rules) rule(s): \(errors) error(s), \(warnings) warning(s)")
        }
        output.flush()
        if diagnostics.contains(where: { $0.code == .fileUnreadable }) { throw ExitStatus.usage }
        if errors > 0 || (strict && warnings > 0) { throw ExitStatus.findings }
    }

    /// `lint` tells files apart by their keys, but `run` and `dry-run` by the flag that names their folder
    /// (`--rules`, `--policies`), reading every file in it as that kind: a folder holding both kinds cannot be
    /// loaded either way. Of `files` (those found in folders given to `lint`), the ones of the kind in the minority
    /// in their folder (both kinds on a tie) are errors.
    static func mixedFolders(_ files: [String], policies: Set<String>) -> [Diagnostic] {
        var byFolder: [String: [String]] = [:]
        for file in files { byFolder[(file as NSString).deletingLastPathComponent, default: []].append(file) }
        var found: [Diagnostic] = []
        for (folder, inFolder) in byFolder {
            let policyCount = inFolder.filter(policies.contains).count
            let ruleCount = inFolder.count - policyCount
            guard policyCount > 0, ruleCount > 0 else { continue }
            for file in inFolder.sorted() {
                let isPolicy = policies.contains(file)
                // The minority is misplaced; on a tie, the policy files (a folder of rules is the usual layout), so
                // the two files do not each say the other's kind rules the folder.
                guard isPolicy ? policyCount <= ruleCount : ruleCount < policyCount else { continue }
                let (kind, other, flag) = isPolicy ? ("policy", "rule", "--rules") : ("rule", "policy", "--policies")
                found.append(
                    Diagnostic(
                        .misplacedFile,
                        "a \(kind) file in a folder of \(other) files: `sentinel run \(flag) \(folder)` reads every file "
                            + "there as a \(other) file, so this one would not load; keep \(kind) files in a folder of their own",
                        at: SourceLocation(file: file, line: 1, column: 1)))
            }
        }
        return found
    }

    private static func isPolicy(_ loaded: YAMLLoader.Result) -> Bool {
        guard case .mapping(let pairs)? = loaded.documents.first?.content else { return false }
        return pairs.contains { pair in
            if case .scalar(let key) = pair.key.content { return PolicyFileReader.topLevelKeys.contains(key.value) }
            return false
        }
    }
}

extension DiagnosticFormat: ExpressibleByArgument {}
