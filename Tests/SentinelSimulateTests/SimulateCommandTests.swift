import Foundation
import Testing

/// `sentinel simulate` refuses settings it cannot use before it sends anything: usage errors, exit 2, naming the flag.
@Suite struct SimulateCommandTests {
    /// The `sentinel` executable built beside this test bundle.
    private static let executable = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        .appendingPathComponent("sentinel")

    /// Runs `sentinel simulate` with a valid command line changed by `arguments`; the exit status and stderr.
    private static func simulate(_ arguments: [String]) throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = executable
        process.arguments =
            ["simulate", "--model", "m", "--prompts", "/nonexistent/prompts.jsonl", "--limit", "1", "--quiet"]
            + (arguments.contains("--frontier") ? [] : ["--frontier", "http://127.0.0.1:1"]) + arguments
        let stderr = Pipe()
        process.standardError = stderr
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    @Test(arguments: [
        (["--rate", "1e-12"], "--rate must be from 0.000001 to 1000000"),
        (["--rate", "1e-308"], "--rate must be from 0.000001 to 1000000"),
        (["--rate", "inf"], "--rate must be from 0.000001 to 1000000"),
        (["--concurrency", "9223372036854775807"], "--concurrency must be from 1 to 100000"),
        (["--concurrency", "0"], "--concurrency must be from 1 to 100000"),
        (["--temperature", "nan"], "--temperature must be a number from 0"),
        (["--temperature=-0.5"], "--temperature must be a number from 0"),
        (["--max-tokens=-5"], "--max-tokens must be 0 (the server's default) or more"),
        (["--frontier", "ftp://127.0.0.1:18310/"], "--frontier 'ftp://127.0.0.1:18310/' is not an http:// or https:// URL"),
        (["--guard", "127.0.0.1:8001"], "--guard '127.0.0.1:8001' is not an http:// or https:// URL"),
        (["--header", "Bad Name: x"], "'Bad Name' is not a header name"),
        (["--header", "X-Ok: a\u{1}b"], "the value holds a control character"),
    ])
    func unusableSettingIsAUsageError(arguments: [String], message: String) throws {
        let (status, stderr) = try Self.simulate(arguments)
        #expect(status == 2)
        #expect(stderr.contains(message), "\(stderr)")
    }

    @Test func aValidCommandLineGetsPastValidation() throws {
        let (status, stderr) = try Self.simulate(["--rate", "0.000001", "--concurrency", "100000", "--max-tokens", "0"])
        #expect(status == 2)
        #expect(stderr.contains("/nonexistent/prompts.jsonl"), "\(stderr)")
    }
}
