/// Event kinds: the `kind` of every event line, and what a rule's `on:` names.
public enum EventKind {
    /// The kind of the clock events the live service feeds its engine while the stream is idle. No source sends
    /// them and no rule may read them: `run` has them and `dry-run` has not, so such a rule would differ between the two.
    public static let heartbeat = "heartbeat"

    /// The kinds Sentinel's own sources write: the simulator (`completion`, `error`, `shed`) and the scraper
    /// (`metric`, `scrape_error`). Applications may post any other.
    public static let produced = ["completion", "metric", "error", "shed", "scrape_error"]

    /// Whether `kind` is a kind: not empty, without whitespace or control characters (`schemas/traffic.schema.json`).
    public static func isValid(_ kind: String) -> Bool {
        !kind.isEmpty && !kind.unicodeScalars.contains { $0.properties.isWhitespace || $0.properties.generalCategory == .control }
    }

    /// `isValid` of a kind in UTF-8 (valid UTF-8: decoding checks it); an ASCII name is checked without a string.
    public static func isValid(utf8 kind: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !kind.isEmpty else { return false }
        var ascii = true
        for byte in kind {
            if byte <= 0x20 || byte == 0x7F { return false }
            if byte >= 0x80 { ascii = false }
        }
        return ascii || isValid(String(decoding: kind, as: UTF8.self))
    }
}
