extension PrometheusTextParser {
    /// A `#` line, `i` at `#`: `# HELP`, `# TYPE`, `# UNIT`, `# EOF`, or a comment. Leaves `i` at the line end.
    mutating func parseComment() throws(ExpositionError) {
        i += 1
        skipBlanks()
        let wordStart = i
        while i < b.count && b[i] &- UInt8(ascii: "A") < 26 { i += 1 }
        let keyword = text(wordStart, i)
        switch keyword {
        case "EOF":
            skipBlanks()
            if atLineEnd {
                sawEOF = true
                return
            }
        case "HELP", "TYPE", "UNIT":
            if i < b.count && Self.isBlank(b[i]) {
                skipBlanks()
                try parseMetadata(keyword)
                return
            }
        default:
            break
        }
        skipToLineEnd()
    }

    /// The rest of a `# HELP`, `# TYPE` or `# UNIT` line, `i` at the metric name.
    private mutating func parseMetadata(_ keyword: String) throws(ExpositionError) {
        let nameID = try intern(try scanMetricName(expected: "expected a metric name after '# \(keyword)'"))
        let name = strings[nameID]
        guard atLineEnd || Self.isBlank(b[i]) else {
            throw error(at: i, "unexpected \(describe(i)) after \(quoted("# \(keyword) \(name)"))")
        }
        skipBlanks()
        let start = i
        skipToLineEnd()
        var end = i
        let index = familyIndex[name] ?? addFamily(name)
        switch keyword {
        case "HELP":
            var help: [UInt8] = []
            unescape(start..<end, quotes: false, into: &help)
            families[index].help = String(decoding: help, as: UTF8.self)
        case "UNIT":
            families[index].unit = text(start, end)
        default:
            while end > start && Self.isBlank(b[end - 1]) { end -= 1 }
            guard end > start else { throw error(at: start, "expected a metric type after \(quoted("# TYPE \(name)"))") }
            let typeName = text(start, end)
            guard let type = MetricType(typeName: typeName) else {
                throw error(
                    at: start,
                    "unknown metric type \(quoted(typeName)) (expected counter, gauge, histogram, summary or untyped)")
            }
            families[index].type = type
            declaredTypes[name] = type
            metadataVersion += 1
        }
    }

    private mutating func addFamily(_ name: String) -> Int {
        families.append(MetricFamily(name: name))
        familyIndex[name] = families.count - 1
        return families.count - 1
    }

    /// The type of the family a sample name belongs to, and whether it is a `_created` sample; cached per name
    /// until the next `# TYPE` line.
    mutating func resolve(_ nameID: Int32) -> Resolution {
        let k = Int(nameID)
        if k < resolutions.count && resolutions[k].version == metadataVersion { return resolutions[k] }
        if resolutions.count < strings.count {
            resolutions.append(contentsOf: repeatElement(Resolution(), count: strings.count - resolutions.count))
        }
        var resolution = Self.resolve(strings[nameID], declaredTypes)
        resolution.version = metadataVersion
        resolutions[k] = resolution
        return resolution
    }

    /// `<family>_created` of a declared counter (`<family>` or `<family>_total`), histogram or summary is a
    /// creation time, even under its own `# TYPE … gauge` (how `prometheus_client` exposes it in 0.0.4); then the
    /// name's own `# TYPE`; then `<family><suffix>` of a family whose type has that suffix.
    static func resolve(_ name: String, _ declared: [String: MetricType]) -> Resolution {
        let created = MetricSuffix.created.rawValue
        if name.hasSuffix(created) {
            let family = String(name.dropLast(created.count))
            if let type = declared[family], type.exposes(suffix: .created) {
                return Resolution(type: type, isCreated: true)
            }
            if declared[family + MetricSuffix.total.rawValue] == .counter {
                return Resolution(type: .counter, isCreated: true)
            }
        }
        if let type = declared[name] { return Resolution(type: type) }
        for suffix in MetricSuffix.allCases where suffix != .created && name.hasSuffix(suffix.rawValue) {
            if let type = declared[String(name.dropLast(suffix.rawValue.count))], type.exposes(suffix: suffix) {
                return Resolution(type: type)
            }
        }
        return Resolution()
    }
}
