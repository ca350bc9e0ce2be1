import Foundation
import SentinelCore
import Testing

import SentinelParse

@Suite struct YAMLLoaderTests {
    // MARK: Positions

    @Test func nodePositionsCountScalarsForColumnsAndBytesForOffsets() throws {
        // libyaml's marks count characters; `é` is 2 bytes, `😀` is 4.
        let text = "# é comment\nkéy: v😀x\nname: 'ü'\n"
        let root = try loadOne(text)
        let pair = try #require(root.pairs.first)
        #expect(pair.key.range.start == locate("kéy", in: text))
        #expect(pair.value.range.start == locate("v😀x", in: text))
        #expect(pair.value.range.start.offset == 19)
        #expect(pair.value.range.start.column == 6)
        #expect(pair.value.range.end == locate("\nname", in: text))
        let quoted = try #require(root["name"])
        #expect(quoted.range.start == locate("'ü'", in: text))
        #expect(quoted.range.end.column == 10)
        let closingQuote = locate("'\n", in: text, after: "ü")
        #expect(quoted.scalar?.valueLocations == [locate("ü", in: text), closingQuote])
    }

    /// libyaml's complaints about expressions written as plain YAML values say what usually causes them.
    @Test(arguments: [
        ("when: \"m1\" == model\n", 1, 12, "a value that starts with a quote ends at its closing quote"),
        ("when: 'm1' == model\n", 1, 12, "a value that starts with a quote ends at its closing quote"),
        ("when: prompt icontains \"system: now\"\n", 1, 31, "a ': ' inside an unquoted value starts a mapping"),
        ("a:\n  name: A\n   on: completion\n", 3, 6, "a key indented differently from the keys beside it, or a ': ' inside"),
        ("a:\n  when: x >\n    y \"note: z\"\n", 3, 12, "or a ': ' inside an unquoted value starts a mapping"),
    ])
    func yamlErrorsInRuleValuesSayWhatUsuallyCausesThem(text: String, line: Int, column: Int, hint: String) throws {
        let result = YAMLLoader.load(text: text, file: "t.yaml")
        let error = try #require(result.diagnostics.first, "\(result.diagnostics)")
        #expect(error.range?.start.line == line && error.range?.start.column == column, "\(error)")
        #expect(error.message.contains(hint), "\(error.message)")
    }

    @Test func crlfLineBreaksAndByteOrderMark() throws {
        let crlf = "a: b\r\nc: 'd'\r\n"
        let root = try loadOne(crlf)
        #expect(root["c"]?.range.start == at(2, 4, 9))

        let bom = "\u{FEFF}k: v\n"
        let withBOM = try loadOne(bom)
        #expect(withBOM.pairs.first?.key.range.start == at(1, 1, 3))
        #expect(withBOM["k"]?.range.start == at(1, 4, 6))
    }

    /// libyaml breaks lines at a lone CR (old Mac files) as at LF and CR LF; positions, value locations inside
    /// quoted and block scalars included, break them the same way.
    @Test(arguments: ["\n", "\r\n", "\r"])
    func everyLineBreakStyleGivesTheSamePositions(newline: String) throws {
        let lines = ["rule:", "  when: |", "    a == 1", "      and b", "  quoted: \"x", "    y\"", "k: v"]
        let text = lines.joined(separator: newline) + newline
        let root = try loadOne(text)
        let width = newline.utf8.count
        #expect(root["k"]?.range.start == at(7, 4, 56 + 6 * width))
        let block = try #require(root["rule"]?["when"]?.scalar)
        #expect(block.value == "a == 1\n  and b\n")
        #expect(block.location(ofValueOffset: 0) == at(3, 5, 18 + 2 * width))
        #expect(block.location(ofValueOffset: 9) == at(4, 7, 30 + 3 * width))
        let quoted = try #require(root["rule"]?["quoted"]?.scalar)
        #expect(quoted.value == "x y")
        #expect(quoted.location(ofValueOffset: 2) == at(6, 5, 51 + 5 * width))
    }

    @Test func aByteOrderMarkIsNotIndentation() throws {
        // libyaml, forced to UTF-8, read the BOM as a column of the first line: a later key at column 1 then
        // closed the mapping ("did not find expected <document start>").
        let text = "\u{FEFF}lists:\n  a: [x]\nrules: []\n"
        let root = try loadOne(text)
        #expect(root.pairs.map { $0.key.scalar?.value } == ["lists", "rules"])
        #expect(root.pairs.first?.key.range.start == at(1, 1, 3))
        #expect(root.pairs.last?.key.range.start == at(3, 1, 19))

        let error = try #require(load("\u{FEFF}k: [\n").diagnostics.first)
        #expect(error.range?.start.line == 2)
        let invalid = YAMLLoader.load(bytes: [0xEF, 0xBB, 0xBF] + Array("k: v\n".utf8) + [0xFF], file: "t.yaml")
        #expect(invalid.diagnostics.first?.range?.start == at(2, 1, 8))
        #expect(load("\u{FEFF}").diagnostics.isEmpty)
    }

    @Test func propertiesAreNotPartOfTheNodeRange() throws {
        let text = "a: &x !!str 5\nb: !custom\n  - 1\nc: [&y 1, !t z]\n"
        let result = load(text)
        #expect(result.diagnostics.map(\.code) == [.unsupportedTag, .unsupportedTag])
        let root = try #require(result.documents.first)
        let a = try #require(root["a"])
        #expect(a.tag == "!!str")
        #expect(a.range.start == locate("5", in: text))
        #expect(a.scalar?.valueLocations.first == locate("5", in: text))
        #expect(root["b"]?.tag == "!custom")
        #expect(root["b"]?.range.start == locate("- 1", in: text))
        #expect(root["c"]?.items.last?.range.start == locate("z]", in: text))

        // Found by fuzzing: an anchor name ends where libyaml ends it, not at the next blank.
        let glued = "k: &a:x\n"
        #expect(try loadOne(glued)["k"]?.range.start == locate(":x", in: glued))
    }

    // MARK: Tags

    /// Tags were kept on the node and ignored: `!!str 2000` read as a number, `!!int completion` as text and
    /// `!!binary aGVsbG8=` as its base64 text.
    @Test func tagsDecideHowAScalarIsReadOrAreRefusedWithTheirPosition() throws {
        let root = try loadOne("s: !!str 2000\nn: !!null ''\ni: !!int \"42\"\nf: !!float -1.5e3\nb: !!bool True\nm: !!map {k: v}\nq: !!seq [1]\n")
        #expect(root["s"]?.scalar?.isPlain == false)
        #expect(root["n"]?.scalar?.isNull == true)
        #expect(root["i"]?.scalar?.isPlain == true)
        #expect(root["f"]?.scalar?.isPlain == true)
        #expect(root["b"]?.scalar?.isPlain == true)

        let text = "on: !!int completion\nname: !!binary aGVsbG8=\nx: !foo 1\nl: !!str [1]\nz: !!float 1e\n"
        let messages = load(text).diagnostics.map { "\($0.code.rawValue) \($0.range!.start.line):\($0.range!.start.column) \($0.message)" }
        #expect(
            messages == [
                "E0106 1:5 tag '!!int' is on 'completion', which is not a whole number",
                "E0106 2:7 tag '!!binary' is not supported (only !!str, !!int, !!float, !!bool, !!null, !!seq and !!map)",
                "E0106 3:4 tag '!foo' is not supported (only !!str, !!int, !!float, !!bool, !!null, !!seq and !!map)",
                "E0106 4:4 tag '!!str' is for a scalar, not a sequence",
                "E0106 5:4 tag '!!float' is on '1e', which is not a number",
            ])
    }

    /// Every file kind reads through the loader, so a tag mistake in a rule file is an error there too.
    @Test func aRuleFileWithAMismatchedTagIsAnError() {
        let (_, diagnostics) = RuleFileReader.read(
            text: "rules:\n  - {name: R, on: !!int completion, when: \"count(1m) > 1\"}\n", file: "r.yaml")
        #expect(diagnostics.contains { $0.code == .unsupportedTag && $0.severity == .error })
    }

    // MARK: Value locations by scalar style

    @Test func plainMultiLineValueLocations() throws {
        let text = "k: alpha\n  beta   gamma\n\n  delta\n"
        let scalar = try #require(loadOne(text)["k"]?.scalar)
        #expect(scalar.value == "alpha beta   gamma\ndelta")
        expectAligned(scalar, text)
        #expect(scalar.location(ofValueOffset: 6) == locate("beta", in: text))
        #expect(scalar.location(ofValueOffset: 13) == locate("gamma", in: text))
        #expect(scalar.location(ofValueOffset: 19) == locate("delta", in: text))
        // The folded space sits where the line break is.
        #expect(scalar.location(ofValueOffset: 5) == at(1, 9, 8))
        #expect(scalar.valueLocations.last == locate("\n", in: text, after: "delta"))
    }

    @Test func singleQuotedValueLocations() throws {
        let text = "k: 'it''s a\n   multi  line'\n"
        let scalar = try #require(loadOne(text)["k"]?.scalar)
        #expect(scalar.value == "it's a multi  line")
        expectAligned(scalar, text)
        #expect(scalar.location(ofValueOffset: 2) == locate("''s", in: text))
        #expect(scalar.location(ofValueOffset: 3) == locate("s a", in: text))
        #expect(scalar.location(ofValueOffset: 7) == locate("multi", in: text))
        #expect(scalar.location(ofValueOffset: 14) == locate("line", in: text))
        #expect(scalar.valueLocations.last == locate("'\n", in: text, after: "line"))
    }

    @Test func doubleQuotedValueLocationsFollowEscapes() throws {
        let text = #"k: "say \"hi\"\n\tx\u00e9 \\ end\"# + "\n    more \"\n"
        let scalar = try #require(loadOne(text)["k"]?.scalar)
        #expect(scalar.value == "say \"hi\"\n\txé \\ endmore ")
        let value = Array(scalar.value.unicodeScalars)
        #expect(scalar.valueLocations.count == value.count + 1)
        #expect(scalar.location(ofValueOffset: 4) == locate(#"\"hi"#, in: text))
        #expect(scalar.location(ofValueOffset: 5) == locate("hi", in: text))
        #expect(scalar.location(ofValueOffset: 8) == locate(#"\n"#, in: text))
        #expect(scalar.location(ofValueOffset: 9) == locate(#"\t"#, in: text))
        #expect(scalar.location(ofValueOffset: 10) == locate(#"x\u"#, in: text))
        #expect(scalar.location(ofValueOffset: 11) == locate(#"\u00e9"#, in: text))
        #expect(scalar.location(ofValueOffset: 13) == locate(#"\\"#, in: text))
        #expect(scalar.location(ofValueOffset: 18) == locate("more", in: text))
        #expect(scalar.location(ofValueOffset: 18)?.line == 2)
    }

    @Test func literalBlockValueLocations() throws {
        let text = """
            rule:
              when: |
                a == 1 &&
                  b > 2

                c
              next: x

            """
        let scalar = try #require(loadOne(text)["rule"]?["when"]?.scalar)
        #expect(scalar.value == "a == 1 &&\n  b > 2\n\nc\n")
        expectAligned(scalar, text)
        #expect(scalar.location(ofValueOffset: 0) == at(3, 5, 20))
        #expect(scalar.location(ofValueOffset: 10) == at(4, 5, 34))
        #expect(scalar.location(ofValueOffset: 12) == locate("b > 2", in: text))
        #expect(scalar.location(ofValueOffset: 19) == locate("c\n", in: text))
    }

    @Test func literalBlockWithIndentationIndicatorAndChomping() throws {
        let text = "k: |2-\n     x\n   y\n\nz: 1\n"
        let scalar = try #require(loadOne(text)["k"]?.scalar)
        #expect(scalar.value == "   x\n y")
        expectAligned(scalar, text)
        #expect(scalar.location(ofValueOffset: 0) == at(2, 3, 9))
        #expect(scalar.location(ofValueOffset: 3) == locate("x\n", in: text))
        #expect(scalar.location(ofValueOffset: 5) == at(3, 3, 16))
        #expect(scalar.location(ofValueOffset: 6) == locate("y\n", in: text))

        // Found by fuzzing: a leading blank line longer than the indentation is content.
        let blankFirst = "k: |1-\n  \n   : x\n"
        let leading = try #require(loadOne(blankFirst)["k"]?.scalar)
        #expect(leading.value == " \n  : x")
        #expect(leading.valueLocations.map(\.offset) == [8, 9, 11, 12, 13, 14, 15, 16])

        let nested = "a:\n  - b: |1\n       deep\n"
        let inner = try #require(loadOne(nested)["a"]?.items.first?["b"]?.scalar)
        #expect(inner.value == "  deep\n")
        #expect(inner.location(ofValueOffset: 0) == at(3, 6, 18))
        #expect(inner.location(ofValueOffset: 2) == locate("deep", in: nested))
    }

    @Test func foldedBlockValueLocations() throws {
        let text = "k: >+ # comment\n  folded\n  text\n\n  more\n    indented\n  end\n\nx: 1\n"
        let scalar = try #require(loadOne(text)["k"]?.scalar)
        #expect(scalar.value == "folded text\nmore\n  indented\nend\n\n")
        expectAligned(scalar, text)
        #expect(scalar.location(ofValueOffset: 6) == locate("\n  text", in: text))
        #expect(scalar.location(ofValueOffset: 7) == locate("text", in: text))
        #expect(scalar.location(ofValueOffset: 12) == locate("more", in: text))
        #expect(scalar.location(ofValueOffset: 17) == at(6, 3, 42))
        #expect(scalar.location(ofValueOffset: 19) == locate("indented", in: text))
        #expect(scalar.location(ofValueOffset: 28) == locate("end", in: text))
    }

    @Test func valueLocationsWithMultibyteText() throws {
        let text = "k: |\n  é😀 \"x\"\nq: \"ü\\\"ö\"\n"
        let root = try loadOne(text)
        let block = try #require(root["k"]?.scalar)
        expectAligned(block, text)
        #expect(block.location(ofValueOffset: 1) == locate("😀", in: text))
        #expect(block.location(ofValueOffset: 4) == locate("x\"", in: text))
        let quoted = try #require(root["q"]?.scalar)
        #expect(quoted.value == "ü\"ö")
        #expect(quoted.location(ofValueOffset: 2) == locate("ö", in: text))
    }

    @Test func everyScalarHasOneLocationPerValueScalarPlusEnd() throws {
        let text = """
            a: plain
            b: "dq \\x41 \\
              cont"
            c: 'sq '' x'
            d: |+
              lit

            e: >-
              fold
               more
            f:
            g: ""
            h: [x, "y", {z: w}]

            """
        let root = try loadOne(text)
        for pair in root.pairs {
            for node in [pair.key, pair.value] + pair.value.items {
                guard let scalar = node.scalar else { continue }
                #expect(scalar.valueLocations.count == scalar.value.unicodeScalars.count + 1, "\(scalar.value)")
            }
        }
        #expect(root["f"]?.scalar?.isNull == true)
    }

    // MARK: Duplicate keys

    @Test func duplicateKeysAreReportedAtTheSecondKeyWithANote() throws {
        let text = "a: 1\nb: 2\na: 3\nn:\n  x: 1\n  x: 2\n"
        let result = load(text)
        let duplicates = result.diagnostics.filter { $0.code == .duplicateKey }
        #expect(duplicates.count == 2)
        let first = try #require(duplicates.first)
        #expect(first.message.contains("'a'"))
        #expect(first.range?.start == at(3, 1, 10))
        #expect(first.notes.first?.range?.start == at(1, 1, 0))
        #expect(duplicates.last?.range?.start.line == 6)
        let root = try #require(result.documents.first)
        #expect(root.pairs.count == 3)
        #expect(root["a"]?.scalar?.value == "1")
    }

    // MARK: Anchors, aliases, merge keys

    @Test func aliasesCopyTheAnchoredNodeWithItsRanges() throws {
        let text = "base: &b\n  x: 1\n  y: [1, 2]\ncopy: *b\ns: &s hello\nt: *s\n"
        let result = load(text)
        #expect(result.diagnostics.isEmpty)
        let root = try #require(result.documents.first)
        let base = try #require(root["base"])
        let copy = try #require(root["copy"])
        #expect(copy.range == base.range)
        #expect(copy.range.start == locate("x: 1", in: text))
        #expect(copy["y"]?.items.map { $0.scalar?.value } == ["1", "2"])
        #expect(root["t"]?.scalar?.value == "hello")
        #expect(root["t"]?.range.start == locate("hello", in: text))
    }

    /// What is wrong with an aliased node's use is reported at the alias, where it is used, not at the anchor:
    /// the anchor's line was the only one named.
    @Test func misusedAliasesAreReportedWhereTheyAreUsed() throws {
        let merge = "s: &s text\nm:\n  <<: *s\n  k: v\n"
        let mergeError = try #require(load(merge).diagnostics.first)
        #expect(mergeError.message == "the value of merge key '<<' must be a mapping or a list of mappings")
        #expect(mergeError.range?.start == locate("*s", in: merge))
        let duplicate = "m:\n  &k name: a\n  other: b\n  *k : c\n"
        let duplicateError = try #require(load(duplicate).diagnostics.first)
        #expect(duplicateError.message == "duplicate key 'name'")
        #expect(duplicateError.range?.start == locate("*k", in: duplicate))
        #expect(duplicateError.notes.first?.range?.start == locate("name", in: duplicate))
    }

    @Test func mergeKeysMergeMappingsAndExplicitKeysWin() throws {
        let text = """
            defaults: &d
              severity: warning
              for: 5m
            other: &o
              owner: team
              for: 1h
            rule:
              <<: [*d, *o]
              severity: critical
            single:
              for: 1m
              <<: *d
            inline:
              <<: {a: 1}
              b: 2

            """
        let result = load(text)
        #expect(result.diagnostics.isEmpty)
        let root = try #require(result.documents.first)
        let rule = try #require(root["rule"])
        // Merged entries take the place of the `<<` key.
        #expect(rule.keys == ["for", "owner", "severity"])
        #expect(rule["severity"]?.scalar?.value == "critical")
        #expect(rule["for"]?.scalar?.value == "5m")
        #expect(rule["owner"]?.scalar?.value == "team")
        let single = try #require(root["single"])
        #expect(single.keys == ["for", "severity"])
        #expect(single["for"]?.scalar?.value == "1m")
        #expect(root["inline"]?.keys == ["a", "b"])
        // Merged values keep the ranges of the anchored text.
        #expect(single["severity"]?.range.start == locate("warning", in: text))
    }

    @Test func mergeKeyWithANonMappingIsAnError() throws {
        let result = load("a:\n  <<: 5\n  b: 1\nc:\n  <<: [{x: 1}, 2]\n")
        #expect(result.diagnostics.map(\.code) == [.yamlSyntax, .yamlSyntax])
        #expect(result.diagnostics.first?.range?.start.line == 2)
        #expect(result.diagnostics.last?.range?.start == at(5, 16, 36))
        #expect(result.documents.first?["c"]?.keys == ["x"])
    }

    @Test func aliasBombIsRejectedQuickly() throws {
        var text = "a: &a [\(Array(repeating: "\"lol\"", count: 10).joined(separator: ", "))]\n"
        let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"]
        for (previous, name) in zip(names, names.dropFirst()) {
            text += "\(name): &\(name) [\(Array(repeating: "*\(previous)", count: 10).joined(separator: ", "))]\n"
        }
        let clock = ContinuousClock()
        var result: YAMLLoader.Result?
        let elapsed = clock.measure { result = load(text) }
        #expect(elapsed < .seconds(1))
        let diagnostics = try #require(result?.diagnostics)
        #expect(diagnostics.map(\.code) == [.aliasLimit])
        // Level `f` alone would expand to 1 111 111 nodes.
        #expect(diagnostics.first?.range?.start.line == 6)
        #expect(result?.documents.isEmpty == true)
    }

    @Test func mergeKeyBombIsRejected() throws {
        var text = "m0: &m0 {\((0..<100).map { "k\($0): v" }.joined(separator: ", "))}\n"
        let merges = Array(repeating: "*m0", count: 200).joined(separator: ", ")
        for i in 0..<100 { text += "x\(i): {<<: [\(merges)]}\n" }
        let result = YAMLLoader.load(text: text, file: "t.yaml", limits: .init(maxExpandedNodes: 100_000))
        #expect(result.diagnostics.map(\.code) == [.aliasLimit])
    }

    @Test func expansionWithinTheLimitIsAccepted() throws {
        let text = "a: &a [1, 2, 3]\nb: [*a, *a]\n"
        // 1 mapping + 2 keys + 2 sequences + 3 items + 2 aliases of 4 nodes each.
        let accepted = YAMLLoader.load(text: text, file: "t.yaml", limits: .init(maxExpandedNodes: 16))
        #expect(accepted.diagnostics.isEmpty)
        let rejected = YAMLLoader.load(text: text, file: "t.yaml", limits: .init(maxExpandedNodes: 15))
        #expect(rejected.diagnostics.map(\.code) == [.aliasLimit])
    }

    @Test func undefinedAndRecursiveAliases() throws {
        let undefined = load("base: &base 1\nuse: *bsae\n")
        #expect(undefined.diagnostics.map(\.code) == [.undefinedAlias])
        #expect(undefined.diagnostics.first?.message.contains("did you mean 'base'") == true)
        #expect(undefined.diagnostics.first?.range?.start == at(2, 6, 19))
        #expect(undefined.documents.first?["use"]?.scalar?.isNull == true)

        let recursive = load("a: &a [1, *a]\n")
        #expect(recursive.diagnostics.map(\.code) == [.undefinedAlias])

        let otherDocument = load("a: &a 1\n---\nb: *a\n")
        #expect(otherDocument.diagnostics.map(\.code) == [.undefinedAlias])
    }

    // MARK: Depth

    @Test func nestingDeeperThanTheLimitIsRejected() throws {
        let deep = String(repeating: "[", count: 300) + String(repeating: "]", count: 300)
        let result = load("ok: 1\n---\n" + deep + "\n")
        #expect(result.diagnostics.map(\.code) == [.yamlSyntax])
        #expect(result.diagnostics.first?.range?.start == at(3, 257, 266))
        #expect(result.documents.count == 1)
        #expect(result.documents.first?["ok"] != nil)

        let limits = YAMLLoader.Limits(maxDepth: 3)
        #expect(YAMLLoader.load(text: "a: {b: [1]}\n", file: "t.yaml", limits: limits).diagnostics.isEmpty)
        #expect(YAMLLoader.load(text: "a: {b: [[1]]}\n", file: "t.yaml", limits: limits).diagnostics.count == 1)
        // An alias cannot smuggle a deep subtree below the limit either.
        let viaAlias = YAMLLoader.load(text: "a: &a [[1]]\nb: {c: *a}\n", file: "t.yaml", limits: limits)
        #expect(viaAlias.diagnostics.map(\.code) == [.yamlSyntax])
    }

    @Test func veryDeepInputIsRejectedQuickly() {
        // libyaml's scanner is quadratic in flow depth, so loading must stop at the limit.
        for deep in [String(repeating: "[", count: 200_000), String(repeating: "{a: ", count: 100_000)] {
            let clock = ContinuousClock()
            var result: YAMLLoader.Result?
            let elapsed = clock.measure { result = load(deep) }
            #expect(elapsed < .seconds(1))
            #expect(result?.documents.isEmpty == true)
            #expect(result?.diagnostics.map(\.code) == [.yamlSyntax])
        }
        var block = ""
        for level in 0..<1000 { block += String(repeating: " ", count: level) + "k:\n" }
        #expect(load(block).diagnostics.first?.message.contains("deeper than the limit of 256") == true)
    }

    // MARK: Syntax errors

    @Test func unclosedQuoteReportsLibYAMLProblemAndContext() throws {
        let result = load("a: 1\nb: \"abc\nc: 2\n")
        let error = try #require(result.diagnostics.first)
        #expect(result.diagnostics.count == 1)
        #expect(error.code == .yamlSyntax)
        #expect(error.message == "found unexpected end of stream")
        #expect(error.range?.start == at(4, 1, 18))
        #expect(error.notes.first?.message == "while scanning a quoted scalar")
        #expect(error.notes.first?.range?.start == at(2, 4, 8))
        #expect(result.documents.isEmpty)
    }

    @Test func badIndentationIsASyntaxError() throws {
        let result = load("a:\n  b: 1\n c: 2\n")
        let error = try #require(result.diagnostics.first)
        #expect(error.code == .yamlSyntax)
        #expect(error.range?.start.line == 3)
        #expect(error.range?.start.column == 2)
    }

    @Test func tabIndentationIsASyntaxError() throws {
        let result = load("a:\n\tb: 1\n")
        let error = try #require(result.diagnostics.first)
        #expect(error.code == .yamlSyntax)
        #expect(error.message.contains("cannot start any token"))
        #expect(error.range?.start == at(2, 1, 3))
    }

    @Test func completeDocumentsSurviveALaterSyntaxError() {
        let result = load("a: 1\n---\nb: [1,\n")
        #expect(result.documents.count == 1)
        #expect(result.diagnostics.map(\.code) == [.yamlSyntax])
        #expect(result.diagnostics.first?.range?.start.line == 4)
    }

    @Test func invalidUTF8IsReportedAtItsByteOffset() throws {
        let result = YAMLLoader.load(bytes: Array("a: é\n".utf8) + [0xFF, 0x0A], file: "t.yaml")
        let error = try #require(result.diagnostics.first)
        #expect(error.code == .yamlSyntax)
        #expect(error.message == "invalid leading UTF-8 octet (0xFF)")
        #expect(error.range?.start == at(2, 1, 6))

        let truncated = YAMLLoader.load(bytes: Array("k: v".utf8) + [0xE2, 0x82], file: "t.yaml")
        #expect(truncated.diagnostics.first?.code == .yamlSyntax)
        #expect(truncated.diagnostics.first?.range?.start.offset == 4)

        let utf16 = YAMLLoader.load(bytes: [0xFF, 0xFE, 0x61, 0x00], file: "t.yaml")
        #expect(utf16.diagnostics.first?.code == .yamlSyntax)
    }

    @Test func arbitraryBytesNeverCrash() {
        var generator = SplitMix64(seed: 42)
        let alphabet = Array("ab:- \n\t'\"\\|>&*!#[]{},?<%@`é".utf8) + [0xFF, 0x00, 0xC3]
        for _ in 0..<2_000 {
            let count = Int(generator.next() % 64)
            let bytes = (0..<count).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
            let result = YAMLLoader.load(bytes: bytes, file: "f.yaml")
            for diagnostic in result.diagnostics {
                #expect((diagnostic.range?.start.offset ?? 0) <= bytes.count)
            }
        }
    }

    // MARK: Streams and files

    @Test func emptyInputHasNoDocuments() {
        for text in ["", "# only a comment\n", "\n\n"] {
            let result = load(text)
            #expect(result.documents.isEmpty)
            #expect(result.diagnostics.isEmpty)
        }
    }

    @Test func multiDocumentStreamsReturnEveryDocument() {
        let result = load("a: 1\n---\nb: 2\n...\n---\n- x\n--- plain\n")
        #expect(result.diagnostics.isEmpty)
        #expect(result.documents.count == 4)
        #expect(result.documents[2].items.first?.scalar?.value == "x")
        #expect(result.documents[3].scalar?.value == "plain")
    }

    @Test func loadingFromPath() throws {
        let missing = YAMLLoader.load(path: "/nonexistent/rules.yaml")
        #expect(missing.diagnostics.map(\.code) == [.fileUnreadable])
        #expect(missing.diagnostics.first?.message.contains("No such file or directory") == true)
        #expect(missing.diagnostics.first?.range?.start.file == "/nonexistent/rules.yaml")

        let directory = YAMLLoader.load(path: NSTemporaryDirectory())
        #expect(directory.diagnostics.map(\.code) == [.fileUnreadable])

        let path = NSTemporaryDirectory() + "yaml-loader-\(UUID().uuidString).yaml"
        try "k: v\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let loaded = YAMLLoader.load(path: path)
        #expect(loaded.diagnostics.isEmpty)
        #expect(loaded.documents.first?["k"]?.range.start.file == path)
    }

    /// A named pipe would block the read until a writer came, a device such as /dev/zero would never end: only
    /// regular files are read, each error naming the file and what it is.
    @Test func onlyRegularFilesAreRead() throws {
        let device = YAMLLoader.load(path: "/dev/null")
        #expect(device.diagnostics.map(\.code) == [.fileUnreadable])
        #expect(device.diagnostics.first?.message == "cannot read '/dev/null': it is a character device, not a regular file")
        #expect(device.diagnostics.first?.range?.start == SentinelCore.SourceLocation(file: "/dev/null", line: 1, column: 1))

        let fifo = NSTemporaryDirectory() + "yaml-loader-\(UUID().uuidString).yaml"
        #expect(mkfifo(fifo, 0o600) == 0)
        defer { try? FileManager.default.removeItem(atPath: fifo) }
        let pipe = YAMLLoader.load(path: fifo)
        #expect(pipe.diagnostics.map(\.message) == ["cannot read '\(fifo)': it is a named pipe, not a regular file"])

        let directory = YAMLLoader.load(path: NSTemporaryDirectory())
        #expect(directory.diagnostics.first?.message.hasSuffix("it is a folder, not a regular file") == true)
    }

    @Test func filesOverTheSizeLimitAreNotRead() throws {
        let path = NSTemporaryDirectory() + "yaml-loader-\(UUID().uuidString).yaml"
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: UInt64(YAMLLoader.maxFileBytes) + 1)
        try handle.close()
        let loaded = YAMLLoader.load(path: path)
        #expect(loaded.diagnostics.map(\.message) == ["cannot read '\(path)': it is larger than 16 MiB"])
    }

    @Test func thousandRulesLoadQuickly() throws {
        var text = "groups:\n  - name: g\n    rules:\n"
        for i in 0..<1000 {
            text += """
                      - alert: HighLatency\(i)
                        when: |
                          rate(http_errors[5m]) > 0.\(i) &&
                            job == "api-\(i)"
                        for: 5m
                        labels: {severity: critical, team: 'core'}
                        annotations:
                          summary: "Latency is high on \\"{{ $labels.instance }}\\""

                """
        }
        let clock = ContinuousClock()
        var result: YAMLLoader.Result?
        let elapsed = clock.measure { result = load(text) }
        #expect(result?.diagnostics.isEmpty == true)
        #expect(result?.documents.first?["groups"]?.items.first?["rules"]?.items.count == 1000)
        print("YAMLLoader: 1000 rules (\(text.utf8.count) bytes) loaded in \(elapsed)")
        #expect(elapsed < .seconds(5))  // generous for busy debug builds; catches quadratic behaviour
    }

    // MARK: Helpers

    private func load(_ text: String) -> YAMLLoader.Result {
        YAMLLoader.load(text: text, file: "t.yaml")
    }

    private func loadOne(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> YAMLNode {
        let result = load(text)
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)", sourceLocation: sourceLocation)
        #expect(result.documents.count == 1, sourceLocation: sourceLocation)
        return try #require(result.documents.first, sourceLocation: sourceLocation)
    }

    private func at(_ line: Int, _ column: Int, _ offset: Int) -> SentinelCore.SourceLocation {
        SentinelCore.SourceLocation(file: "t.yaml", line: line, column: column, offset: offset)
    }

    /// Where `needle` occurs in `text`, computed independently of the loader.
    private func locate(_ needle: String, in text: String, after anchor: String? = nil) -> SentinelCore.SourceLocation {
        var searchStart = text.startIndex
        if let anchor, let found = text.range(of: anchor) { searchStart = found.upperBound }
        let found = text.range(of: needle, range: searchStart..<text.endIndex)
        guard let found else { return SentinelCore.SourceLocation(file: "?", line: 0, column: 0) }
        let before = text[..<found.lowerBound]
        let line = before.utf8.filter { $0 == UInt8(ascii: "\n") }.count + 1
        let lineStart = before.lastIndex(of: "\n").map { text.index(after: $0) } ?? text.startIndex
        let column = text[lineStart..<found.lowerBound].unicodeScalars.count + 1
        return SentinelCore.SourceLocation(file: "t.yaml", line: line, column: column, offset: before.utf8.count)
    }

    /// Every non-blank value scalar that is not produced by an escape maps to the same scalar in the file.
    private func expectAligned(
        _ scalar: YAMLScalar, _ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) {
        let bytes = Array(text.utf8)
        let value = Array(scalar.value.unicodeScalars)
        #expect(scalar.valueLocations.count == value.count + 1, sourceLocation: sourceLocation)
        for (index, character) in value.enumerated() where !character.properties.isWhitespace {
            let offset = scalar.valueLocations[index].offset
            let decoded = String(decoding: bytes[offset...].prefix(4), as: UTF8.self).unicodeScalars.first
            #expect(decoded == character, "value offset \(index)", sourceLocation: sourceLocation)
        }
    }
}

private extension YAMLNode {
    var pairs: [YAMLPair] {
        if case .mapping(let pairs) = content { return pairs }
        return []
    }

    var items: [YAMLNode] {
        if case .sequence(let items) = content { return items }
        return []
    }

    var scalar: YAMLScalar? {
        if case .scalar(let scalar) = content { return scalar }
        return nil
    }

    var keys: [String] { pairs.compactMap { $0.key.scalar?.value } }

    subscript(key: String) -> YAMLNode? {
        pairs.first { $0.key.scalar?.value == key }?.value
    }
}


/// Whole numbers in settings: one written as a float (`1e12`) or past Int's range is told what to write.
@Suite struct WholeNumberTests {
    @Test(arguments: [
        ("1e12", "'n' must be a whole number written in digits (1000000000000, not '1e12')"),
        ("2.0", "'n' must be a whole number written in digits (2, not '2.0')"),
        ("99999999999999999999", "'n' must be a whole number within ±9223372036854775807, not '99999999999999999999'"),
        ("2.5", "'n' must be a whole number"), ("ten", "'n' must be a whole number"),
    ])
    func aNumberThatIsNoIntegerSaysWhatToWrite(written: String, message: String) throws {
        let loaded = YAMLLoader.load(text: "n: \(written)\n", file: "t.yaml")
        let node = try #require(loaded.documents.first)
        guard case .mapping(let pairs) = node.content else { Issue.record("not a mapping"); return }
        var diagnostics: [Diagnostic] = []
        #expect(NodeValue.integer(pairs[0].value, "'n'", min: 1, &diagnostics) == nil)
        #expect(diagnostics.map(\.message) == [message])
    }
}
