public import SentinelCore
public import SentinelParse
import Foundation

/// Finding, reading and compiling rule and policy files: the one way every command loads a configuration.
public enum Configuration {
    /// Result of loading: the graph (nil on errors) and every diagnostic.
    public struct Loaded: Sendable {
        public var graph: ConditionGraph?
        public var diagnostics: [Diagnostic]
        public var ruleFiles: [String]
        public var policyFiles: [String]
        /// The rule files compiled without errors but define no enabled rule (the error is among `diagnostics`).
        public var definesNoRules = false
    }

    /// Reads rule files and policy files (paths of files or folders) and compiles them together.
    public static func load(rules: [String], policies: [String]) -> Loaded {
        var diagnostics: [Diagnostic] = []
        let ruleFiles = expand(rules, &diagnostics)
        let policyFiles = expand(policies, &diagnostics)
        let ruleSyntax = ruleFiles.map { path -> RuleFileSyntax in
            let (syntax, found) = RuleFileReader.read(path: path)
            diagnostics += found
            return syntax
        }
        let policySyntax = policyFiles.map { path -> PolicyFileSyntax in
            let (syntax, found) = PolicyFileReader.read(path: path)
            diagnostics += found
            return syntax
        }
        var graph: ConditionGraph?
        let (compiled, found) = Compiler.compile(rules: ruleSyntax, policies: policySyntax)
        diagnostics += found
        // Files that define no enabled rule (`rules: []`, empty files, every rule `enabled: false`) would run healthy
        // and watch nothing.
        let definesNoRules = !ruleFiles.isEmpty && !diagnostics.hasErrors && compiled?.rules.isEmpty == true
        if definesNoRules, let first = ruleFiles.first {
            diagnostics.append(
                Diagnostic(
                    .missingKey, "no rules: the rule files given define no enabled rule",
                    at: SourceLocation(file: first, line: 1, column: 1)))
        }
        if !diagnostics.hasErrors { graph = compiled }
        return Loaded(
            graph: graph, diagnostics: diagnostics.sortedByLocation(), ruleFiles: ruleFiles, policyFiles: policyFiles,
            definesNoRules: definesNoRules)
    }

    /// YAML files named by `paths`: files as given, folders searched recursively in name order, keeping rule
    /// tests (`*.test.yaml`) only when `tests` is true, everything else only when false, both when nil. A missing
    /// path, or a folder with no such file, is an error diagnostic. A folder inside one whose name ends in `.yaml` is
    /// searched, not taken for a file.
    /// A file reached twice (a folder and a file in it, `a.yaml` and `./a.yaml`) is listed once, where first found.
    public static func expand(_ paths: [String], _ diagnostics: inout [Diagnostic], tests: Bool? = false) -> [String] {
        var files: [String] = []
        let manager = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
                diagnostics.append(
                    Diagnostic(.fileUnreadable, "no such file or folder", at: SourceLocation(file: path, line: 1, column: 1)))
                continue
            }
            guard isDirectory.boolValue else {
                if tests == false, isTest(path) {
                    diagnostics.append(
                        Diagnostic(
                            .misplacedFile, "a rule test (*.test.yaml), not a rule or policy file: run it with `sentinel test \(path)`",
                            at: SourceLocation(file: path, line: 1, column: 1)))
                    continue
                }
                files.append(path)
                continue
            }
            // A folder given as a symlink is enumerated through its target (the enumerator does not follow it);
            // the files keep the path as given.
            let root = (path as NSString).resolvingSymlinksInPath
            let found = (manager.enumerator(atPath: root)?.allObjects as? [String] ?? [])
                .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }
                .filter { tests == nil || isTest($0) == tests }
                .filter { name in
                    var isFolder: ObjCBool = false
                    return !(manager.fileExists(atPath: (root as NSString).appendingPathComponent(name), isDirectory: &isFolder)
                        && isFolder.boolValue)
                }
                .sorted()
            // A folder with nothing to read is a wrong path, not an empty configuration: a run with no rules would
            // look healthy and watch nothing.
            if found.isEmpty {
                let wanted =
                    switch tests {
                    case true: "rule tests (*.test.yaml)"
                    case false: "rule or policy files (*.yaml, *.yml; rule tests are not)"
                    case nil: "YAML files (*.yaml, *.yml)"
                    }
                diagnostics.append(
                    Diagnostic(.fileUnreadable, "the folder holds no \(wanted)", at: SourceLocation(file: path, line: 1, column: 1)))
            }
            files += found.map { (path as NSString).appendingPathComponent($0) }
        }
        var seen: Set<String> = []
        return files.filter { seen.insert(canonicalPath($0)).inserted }
    }

    /// `path` absolute, without `.` or `..` and with symbolic links resolved: one spelling per file.
    public static func canonicalPath(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }

    /// Whether a file is a rule test (`*.test.yaml`).
    public static func isTest(_ path: String) -> Bool { path.hasSuffix(".test.yaml") || path.hasSuffix(".test.yml") }
}
