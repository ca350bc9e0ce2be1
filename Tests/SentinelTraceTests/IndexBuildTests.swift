import Foundation
import SentinelCore
import Testing

@testable import SentinelTrace

struct IndexBuildTests {
    @Test func buildWritesTheFilesTheManifestLists() throws {
        let fixture = try CorpusFixture()
        defer { fixture.remove() }
        try fixture.writeCorpus([#"{"text": "ab", "id": 7}"#, "", #"{"text": "c"}"#, "   "])
        let summary = try IndexBuilder.build(corpus: fixture.corpusPath, output: fixture.indexPath)
        #expect(summary.documents == 2)
        #expect(summary.textBytes == 5)
        let index = try LocalIndex(path: fixture.indexPath)
        #expect(index.manifest.format == "sentinel-trace-index" && index.manifest.version == 1)
        #expect(index.manifest.files["suffix-array.bin"] == 40)
        #expect(index.manifest.totalBytes == summary.indexBytes)
        let text = try Data(contentsOf: URL(fileURLWithPath: fixture.indexPath + "/text.bin"))
        #expect(Array(text) == [0x61, 0x62, 0xFF, 0x63, 0xFF])
        let metadata = try String(contentsOfFile: fixture.indexPath + "/metadata.jsonl", encoding: .utf8)
        #expect(metadata == "{\"id\":7}\n{}\n")
    }

    @Test func aLineWithoutTextStopsTheBuildAtItsLine() throws {
        let fixture = try CorpusFixture()
        defer { fixture.remove() }
        try fixture.writeCorpus([#"{"text": "fine"}"#, #"{"body": "no text", "id": 2}"#, #"{"text": "never read"}"#])
        #expect(
            throws: IndexError.badLine(path: fixture.corpusPath, line: 2, reason: "no \"text\" field (it has body, id)")
        ) {
            try IndexBuilder.build(corpus: fixture.corpusPath, output: fixture.indexPath)
        }
        #expect(!FileManager.default.fileExists(atPath: fixture.indexPath))
        let message = IndexError.badLine(path: "c.jsonl", line: 2, reason: "no \"text\" field").description
        #expect(message == "c.jsonl:2: error: no \"text\" field")
    }

    @Test func otherBadLinesNameWhatIsWrong() throws {
        let fixture = try CorpusFixture()
        defer { fixture.remove() }
        for (line, reason) in [
            ("{broken", "not valid JSON: invalid value at byte 1"), ("[1, 2]", "not a JSON object (an array)"),
            (#"{"text": "a" "b"}"#, "not valid JSON: invalid value at byte 13"),
            (#"{"text": "\ud800"}"#, "not valid JSON: a \\uD800-\\uDBFF escape without the low surrogate that must follow it"),
            (#"{"text": "abc"#, "not valid JSON: unexpected end of file during JSON parse (the parser gives no position; the text is 13 bytes)"),
            (#"{"text": "\u12G4"}"#, #"not valid JSON: invalid hex encoded sequence in "12G4" at byte 12"#),
            (#"{"text": 5}"#, "\"text\" is not a string"),
        ] {
            try fixture.writeCorpus([#"{"text": "ok"}"#, line])
            #expect(throws: IndexError.badLine(path: fixture.corpusPath, line: 2, reason: reason)) {
                try IndexBuilder.build(corpus: fixture.corpusPath, output: fixture.indexPath)
            }
        }
    }

    @Test func skippingBadLinesCountsThem() throws {
        let fixture = try CorpusFixture()
        defer { fixture.remove() }
        try fixture.writeCorpus([#"{"text": "one"}"#, #"{"title": "x"}"#, "nonsense", #"{"text": "two"}"#])
        var skipped: [Int] = []
        let summary = try IndexBuilder.build(
            corpus: fixture.corpusPath, output: fixture.indexPath, skipBadLines: true,
            skipped: { if case .badLine(_, let line, _) = $0 { skipped.append(line) } })
        #expect(summary.documents == 2 && summary.skippedLines == 2)
        #expect(skipped == [2, 3])
    }

    @Test func anEmptyCorpusOrAnOccupiedOutputIsRefused() throws {
        let fixture = try CorpusFixture()
        defer { fixture.remove() }
        try fixture.writeCorpus(["", "  "])
        #expect(throws: IndexError.emptyCorpus(path: fixture.corpusPath)) {
            try IndexBuilder.build(corpus: fixture.corpusPath, output: fixture.indexPath)
        }
        try fixture.writeCorpus([#"{"text": "x"}"#])
        try IndexBuilder.build(corpus: fixture.corpusPath, output: fixture.indexPath)
        #expect(throws: IndexError.outputExists(path: fixture.indexPath)) {
            try IndexBuilder.build(corpus: fixture.corpusPath, output: fixture.indexPath)
        }
        #expect(throws: IndexError.self) {
            try IndexBuilder.build(corpus: fixture.folder + "/missing.jsonl", output: fixture.folder + "/other")
        }
    }

    @Test func openingRefusesMissingForeignAndDamagedFolders() throws {
        let fixture = try CorpusFixture()
        defer { fixture.remove() }
        let path = fixture.indexPath
        #expect(throws: IndexError.notFound(path: path)) { try LocalIndex(path: path) }
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        #expect(throws: IndexError.notAnIndex(path: path, reason: "no index.json; an interrupted build leaves none")) {
            try LocalIndex(path: path)
        }
        try FileManager.default.removeItem(atPath: path)
        try fixture.build(CorpusFixture.documents)
        let manifestPath = path + "/index.json"
        let manifest = try String(contentsOfFile: manifestPath, encoding: .utf8)

        try manifest.replacingOccurrences(of: "\"version\" : 1", with: "\"version\" : 2")
            .write(toFile: manifestPath, atomically: true, encoding: .utf8)
        #expect(throws: IndexError.otherVersion(path: path, found: 2)) { try LocalIndex(path: path) }
        #expect(IndexError.otherVersion(path: path, found: 2).description.contains("rebuild it"))

        try "{not json".write(toFile: manifestPath, atomically: true, encoding: .utf8)
        #expect(throws: IndexError.notAnIndex(path: path, reason: "index.json has no format and version")) {
            try LocalIndex(path: path)
        }

        try manifest.write(toFile: manifestPath, atomically: true, encoding: .utf8)
        let suffixArray = try FileHandle(forWritingTo: URL(fileURLWithPath: path + "/suffix-array.bin"))
        try suffixArray.truncate(atOffset: 16)
        try suffixArray.close()
        #expect(throws: IndexError.self) { try LocalIndex(path: path) }
        do {
            _ = try LocalIndex(path: path)
        } catch {
            #expect(error.description.hasPrefix("\(path): error: damaged index: suffix-array.bin has 16 bytes"))
        }

        try FileManager.default.removeItem(atPath: path + "/metadata.jsonl")
        try FileManager.default.removeItem(atPath: path + "/suffix-array.bin")
        #expect(throws: IndexError.damaged(path: path, reason: "suffix-array.bin is missing")) {
            try LocalIndex(path: path)
        }
    }

    @Test func contentDamagedAfterTheSizeChecksFailsTracesWithoutCrashing() async throws {
        let fixture = try CorpusFixture()
        defer { fixture.remove() }
        try fixture.build(CorpusFixture.documents)
        let offsetsPath = fixture.indexPath + "/document-offsets.bin"
        let pristine = try Data(contentsOf: URL(fileURLWithPath: offsetsPath))
        let offsets = try FileHandle(forWritingTo: URL(fileURLWithPath: offsetsPath))
        try offsets.seek(toOffset: 8)
        try offsets.write(contentsOf: Data(repeating: 0x7F, count: 8))
        try offsets.close()
        let output = "Yesterday The quick brown fox jumps over the lazy dog."
        await #expect(throws: IndexError.self) {
            try await LocalIndex(path: fixture.indexPath).trace(output, options: TraceOptions(minSpanLength: 3))
        }
        try pristine.write(to: URL(fileURLWithPath: offsetsPath))
        let suffixArrayPath = fixture.indexPath + "/suffix-array.bin"
        let size = try #require(try FileManager.default.attributesOfItem(atPath: suffixArrayPath)[.size] as? NSNumber)
        let suffixArray = try FileHandle(forWritingTo: URL(fileURLWithPath: suffixArrayPath))
        try suffixArray.write(contentsOf: Data(repeating: 0xF0, count: size.intValue))
        try suffixArray.close()
        // Entries outside the text are a damaged index naming the file (they read as empty suffixes: 0 spans, exit 0).
        await #expect {
            try await LocalIndex(path: fixture.indexPath).trace(output, options: TraceOptions(minSpanLength: 3))
        } throws: { error in
            "\(error)".contains("damaged index: suffix-array.bin puts rank")
        }
    }

    @Test func offsetsPastTheFileTheyIndexAreADamagedIndexNamingTheOffsetsFile() async throws {
        let fixture = try CorpusFixture()
        defer { fixture.remove() }
        try fixture.build(CorpusFixture.documents)
        let output = "Yesterday The quick brown fox jumps over the lazy dog."
        let options = TraceOptions(minSpanLength: 3)
        for (file, entry) in [("document-offsets.bin", 4), ("document-offsets.bin", 1), ("metadata-offsets.bin", 1)] {
            let path = fixture.indexPath + "/" + file
            let pristine = try Data(contentsOf: URL(fileURLWithPath: path))
            var damaged = pristine
            damaged.replaceSubrange(entry * 8..<entry * 8 + 8, with: repeatElement(0xFF, count: 8))
            try damaged.write(to: URL(fileURLWithPath: path))
            await #expect {
                try await LocalIndex(path: fixture.indexPath).trace(output, options: options)
            } throws: { error in
                "\(error)".hasPrefix("\(fixture.indexPath): error: damaged index: \(file) starts entry \(entry) at "
                    + "18446744073709551615")
            }
            try pristine.write(to: URL(fileURLWithPath: path))
        }
        let manifestPath = fixture.indexPath + "/index.json"
        let manifest = try String(contentsOfFile: manifestPath, encoding: .utf8)
        try manifest.replacingOccurrences(of: "\"documents\" : 4", with: "\"documents\" : 9223372036854775807")
            .write(toFile: manifestPath, atomically: true, encoding: .utf8)
        #expect(throws: IndexError.self) { try LocalIndex(path: fixture.indexPath) }
    }

    /// Document offsets out of order (each still inside the text, so every check of bounds passes) put a match in
    /// another document: a damaged index when it is opened. Swapping the 2nd and 3rd, and moving the 2nd to the
    /// 4th place ([s0, s2, s3, s1, s4], where a binary search finds document 1 exactly where document 2 is).
    @Test(arguments: [[0, 2, 1, 3, 4], [0, 2, 3, 1, 4]])
    func documentOffsetsOutOfOrderAreADamagedIndex(order: [Int]) async throws {
        let fixture = try CorpusFixture()
        defer { fixture.remove() }
        try fixture.build(CorpusFixture.documents)
        let path = fixture.indexPath + "/document-offsets.bin"
        let offsets = try Data(contentsOf: URL(fileURLWithPath: path))
        let entries = (0..<5).map { offsets[($0 * 8)..<($0 * 8 + 8)] }
        try Data(order.flatMap { entries[$0] }).write(to: URL(fileURLWithPath: path))
        #expect {
            try LocalIndex(path: fixture.indexPath)
        } throws: { error in
            "\(error)".contains("damaged index: document-offsets.bin starts entry") && "\(error)".contains(", not after entry")
        }
    }

    /// Seeded random bytes written over the files of an index, the manifest too: opening it and tracing with it
    /// give a result or an `IndexError` naming the folder, never a trap (which would end the test run).
    @Test func randomlyDamagedIndexFilesGiveAResultOrAnIndexError() async throws {
        let fixture = try CorpusFixture()
        defer { fixture.remove() }
        try fixture.build(CorpusFixture.documents)
        let urls = (IndexFile.allCases.map(\.rawValue) + ["index.json"]).map {
            URL(fileURLWithPath: fixture.indexPath + "/" + $0)
        }
        let pristine = try urls.map { try Data(contentsOf: $0) }
        let outputs = [
            "Yesterday The quick brown fox jumps over the lazy dog. We saw a sunny day in the park!",
            "He said: and so on and so forth. Sie sagt: Der Bär läuft über die Brücke.",
        ]
        let options = TraceOptions(minSpanLength: 3, maxFrequency: 20, maxSpanDensity: 1)
        var generator = SplitMix64(seed: 11)
        var (results, errors) = (0, 0)
        for _ in 0..<400 {
            let file = Int.random(in: urls.indices, using: &generator)
            var bytes = pristine[file]
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                bytes[Int.random(in: bytes.indices, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            }
            try bytes.write(to: urls[file])
            do {
                let index = try LocalIndex(path: fixture.indexPath)
                for output in outputs { _ = try await index.trace(output, options: options) }
                results += 1
            } catch let error as IndexError {
                #expect(error.description.hasPrefix("\(fixture.indexPath): error: "), "\(error)")
                errors += 1
            }
            try pristine[file].write(to: urls[file])
        }
        #expect(results > 0 && errors > 0)
    }
}

/// Over-long corpus lines: reported and skipped in a file, reading stops on a device that may never end one, and a
/// long line is read in time linear in its length.
@Suite struct CorpusLineLimitTests {
    @Test func aLineOverTheLimitIsABadLineAndReadingGoesOn() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("corpus-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("c.jsonl").path
        let long = #"{"text":""# + String(repeating: "a", count: 200) + #""}"#
        try [#"{"text":"one"}"#, long, #"{"text":"three"}"#, long].joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let reader = try CorpusReader(path: path, maxLineLength: 64)
        var texts: [String] = []
        var bad: [String] = []
        while true {
            do {
                guard let document = try reader.next() else { break }
                texts.append(document.text)
            } catch {
                bad.append(error.description)
            }
        }
        #expect(texts == ["one", "three"])
        #expect(bad == ["\(path):2: error: longer than the limit of 64 bytes", "\(path):4: error: longer than the limit of 64 bytes"])
    }

    @Test func aDeviceThatNeverEndsALineStopsAtTheLimit() throws {
        let reader = try CorpusReader(path: "/dev/zero", maxLineLength: 1 << 20)
        #expect(throws: IndexError.self) { _ = try reader.next() }
        do {
            _ = try reader.next()
        } catch {
            #expect(error.description.contains("not a regular file"), "\(error)")
        }
    }
}
