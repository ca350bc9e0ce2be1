import Foundation
import Testing

@Suite struct LintCommandTests {
    @Test func shippedRulesAndPoliciesAreClean() throws {
        let result = try SentinelProcess.run(["lint", "rules", "policies"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("0 error(s), 0 warning(s)"))
    }

    /// A folder with nothing to read is a wrong path: `lint` and `test` say so, and `dry-run` does not run with no
    /// rules (it did, exit 0, watching nothing).
    @Test func aFolderWithNothingToReadIsAnError() throws {
        let dir = try SentinelProcess.temporaryDirectory()
        try "notes".write(to: dir.appendingPathComponent("README.txt"), atomically: true, encoding: .utf8)
        for (command, wanted) in [
            (["lint", dir.path], "YAML files (*.yaml, *.yml)"), (["test", dir.path], "rule tests (*.test.yaml)"),
            (["dry-run", "--rules", dir.path, "examples/traffic.jsonl"], "rule or policy files"),
        ] {
            let result = try SentinelProcess.run(command)
            #expect(result.status != 0, "\(command)")
            #expect((result.stdout + result.stderr).contains("\(dir.path):1:1: error: the folder holds no \(wanted)"), "\(result.stdout)\(result.stderr)")
        }
    }

    /// Diagnostics at one position keep the order the checks found them in: deduplicated through a set, an error
    /// and a warning at one position swapped from run to run.
    @Test func diagnosticsAtOnePositionComeInOneOrder() throws {
        let dir = try SentinelProcess.temporaryDirectory()
        let file = dir.appendingPathComponent("m.yaml")
        try "macros:\n  kind: latency_ms > 1\nrules:\n  - {name: A, on: completion, when: \"latency_ms > 2\"}\n"
            .write(to: file, atomically: true, encoding: .utf8)
        // In the order the checks find them (the name's clash with a field, then the unused macro), every run.
        for _ in 0..<4 {
            let result = try SentinelProcess.run(["lint", file.path])
            let atName = result.stdout.split(separator: "\n").filter { $0.hasPrefix(file.path + ":2:3:") }
            #expect(atName.map { $0.contains(": error: ") } == [true, false], "\(result.stdout)")
        }
    }

    /// A receiver's bad settings are reported in the same run as the policy's other errors (a route to an
    /// undeclared receiver hid them until it was fixed).
    @Test func receiverSettingsAreCheckedDespiteOtherPolicyErrors() throws {
        let dir = try SentinelProcess.temporaryDirectory()
        let policy = dir.appendingPathComponent("p.yaml")
        try """
            actions: {notify: {type: notify}}
            receivers:
              - {name: log, type: log}
              - {name: wh, type: webhook, url: "ftp://x", timeout: 0s}
            route: {receiver: log, routes: [{receiver: nowhere}]}
            """.write(to: policy, atomically: true, encoding: .utf8)
        let rules = dir.appendingPathComponent("r.yaml")
        try "rules:\n  - {name: R, on: completion, when: \"latency_ms > 1\", actions: [notify]}\n".write(
            to: rules, atomically: true, encoding: .utf8)
        let result = try SentinelProcess.run(["lint", rules.path, policy.path])
        #expect(result.status == 1)
        let errors = result.stdout.split(separator: "\n").filter { $0.contains(": error: ") }
        #expect(errors.count == 3, "\(result.stdout)")
        #expect(errors.contains { $0.contains("'url': 'ftp://x'") })
        #expect(errors.contains { $0.contains("'timeout': '0s'") })
        #expect(errors.contains { $0.contains("nowhere") })
    }

    /// A file reached twice (through its folder and by name, or as `./x`) is read once by `lint` and by
    /// `dry-run`: its rules are not "defined twice".
    @Test func aFileNamedTwiceIsReadOnce() throws {
        let dir = try SentinelProcess.temporaryDirectory()
        let file = dir.appendingPathComponent("r.yaml")
        try "rules:\n  - {name: Slow, on: completion, group_by: [model], when: latency_ms > 1000}\n"
            .write(to: file, atomically: true, encoding: .utf8)
        for command in [
            ["lint", dir.path, file.path], ["lint", file.path, dir.path + "/./r.yaml"],
            ["dry-run", "--rules", dir.path, "--rules", file.path, "examples/traffic.jsonl"],
        ] {
            let result = try SentinelProcess.run(command)
            #expect(result.status == 0, "\(command): \(result.stdout)\(result.stderr)")
            #expect(!(result.stdout + result.stderr).contains("E0304"), "\(command)")
        }
    }

    /// An empty file is of neither kind: beside a policy file it makes no folder mixed.
    @Test func anEmptyFileBesideAPolicyFileIsOnlyEmpty() throws {
        let dir = try SentinelProcess.temporaryDirectory()
        try FileManager.default.copyItem(atPath: "policies/default.yaml", toPath: dir.appendingPathComponent("default.yaml").path)
        try "# nothing yet\n".write(to: dir.appendingPathComponent("extra.yaml"), atomically: true, encoding: .utf8)
        let result = try SentinelProcess.run(["lint", "rules", dir.path])
        #expect(result.status == 0, "\(result.stdout)")
        #expect(!result.stdout.contains("E0311"))
        #expect(result.stdout.contains("extra.yaml:1:1: warning: file is empty [W0106]"))
    }

    /// A rule test given as a rule file is named for what it is (its `tests` key was "promtool's" before).
    @Test func aRuleTestGivenAsRulesIsAMisplacedFile() throws {
        let result = try SentinelProcess.run(["dry-run", "--rules", "rules/safety.test.yaml", "examples/traffic.jsonl"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("rules/safety.test.yaml:1:1: error: a rule test (*.test.yaml), not a rule or policy file: run it with `sentinel test rules/safety.test.yaml` [E0311]"), "\(result.stderr)")
    }

    /// Rule files that define no enabled rule would run healthy and watch nothing. A test naming them says so
    /// where it names them (lint reports it there too), and a test naming another test as its rules is E0311.
    @Test(arguments: ["rules: []\n", "rules:\n  - {name: A, on: completion, when: latency_ms > 1, enabled: false}\n"])
    func ruleFilesDefiningNoEnabledRuleDoNotRun(rules: String) throws {
        let dir = try SentinelProcess.temporaryDirectory()
        let file = dir.appendingPathComponent("none.yaml")
        try ("lists:\n  a: [x]\n" + rules).write(to: file, atomically: true, encoding: .utf8)
        let result = try SentinelProcess.run(["dry-run", "--rules", file.path, "examples/traffic.jsonl"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("\(file.path):1:1: error: no rules: the rule files given define no enabled rule [E0302]"), "\(result.stderr)")
        try "rule_files: [none.yaml]\ntests:\n  - name: t\n    events: [{at: 0s, kind: completion}]\n    expect: [{at: 0s, alerts: []}]\n"
            .write(to: dir.appendingPathComponent("none.test.yaml"), atomically: true, encoding: .utf8)
        try "rule_files: [none.test.yaml]\ntests:\n  - name: t\n    events: [{at: 0s, kind: completion}]\n    expect: [{at: 0s, alerts: []}]\n"
            .write(to: dir.appendingPathComponent("other.test.yaml"), atomically: true, encoding: .utf8)
        let lint = try SentinelProcess.run(["lint", dir.appendingPathComponent("none.test.yaml").path, dir.appendingPathComponent("other.test.yaml").path])
        #expect(lint.status == 1)
        #expect(lint.stdout.contains("none.test.yaml:1:14: error: no rules: the rule files this test names define no enabled rule [E0302]"), "\(lint.stdout)")
        #expect(lint.stdout.contains("other.test.yaml:1:14: error: a rule test (*.test.yaml) is not a rule or policy file [E0311]"))
    }

    /// A file named before its folder still counts in the folder: a rule file among policy files is E0311.
    @Test func aFileNamedBeforeItsFolderStillCountsInTheFolder() throws {
        let dir = try SentinelProcess.temporaryDirectory()
        try FileManager.default.copyItem(atPath: "policies/default.yaml", toPath: dir.appendingPathComponent("a.yaml").path)
        try FileManager.default.copyItem(atPath: "policies/default.yaml", toPath: dir.appendingPathComponent("b.yaml").path)
        let rule = dir.appendingPathComponent("r.yaml")
        try "rules:\n  - {name: Slow, on: completion, group_by: [model], when: latency_ms > 1000}\n".write(to: rule, atomically: true, encoding: .utf8)
        let result = try SentinelProcess.run(["lint", rule.path, dir.path])
        #expect(result.stdout.contains("\(rule.path):1:1: error: a rule file in a folder of policy files"), "\(result.stdout)")
    }

    @Test func errorsArePositionedWithTheLineAndACaret() throws {
        let dir = try SentinelProcess.temporaryDirectory()
        let file = dir.appendingPathComponent("bad.yaml")
        try """
            rules:
              - name: Broken
                on: completion
                when: |
                  response_guard.safety == "unsafe"
                    and zscroe(latency_ms, 5m) > 3
                severty: critical
            """.write(to: file, atomically: true, encoding: .utf8)
        let result = try SentinelProcess.run(["lint", file.path])
        #expect(result.status == 1)
        #expect(result.stdout.contains("\(file.path):6:13: error: unknown function 'zscroe' (did you mean 'zscore'?) [E0202]"))
        #expect(result.stdout.contains("            and zscroe(latency_ms, 5m) > 3\n                ^~~~~~"))
        #expect(result.stdout.contains("\(file.path):7:5: error: unknown key 'severty' in rule 'Broken' (did you mean 'severity'?) [E0301]"))
    }

    /// Lints `test` as `lat.test.yaml` beside a rule file holding `Slow`: the exit status, and the diagnostic lines
    /// of `severity` with the test file's path written `t`.
    static func lintRuleTest(_ test: String, severity: String) throws -> (status: Int32, lines: [String], output: String) {
        let dir = try SentinelProcess.temporaryDirectory()
        try "rules:\n  - {name: Slow, on: completion, group_by: [model], when: latency_ms > 1000}\n"
            .write(to: dir.appendingPathComponent("lat.yaml"), atomically: true, encoding: .utf8)
        let file = dir.appendingPathComponent("lat.test.yaml")
        try test.write(to: file, atomically: true, encoding: .utf8)
        let result = try SentinelProcess.run(["lint", dir.path])
        let lines = result.stdout.split(separator: "\n").filter { $0.contains(": \(severity): ") }
        return (result.status, lines.map { $0.replacingOccurrences(of: file.path, with: "t") }, result.stdout)
    }

    /// A promtool test brought over: each promtool key is one error saying what Sentinel writes; keys that stand
    /// for Sentinel's (`eval_time`, `exp_alerts`, `exp_labels`) are read in their place, so there is no second
    /// "has no 'at'" or "has no 'alerts'" error.
    @Test func promtoolTestKeysSayWhatToWrite() throws {
        let (status, errors, output) = try Self.lintRuleTest(
            """
            evaluation_interval: 1m
            tests:
              - input_series: [{series: x, values: "1"}]
                events:
                  - {at: 0m, kind: completion, model: m1, latency_ms: 5000}
                expect:
                  - eval_time: 0m
                    exp_alerts:
                      - exp_labels: {model: m1}
                        alertname: Slow
            """, severity: "error")
        #expect(status == 1)
        #expect(
            errors == [
                "t:1:1: error: unknown key 'evaluation_interval' in a rule test file (promtool's 'evaluation_interval': rules are evaluated at each event they read, or on the ticks of their 'every:') [E0301]",
                "t:3:5: error: unknown key 'input_series' in test #1 (promtool's 'input_series': input is a list of events: events: [{at: 0m, kind: metric, name: ..., labels: {...}, value: 1}]) [E0301]",
                "t:7:9: error: unknown key 'eval_time' in an expectation (promtool's 'eval_time': the time is 'at:') [E0301]",
                "t:8:9: error: unknown key 'exp_alerts' in an expectation (promtool's 'exp_alerts': the expected alerts are 'alerts:') [E0301]",
                "t:9:13: error: unknown key 'exp_labels' in an expected alert (promtool's 'exp_labels': write 'labels:') [E0301]",
                "t:10:13: error: unknown key 'alertname' in an expected alert (promtool's 'alertname': write 'rule:') [E0301]",
            ], "\(output)")
    }

    /// An input event's field its kind does not have is a warning at the key, with the field meant: no rule can
    /// read it, so the test passes or fails for the wrong reason.
    @Test func aTestEventsUnknownFieldIsAWarningAtTheKey() throws {
        let (status, warnings, output) = try Self.lintRuleTest(
            """
            tests:
              - events:
                  - {at: 0m, kind: completion, model: m1, latency: 5000, attrs: {user: u}, response_guard: {safty: unsafe}}
                  - {at: 1m, kind: metric, name: x, model_name: m1, labels: {model_name: m1}, value: 1}
                  - {at: 2m, kind: feedback, anything: 1}
                expect:
                  - {at: 0m, alerts: []}
            """, severity: "warning")
        #expect(status == 0, "\(output)")
        #expect(
            warnings == [
                "t:3:47: warning: 'completion' events have no field 'latency', so no rule reads it (did you mean 'latency_ms'?) [W0115]",
                "t:3:97: warning: 'completion' events have no field 'response_guard.safty', so no rule reads it (did you mean 'response_guard.safety'?) [W0115]",
                "t:4:41: warning: 'metric' events have no field 'model_name', so no rule reads it (free-form fields go under labels: labels: {model_name: ...}) [W0115]",
            ], "\(output)")
    }

    /// A receiver without a `url` is one error and its other settings are still checked; a `url` that is no plain
    /// value is an error too.
    @Test func receiverURLsAreReportedOnceAndOtherSettingsStillChecked() throws {
        let dir = try SentinelProcess.temporaryDirectory()
        let file = dir.appendingPathComponent("p.yaml")
        try """
            receivers:
              - {name: a, type: webhook, timeout: banana}
              - {name: b, type: alertmanager, url: []}
            route: {receiver: a}
            """.write(to: file, atomically: true, encoding: .utf8)
        let result = try SentinelProcess.run(["lint", file.path])
        #expect(result.status == 1)
        let errors = result.stdout.split(separator: "\n").filter { $0.contains(": error: ") }.map { $0.replacingOccurrences(of: file.path, with: "p") }
        #expect(errors.count == 3, "\(result.stdout)")
        #expect(errors.filter { $0.contains("'url'") }.count == 2, "\(result.stdout)")
        #expect(errors.contains { $0.hasPrefix("p:2:5: error: webhook receiver 'a' has no 'url'") }, "\(result.stdout)")
        #expect(errors.contains { $0.contains("'timeout': 'banana' is not a duration") }, "\(result.stdout)")
        #expect(errors.contains { $0.hasPrefix("p:3:40: error: 'url' must be a string") }, "\(result.stdout)")
    }

    /// Old-Mac files break lines at a lone CR; they are positioned and quoted line by line as LF and CRLF files.
    @Test(arguments: ["\n", "\r\n", "\r"])
    func everyLineBreakStyleIsPositionedAlike(newline: String) throws {
        let dir = try SentinelProcess.temporaryDirectory()
        let file = dir.appendingPathComponent("bad.yaml")
        let lines = [
            "rules:", "  - name: Broken", "    on: completion", "    when: |", "      response_guard.safety == \"unsafe\"",
            "        and zscroe(latency_ms, 5m) > 3", "    severty: critical",
        ]
        try Data((lines.joined(separator: newline) + newline).utf8).write(to: file)
        let result = try SentinelProcess.run(["lint", file.path])
        #expect(result.status == 1)
        #expect(result.stdout.contains("\(file.path):6:13: error: unknown function 'zscroe' (did you mean 'zscore'?) [E0202]\n            and zscroe(latency_ms, 5m) > 3\n                ^" + String(repeating: "~", count: 21) + "\n"), "\(result.stdout)")
        #expect(result.stdout.contains("\(file.path):7:5: error: unknown key 'severty' in rule 'Broken' (did you mean 'severity'?) [E0301]\n        severty: critical\n        ^~~~~~~\n"), "\(result.stdout)")
    }

    /// `run --rules DIR` reads every file in DIR as a rule file: a policy file there lints clean by its keys but
    /// would not load, so lint says so for files it found in a folder (not for files given one by one).
    /// Warnings can be left out by code, so `--strict` can guard a pack with its own kinds; errors cannot.
    @Test func warningsCanBeIgnoredByCodeErrorsCannot() throws {
        let dir = try SentinelProcess.temporaryDirectory()
        let rules = dir.appendingPathComponent("r.yaml")
        try """
            rules:
              - {name: A, on: completions, when: 'count(1m) > 1'}
            """.write(to: rules, atomically: true, encoding: .utf8)
        let strict = try SentinelProcess.run(["lint", "--strict", rules.path])
        #expect(strict.status == 1)
        #expect(strict.stdout.contains("[W0112]"))
        let ignored = try SentinelProcess.run(["lint", "--strict", "--ignore", "W0112", rules.path])
        #expect(ignored.status == 0, "\(ignored.stdout)")
        #expect(ignored.stdout.contains("0 error(s), 0 warning(s)"))
        let error = try SentinelProcess.run(["lint", "--ignore", "E0207", rules.path])
        #expect(error.status == 2)
        #expect(error.stderr.contains("E0207 is an error"))
        let unknown = try SentinelProcess.run(["lint", "--ignore", "w0112", rules.path])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("did you mean 'W0112'?"))
    }

    @Test func aPolicyFileInAFolderOfRuleFilesIsAnError() throws {
        let dir = try SentinelProcess.temporaryDirectory().appendingPathComponent("rules")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for name in ["performance.yaml", "safety.yaml"] {
            try FileManager.default.copyItem(
                at: SentinelProcess.packageRoot.appendingPathComponent("rules/\(name)"), to: dir.appendingPathComponent(name))
        }
        try FileManager.default.copyItem(at: SentinelProcess.packageRoot.appendingPathComponent("rules/common.yaml"), to: dir.appendingPathComponent("common.yaml"))
        let policy = dir.appendingPathComponent("zz-policy.yaml")
        try FileManager.default.copyItem(at: SentinelProcess.packageRoot.appendingPathComponent("policies/default.yaml"), to: policy)
        let result = try SentinelProcess.run(["lint", dir.path])
        #expect(result.status == 1, "\(result.stdout)")
        #expect(result.stdout.contains("\(policy.path):1:1: error: a policy file in a folder of rule files: `sentinel run --rules \(dir.path)` reads every file there as a rule file"), "\(result.stdout)")
        // The same files given one by one are fine: `run --rules A --rules B --policies C` loads them.
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).map { dir.appendingPathComponent($0).path }
        let oneByOne = try SentinelProcess.run(["lint"] + files)
        #expect(oneByOne.status == 0, "\(oneByOne.stdout)")
        // One file of each kind: the policy file is the misplaced one, not both.
        for name in ["performance.yaml", "safety.yaml"] { try FileManager.default.removeItem(at: dir.appendingPathComponent(name)) }
        let tie = try SentinelProcess.run(["lint", dir.path])
        #expect(tie.stdout.components(separatedBy: "[E0311]").count == 2, "\(tie.stdout)")
        #expect(tie.stdout.contains("\(policy.path):1:1: error: a policy file in a folder of rule files"), "\(tie.stdout)")
    }

    @Test func aRulesFolderGivenAsASymlinkIsRead() throws {
        let dir = try SentinelProcess.temporaryDirectory()
        let link = dir.appendingPathComponent("rules-link")
        try FileManager.default.createSymbolicLink(
            at: link, withDestinationURL: SentinelProcess.packageRoot.appendingPathComponent("rules"))
        let result = try SentinelProcess.run(["lint", link.path, "policies"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("16 rule(s)"))
    }

    /// Folders are searched: one named like a YAML file is searched too, not read as a file.
    @Test func aFolderNamedLikeAYAMLFileIsSearched() throws {
        let dir = try SentinelProcess.temporaryDirectory()
        let folder = dir.appendingPathComponent("more.yaml")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try "rules:\n  - {name: R, on: completion, when: 'latency_ms > 1'}\n".write(
            to: folder.appendingPathComponent("inner.yaml"), atomically: true, encoding: .utf8)
        let result = try SentinelProcess.run(["lint", dir.path])
        #expect(result.status == 0, "\(result.stdout)")
        #expect(result.stdout.contains("1 file(s), 1 rule(s): 0 error(s), 0 warning(s)"), "\(result.stdout)")
    }

    /// A named pipe in a rules folder once made lint wait forever for a writer.
    @Test func aNamedPipeIsAnUnreadableFileNotAHang() throws {
        let dir = try SentinelProcess.temporaryDirectory()
        let fifo = dir.appendingPathComponent("fifo.yaml")
        #expect(mkfifo(fifo.path, 0o600) == 0)
        let result = try SentinelProcess.run(["lint", dir.path])
        #expect(result.status == 2)
        #expect(result.stdout.contains("\(fifo.path):1:1: error: cannot read '\(fifo.path)': it is a named pipe, not a regular file [E0101]"), "\(result.stdout)")
    }

    @Test func unusableReceiverSettingsAndUnreachableRoutesArePositioned() throws {
        let dir = try SentinelProcess.temporaryDirectory()
        let rules = dir.appendingPathComponent("rules.yaml")
        let policy = dir.appendingPathComponent("policy.yaml")
        try "rules:\n  - {name: R, on: completion, when: 'latency_ms > 1', labels: {team: sre}, actions: [notify]}\n"
            .write(to: rules, atomically: true, encoding: .utf8)
        try """
            actions: {notify: {type: notify}}
            receivers:
              - {name: log, type: log}
              - {name: hook, type: webhook, url: "ftp://example", timeout: 10 s}
            route:
              receiver: log
              routes:
                - {matchers: ['team="billing"'], receiver: hook}
            """.write(to: policy, atomically: true, encoding: .utf8)
        let result = try SentinelProcess.run(["lint", rules.path, policy.path])
        #expect(result.status == 1)
        // At the value at fault, not the receiver's name.
        #expect(result.stdout.contains("\(policy.path):4:38: error: receiver 'hook': 'url': 'ftp://example' is not an http or https URL with a host"))
        #expect(result.stdout.contains("\(policy.path):8:7: warning: no alert can reach this route"))
        // The same policy does not start: the receiver is checked before anything is served.
        let run = try SentinelProcess.run(
            ["run", "--rules", rules.path, "--policies", policy.path, "--store", dir.appendingPathComponent("s.db").path, "--listen", "127.0.0.1:0"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("'url': 'ftp://example'"))
    }

    @Test func jsonAndGithubFormats() throws {
        let dir = try SentinelProcess.temporaryDirectory()
        let file = dir.appendingPathComponent("bad.yaml")
        try "rules:\n  - {name: R, on: completion, when: \"count(5x) > 1\"}\n".write(to: file, atomically: true, encoding: .utf8)
        let json = try SentinelProcess.run(["lint", "--format", "json", file.path])
        #expect(json.status == 1)
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.split(separator: "\n")[0].utf8)) as? [String: Any]
        #expect(object?["code"] as? String == "E0206")
        #expect(object?["line"] as? Int == 2)
        #expect((object?["notes"] as? [Any])?.isEmpty == true)  // every object has the same keys
        let github = try SentinelProcess.run(["lint", "--format", "github", file.path])
        #expect(github.stdout.hasPrefix("::error file=\(file.path),line=2,col="))
    }

    /// A key quoting a line break and a forged diagnostic stays on its own line in the text format.
    @Test func controlCharactersInMessagesAreWrittenOut() throws {
        let dir = try SentinelProcess.temporaryDirectory()
        let file = dir.appendingPathComponent("bad.yaml")
        try #"rules: [{name: R, on: completion, when: "true", "bad\nx.yaml:1:1: error: forged [E0000]\t\u001B": 1}]"#
            .write(to: file, atomically: true, encoding: .utf8)
        let result = try SentinelProcess.run(["lint", file.path])
        #expect(result.status == 1)
        #expect(
            result.stdout.contains(#"error: unknown key 'bad\nx.yaml:1:1: error: forged [E0000]\t\u{1B}' in rule 'R' [E0301]"#),
            "\(result.stdout)")
        #expect(!result.stdout.split(separator: "\n").contains { $0.hasPrefix("x.yaml") })
    }

    @Test func warningsFailOnlyWithStrict() throws {
        let dir = try SentinelProcess.temporaryDirectory()
        let file = dir.appendingPathComponent("warn.yaml")
        try "macros:\n  idle: \"true\"\nrules:\n  - {name: R, on: completion, when: \"true\"}\n".write(
            to: file, atomically: true, encoding: .utf8)
        #expect(try SentinelProcess.run(["lint", file.path]).status == 0)
        #expect(try SentinelProcess.run(["lint", "--strict", file.path]).status == 1)
    }

    @Test func missingFilesAreUsageErrors() throws {
        let result = try SentinelProcess.run(["lint", "/nonexistent/rules.yaml"])
        #expect(result.status == 2)
        #expect(result.stdout.contains("no such file or folder"))
    }

    @Test(arguments: [["lint", "--format", "bogus", "rules"], ["dry-run", "examples/traffic.jsonl"], ["lint"]])
    func usageErrorsExitWithTwo(arguments: [String]) throws {
        let result = try SentinelProcess.run(arguments)
        #expect(result.status == 2)
        #expect(result.stderr.contains("Usage: sentinel"))
    }

    @Test func aByteOrderMarkIsSkipped() throws {
        let dir = try SentinelProcess.temporaryDirectory()
        let file = dir.appendingPathComponent("bom.yaml")
        try Data([0xEF, 0xBB, 0xBF] + Array("lists:\n  a: [x]\nrules: []\n".utf8)).write(to: file)
        let result = try SentinelProcess.run(["lint", file.path])
        #expect(result.status == 0, "\(result.stdout)")
        #expect(result.stdout.contains("\(file.path):2:3: warning: list 'a' is never used [W0102]"))
    }

    /// Each of these once crashed or hung lint; now each is one positioned error, found quickly.
    @Test func hostileConditionsAreOneErrorEach() throws {
        let dir = try SentinelProcess.temporaryDirectory()
        let bomb = dir.appendingPathComponent("bomb.yaml")
        let macros = (1...30).map { "  m\($0): m\($0 - 1) and m\($0 - 1)" }.joined(separator: "\n")
        try "macros:\n  m0: latency_ms > 1\n\(macros)\nrules:\n  - {name: A, on: completion, when: m30}\n"
            .write(to: bomb, atomically: true, encoding: .utf8)
        let chain = dir.appendingPathComponent("chain.yaml")
        let terms = (0..<100_000).map { "latency_ms > \($0)" }.joined(separator: " and ")
        try "rules:\n  - name: B\n    on: completion\n    when: \(terms)\n".write(to: chain, atomically: true, encoding: .utf8)
        let windows = dir.appendingPathComponent("windows.yaml")
        try "rules:\n  - {name: C, on: completion, when: 'psi(model, 99999999999d, 99999999999d) > 1'}\n"
            .write(to: windows, atomically: true, encoding: .utf8)
        let result = try SentinelProcess.run(["lint", bomb.path, chain.path, windows.path])
        #expect(result.status == 1)
        #expect(result.stdout.contains("\(bomb.path):34:37: error: macro 'm30' expands to more than 100000 terms"))
        #expect(result.stdout.contains("\(chain.path):4:"))
        #expect(result.stdout.contains("\(windows.path):2:49: error: '99999999999d' is longer than 3650d"))
        #expect(result.stdout.contains("3 file(s), 3 rule(s): 3 error(s), 0 warning(s)"))
    }

    @Test func malformedYAMLIsReportedNotCrashed() throws {
        let dir = try SentinelProcess.temporaryDirectory()
        let file = dir.appendingPathComponent("broken.yaml")
        try "rules:\n  - name: \"unterminated\n    on: completion\n".write(to: file, atomically: true, encoding: .utf8)
        let result = try SentinelProcess.run(["lint", file.path])
        #expect(result.status == 1)
        #expect(result.stdout.contains("[E0102]"))
    }
}
