extension PrometheusTextParser {
    /// `name[{labels}] value [timestamp] [# exemplar]`, `i` at the name; leaves `i` at the line end.
    mutating func parseSample() throws(ExpositionError) {
        guard samples.count < sampleLimit else {
            throw ExpositionError(
                line: line, column: 1, message: "more than \(sampleLimit) samples", sampleLimit: sampleLimit)
        }
        var recent = recentName
        let nameID = try intern(try scanMetricName(expected: "expected a metric name"), recent: &recent)
        recentName = recent
        let name = strings[nameID]
        var sampleLabels: [MetricLabel] = []
        if i < b.count && b[i] == UInt8(ascii: "{") {
            sampleLabels = try parseLabels(of: name)
        }
        guard i < b.count && Self.isBlank(b[i]) else {
            if atLineEnd { throw error(at: i, "expected a value after \(quoted(name))") }
            throw error(at: i, "unexpected \(describe(i)) after \(quoted(name))")
        }
        skipBlanks()
        let valueStart = i
        while !atTokenEnd { i += 1 }
        guard i > valueStart else { throw error(at: i, "expected a value after \(quoted(name))") }
        guard let value = Self.parseValue(UnsafeBufferPointer(rebasing: b[valueStart..<i])) else {
            throw error(at: valueStart, "invalid value \(quoted(text(valueStart, i))) of \(quoted(name))")
        }
        skipBlanks()
        var timestamp: Int64?
        if !atLineEnd && b[i] != UInt8(ascii: "#") {
            let start = i
            while !atTokenEnd { i += 1 }
            guard let t = Self.parseTimestamp(UnsafeBufferPointer(rebasing: b[start..<i])) else {
                throw error(
                    at: start, "invalid timestamp \(quoted(text(start, i))) of \(quoted(name)) (expected integer milliseconds or OpenMetrics seconds)")
            }
            timestamp = t
            skipBlanks()
        }
        if !atLineEnd {
            // An OpenMetrics exemplar (`# {trace_id="…"} 1.0`) annotates the sample; the sample is what counts.
            guard b[i] == UInt8(ascii: "#") else {
                throw error(at: i, "unexpected \(describe(i)) after the sample of \(quoted(name))")
            }
            skipToLineEnd()
        }
        let resolution = resolve(nameID)
        samples.append(
            MetricSample(
                name: name, labels: sampleLabels, value: value, timestampMillis: timestamp, type: resolution.type,
                isCreated: resolution.isCreated))
    }

    /// `{name="value", …}` with an optional trailing comma, `i` at `{`; leaves `i` after `}`.
    mutating func parseLabels(of metric: String) throws(ExpositionError) -> [MetricLabel] {
        i += 1
        var labels: [MetricLabel] = []
        labels.reserveCapacity(recentLabelNames.count)
        while true {
            skipBlanks()
            if i < b.count && b[i] == UInt8(ascii: "}") {
                i += 1
                return labels
            }
            let nameStart = i
            guard i < b.count && Self.isLabelNameStart(b[i]) else {
                if atLineEnd { throw error(at: i, "unterminated labels of \(quoted(metric)): expected '}'") }
                throw error(at: i, "expected a label name or '}' in the labels of \(quoted(metric)), found \(describe(i))")
            }
            repeat { i += 1 } while i < b.count && (Self.isLabelNameStart(b[i]) || Self.isDigit(b[i]))
            let position = labels.count
            if position == recentLabelNames.count {
                recentLabelNames.append(RecentToken())
                recentLabelValues.append(RecentToken())
            }
            var recent = recentLabelNames[position]
            let nameID = try intern(nameStart..<i, recent: &recent)
            recentLabelNames[position] = recent
            let labelName = strings[nameID]
            skipBlanks()
            guard i < b.count && b[i] == UInt8(ascii: "=") else {
                throw error(at: i, "expected '=' after label name \(quoted(labelName))")
            }
            i += 1
            skipBlanks()
            guard i < b.count && b[i] == UInt8(ascii: "\"") else {
                throw error(at: i, "expected '\"' to open the value of label \(quoted(labelName))")
            }
            recent = recentLabelValues[position]
            let valueID = try scanLabelValue(of: labelName, recent: &recent)
            recentLabelValues[position] = recent
            let slot = Int(nameID)
            if slot >= labelNameLines.count {
                labelNameLines.append(contentsOf: repeatElement(0, count: slot + 1 - labelNameLines.count))
            }
            guard labelNameLines[slot] != line else {
                throw error(at: nameStart, "duplicate label \(quoted(labelName)) in the labels of \(quoted(metric))")
            }
            labelNameLines[slot] = line
            labels.append(MetricLabel(labelName, strings[valueID]))
            skipBlanks()
            if i < b.count && b[i] == UInt8(ascii: ",") {
                i += 1
            } else if !(i < b.count && b[i] == UInt8(ascii: "}")) {
                throw error(at: i, "expected ',' or '}' after the value of label \(quoted(labelName))")
            }
        }
    }

    /// A quoted label value, `i` at the opening quote; leaves `i` after the closing one. Unescapes `\\`, `\"` and
    /// `\n`; any other escaped character is kept with its backslash, as Prometheus keeps it.
    mutating func scanLabelValue(of labelName: String, recent: inout RecentToken) throws(ExpositionError) -> Int32 {
        let open = i
        i += 1
        let start = i
        var escaped = false
        while true {
            guard i < b.count && b[i] != 0x0A else {
                throw error(at: open, "unterminated value of label \(quoted(labelName))")
            }
            let c = b[i]
            if c == UInt8(ascii: "\"") { break }
            if c == UInt8(ascii: "\\") {
                escaped = true
                guard i + 1 < b.count && b[i + 1] != 0x0A else {
                    throw error(at: open, "unterminated value of label \(quoted(labelName))")
                }
                i += 2
            } else {
                i += 1
            }
        }
        let end = i
        i += 1
        let id: Int32?
        if escaped {
            unescaped.removeAll(keepingCapacity: true)
            unescape(start..<end, quotes: true, into: &unescaped)
            id = unescaped.withUnsafeBufferPointer { strings.intern($0) }
        } else if repeats(start..<end, recent) {
            id = recent.id
        } else {
            id = strings.intern(UnsafeBufferPointer(rebasing: b[start..<end]))
        }
        guard let id else { throw error(at: start, "value of label \(quoted(labelName)) is not valid UTF-8") }
        recent = escaped ? RecentToken() : RecentToken(start: start, length: end - start, id: id)
        return id
    }
}
