public import SentinelCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Loads YAML text into positioned `YAMLNode` documents with libyaml's event parser.
///
/// Every problem becomes a `Diagnostic` instead of a thrown error, so a linter can report all of them:
/// syntax errors (E0102, parsing stops but complete documents are kept), duplicate keys (E0103),
/// alias expansion beyond `Limits.maxExpandedNodes` (E0104, loading stops), undefined aliases (E0105), tags that
/// are not supported or do not fit their node (E0106, see `YAMLTag`) and nesting deeper than `Limits.maxDepth`
/// (E0102, loading stops). Documents completed before loading stops are
/// returned.
public struct YAMLLoader {
    /// Bounds on what a (possibly hostile) file may make the loader build.
    public struct Limits: Sendable {
        /// Nodes in all documents once aliases and merge keys are expanded.
        public var maxExpandedNodes: Int
        /// Nested collection levels.
        public var maxDepth: Int

        /// The defaults admit any realistic rule file and stop an alias bomb within milliseconds.
        public init(maxExpandedNodes: Int = 1_000_000, maxDepth: Int = 256) {
            self.maxExpandedNodes = maxExpandedNodes
            self.maxDepth = maxDepth
        }

        /// 1 000 000 expanded nodes, 256 levels.
        public static let `default` = Limits()
    }

    /// The documents of a stream and what went wrong while loading it.
    public struct Result: Sendable {
        /// Every document loaded completely, in stream order.
        public var documents: [YAMLNode]
        /// Problems in source order of discovery; any error means `documents` may be incomplete.
        public var diagnostics: [Diagnostic]

        public init(documents: [YAMLNode], diagnostics: [Diagnostic]) {
            self.documents = documents
            self.diagnostics = diagnostics
        }
    }

    /// Parses `text`, the contents of `file` (used in locations).
    public static func load(text: String, file: String, limits: Limits = .default) -> Result {
        load(bytes: Array(text.utf8), file: file, limits: limits)
    }

    /// Parses raw bytes, the contents of `file`. Invalid UTF-8 is reported as a syntax error at its offset.
    public static func load(bytes: [UInt8], file: String, limits: Limits = .default) -> Result {
        guard !bytes.isEmpty else { return Result(documents: [], diagnostics: []) }
        let source = YAMLSourceText(bytes: bytes, file: file)
        var builder = YAMLTreeBuilder(limits: limits)
        source.bytes.withUnsafeBufferPointer { buffer in
            let reader = LibYAMLEventReader(UnsafeBufferPointer(rebasing: buffer[source.yamlStart...]))
            let locator = YAMLScalarLocator(bytes: buffer, file: file)
            while !builder.isStopped {
                switch reader.next() {
                case .failure(let error):
                    builder.addSyntaxError(diagnostic(for: error, in: source))
                    return
                case .success(.streamEnd):
                    return
                case .success(let event):
                    apply(event, to: &builder, source: source, locator: locator)
                }
            }
        }
        return Result(documents: builder.documents, diagnostics: builder.diagnostics)
    }

    /// The largest file `load(path:)` reads: far beyond any rule, policy, test or service file, and a bound on the
    /// memory a wrong path can take.
    public static let maxFileBytes = SourceCache.maxFileBytes

    /// Reads and parses the file at `path`; an unreadable file yields one E0101 diagnostic with the reason. Only
    /// regular files (symlinks followed) of at most `maxFileBytes` are read: a named pipe, device or folder is
    /// unreadable, so a stray path neither blocks nor reads without end.
    public static func load(path: String, limits: Limits = .default) -> Result {
        switch readFile(path) {
        case .success(let bytes):
            return load(bytes: bytes, file: path, limits: limits)
        case .failure(let reason):
            let diagnostic = Diagnostic(
                .fileUnreadable, "cannot read '\(path)': \(reason.message)",
                at: SourceLocation(file: path, line: 1, column: 1))
            return Result(documents: [], diagnostics: [diagnostic])
        }
    }

    // MARK: Events to nodes

    private static func apply(
        _ event: LibYAMLEvent, to builder: inout YAMLTreeBuilder, source: YAMLSourceText, locator: YAMLScalarLocator
    ) {
        switch event {
        case .documentStart:
            builder.startDocument()
        case .documentEnd:
            builder.endDocument()
        case let .scalar(value, style, properties, start, end):
            let last = source.location(scalarIndex: end)
            var first = YAMLSourceCursor(source.location(scalarIndex: start))
            if !properties.isEmpty { first = locator.skipProperties(from: first, limit: last.offset) }
            var scalar = YAMLScalar(
                value: value, style: style, bytes: source.bytes, file: source.file, start: first, end: last.offset)
            let range = SourceRange(start: first.location(in: source.file), end: last)
            if let tag = properties.tag {
                switch YAMLTag.resolve(tag, scalar: scalar) {
                case .success(let isPlain): scalar.isPlain = isPlain
                case .failure(let problem):
                    let at = SourceRange(start: source.location(scalarIndex: start), end: last)
                    builder.report(Diagnostic(.unsupportedTag, problem.message, at: at))
                }
            }
            let node = YAMLNode(content: .scalar(scalar), range: range, tag: properties.tag)
            builder.addScalar(node, anchor: properties.anchor)
        case let .sequenceStart(properties, start):
            startCollection(isMapping: false, properties: properties, start: start, builder: &builder, source, locator)
        case let .mappingStart(properties, start):
            startCollection(isMapping: true, properties: properties, start: start, builder: &builder, source, locator)
        case .collectionEnd(let end):
            builder.endCollection(at: source.location(scalarIndex: end))
        case let .alias(name, start, end):
            let range = SourceRange(start: source.location(scalarIndex: start), end: source.location(scalarIndex: end))
            builder.addAlias(name, at: range)
        case .streamEnd:
            break
        }
    }

    private static func startCollection(
        isMapping: Bool, properties: LibYAMLEvent.Properties, start: Int, builder: inout YAMLTreeBuilder,
        _ source: YAMLSourceText, _ locator: YAMLScalarLocator
    ) {
        var first = YAMLSourceCursor(source.location(scalarIndex: start))
        if !properties.isEmpty { first = locator.skipProperties(from: first, limit: source.bytes.count) }
        if let tag = properties.tag, let problem = YAMLTag.problem(tag, isMapping: isMapping) {
            let at = SourceRange(start: source.location(scalarIndex: start), end: first.location(in: source.file))
            builder.report(Diagnostic(.unsupportedTag, problem.message, at: at))
        }
        builder.startCollection(
            isMapping: isMapping, at: first.location(in: source.file), tag: properties.tag, anchor: properties.anchor)
    }

    private static func diagnostic(for error: LibYAMLError, in source: YAMLSourceText) -> Diagnostic {
        let location = switch error.position {
        case .mark(let index): source.location(scalarIndex: index)
        case .byte(let offset): source.location(yamlOffset: offset)
        }
        var notes: [Diagnostic.Note] = []
        if let context = error.context, let mark = error.contextMark {
            notes.append(Diagnostic.Note(context, at: SourceRange(source.location(scalarIndex: mark))))
        }
        return Diagnostic(.yamlSyntax, error.problem + hint(for: error.problem, at: location.offset, in: source.bytes), at: location, notes: notes)
    }

    /// What usually causes libyaml's most common complaints in rule files, where values are expressions full of
    /// quotes and colons.
    private static func hint(for problem: String, at offset: Int, in bytes: [UInt8]) -> String {
        let end = min(offset, bytes.count)
        if problem == "mapping values are not allowed in this context" {
            // A ': ' earlier on the line means this one is inside a value; a first one is a key the indentation put
            // inside a value, or a value's continuation line.
            var i = end - 1
            var keyBefore = false
            while i > 0, bytes[i] != 0x0A, bytes[i] != 0x0D {
                if bytes[i - 1] == 0x3A, bytes[i] == 0x20 || bytes[i] == 0x09 { keyBefore = true }
                i -= 1
            }
            let inValue = "a ': ' inside an unquoted value starts a mapping: quote the whole value, or write it as a block with >-"
            return keyBefore ? " (\(inValue))" : " (a key indented differently from the keys beside it, or \(inValue))"
        }
        var before = end - 1
        while before >= 0, bytes[before] == 0x20 || bytes[before] == 0x09 { before -= 1 }
        if problem == "did not find expected key", before >= 0, bytes[before] == 0x22 || bytes[before] == 0x27 {
            return " (a value that starts with a quote ends at its closing quote: quote the whole value, or write it as a block with >-)"
        }
        return ""
    }

    // MARK: Files

    private struct ReadError: Error {
        var message: String
    }

    private static func readFile(_ path: String) -> Swift.Result<[UInt8], ReadError> {
        // Non-blocking, so opening a named pipe does not wait for a writer; what it is is checked on the descriptor.
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { return .failure(ReadError(message: errorMessage(errno))) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return .failure(ReadError(message: errorMessage(errno))) }
        guard status.st_mode & S_IFMT == S_IFREG else {
            return .failure(ReadError(message: "it is \(fileType(status.st_mode)), not a regular file"))
        }
        let tooLarge = ReadError(message: "it is larger than \(ByteCount.text(maxFileBytes))")
        guard status.st_size <= maxFileBytes else { return .failure(tooLarge) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { return .success(bytes) }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(ReadError(message: errorMessage(errno)))
            }
            bytes.append(contentsOf: chunk[..<count])
            // The file may grow while it is read.
            if bytes.count > maxFileBytes { return .failure(tooLarge) }
        }
    }

    private static func fileType(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFDIR: "a folder"
        case S_IFIFO: "a named pipe"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFSOCK: "a socket"
        default: "not a file"
        }
    }

    private static func errorMessage(_ code: Int32) -> String {
        strerror(code).map { String(cString: $0) } ?? "error \(code)"
    }
}
