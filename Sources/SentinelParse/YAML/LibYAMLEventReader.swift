import CLibYAML

/// One libyaml parse event, with marks as libyaml scalar (character) indices.
enum LibYAMLEvent {
    /// Anchor and tag written on a node (`&name`, `!tag`); the tag in `!!short` form for the core schema.
    struct Properties {
        var anchor: String?
        var tag: String?
        var isEmpty: Bool { anchor == nil && tag == nil }
    }

    case documentStart
    case documentEnd
    case scalar(value: String, style: YAMLScalar.Style, properties: Properties, start: Int, end: Int)
    case sequenceStart(properties: Properties, start: Int)
    case mappingStart(properties: Properties, start: Int)
    case collectionEnd(end: Int)
    case alias(name: String, start: Int, end: Int)
    case streamEnd
}

/// What libyaml reported when it stopped.
struct LibYAMLError: Error {
    enum Position {
        /// A scalar index (scanner and parser errors).
        case mark(Int)
        /// A byte offset (reader errors: invalid UTF-8, control characters).
        case byte(Int)
    }

    var problem: String
    var position: Position
    var context: String?
    var contextMark: Int?
}

/// Owns a libyaml parser over a byte buffer (forced to UTF-8) and hands out its events one at a time.
/// The buffer must stay valid for the reader's lifetime.
final class LibYAMLEventReader {
    private let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
    private let initialized: Bool

    init(_ input: UnsafeBufferPointer<UInt8>) {
        initialized = yaml_parser_initialize(parser) != 0
        guard initialized, let base = input.baseAddress else { return }
        // Forced UTF-8: marks then count the scalars of exactly these bytes, and UTF-16 input is an error instead
        // of positions that do not match the file. (So a BOM is not skipped either: the caller leaves it out.)
        yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
        yaml_parser_set_input_string(parser, base, input.count)
    }

    deinit {
        if initialized { yaml_parser_delete(parser) }
        parser.deallocate()
    }

    /// The next event; after an error or `.streamEnd` the reader must not be asked again.
    func next() -> Result<LibYAMLEvent, LibYAMLError> {
        guard initialized else {
            return .failure(LibYAMLError(problem: "cannot initialize the YAML parser", position: .byte(0)))
        }
        var event = yaml_event_t()
        while true {
            guard yaml_parser_parse(parser, &event) != 0 else { return .failure(currentError()) }
            defer { yaml_event_delete(&event) }
            if let converted = Self.convert(&event) { return .success(converted) }
        }
    }

    private static func convert(_ event: inout yaml_event_t) -> LibYAMLEvent? {
        let start = Int(event.start_mark.index)
        let end = Int(event.end_mark.index)
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            return .documentStart
        case YAML_DOCUMENT_END_EVENT:
            return .documentEnd
        case YAML_SCALAR_EVENT:
            let data = event.data.scalar
            let value = data.value.map {
                String(decoding: UnsafeBufferPointer(start: $0, count: data.length), as: UTF8.self)
            } ?? ""
            return .scalar(
                value: value, style: style(data.style),
                properties: properties(anchor: data.anchor, tag: data.tag), start: start, end: end)
        case YAML_SEQUENCE_START_EVENT:
            let data = event.data.sequence_start
            return .sequenceStart(properties: properties(anchor: data.anchor, tag: data.tag), start: start)
        case YAML_MAPPING_START_EVENT:
            let data = event.data.mapping_start
            return .mappingStart(properties: properties(anchor: data.anchor, tag: data.tag), start: start)
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            return .collectionEnd(end: end)
        case YAML_ALIAS_EVENT:
            return .alias(name: string(event.data.alias.anchor) ?? "", start: start, end: end)
        case YAML_STREAM_END_EVENT:
            return .streamEnd
        default:
            return nil
        }
    }

    private static func style(_ style: yaml_scalar_style_t) -> YAMLScalar.Style {
        switch style {
        case YAML_SINGLE_QUOTED_SCALAR_STYLE: .singleQuoted
        case YAML_DOUBLE_QUOTED_SCALAR_STYLE: .doubleQuoted
        case YAML_LITERAL_SCALAR_STYLE: .literal
        case YAML_FOLDED_SCALAR_STYLE: .folded
        default: .plain
        }
    }

    private static let coreTagPrefix = "tag:yaml.org,2002:"

    private static func properties(
        anchor: UnsafeMutablePointer<yaml_char_t>?, tag: UnsafeMutablePointer<yaml_char_t>?
    ) -> LibYAMLEvent.Properties {
        var tagText = string(tag)
        if let t = tagText, t.hasPrefix(coreTagPrefix) {
            tagText = "!!" + t.dropFirst(coreTagPrefix.count)
        }
        return LibYAMLEvent.Properties(anchor: string(anchor), tag: tagText)
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    private func currentError() -> LibYAMLError {
        let p = parser.pointee
        var problem = p.problem.map { String(cString: $0) } ?? "YAML parser error"
        if p.error == YAML_MEMORY_ERROR, p.problem == nil { problem = "out of memory while parsing YAML" }
        if p.error == YAML_READER_ERROR {
            if p.problem_value >= 0 {
                let hex = String(p.problem_value, radix: 16, uppercase: true)
                problem += " (0x\(hex.count.isMultiple(of: 2) ? hex : "0" + hex))"
            }
            return LibYAMLError(problem: problem, position: .byte(Int(p.problem_offset)))
        }
        let context = p.context.map { String(cString: $0) }
        return LibYAMLError(
            problem: problem, position: .mark(Int(p.problem_mark.index)), context: context,
            contextMark: context == nil ? nil : Int(p.context_mark.index))
    }
}
