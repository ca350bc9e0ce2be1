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

    /// `isValid` of a kind in UTF-8 (valid UTF-8: decoding checks it). Read for every event, so inlined: a name of
    /// printable ASCII is a few instructions a byte; anything else is checked as a string.
    @inlinable
    public static func isValid(utf8 kind: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = kind.baseAddress, kind.count > 0 else { return false }
        // Eight bytes at a time: each must be 0x21...0x7E, printable ASCII other than the space.
        var i = 0
        while i &+ 8 <= kind.count {
            let w = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
            let high: UInt64 = 0x8080_8080_8080_8080
            let seven: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
            // High bit per byte: set for bytes >= 0x80, for bytes < 0x21 (adding 0x5F carries into bit 7 only
            // from 0x21 up) and for 0x7F.
            let belowSpace = ~((w & seven) &+ 0x5F5F_5F5F_5F5F_5F5F) & high
            let delete = ~(((w ^ seven) & seven) &+ seven) & high
            if (w & high) | belowSpace | delete != 0 { return isValid(String(decoding: kind, as: UTF8.self)) }
            i &+= 8
        }
        while i < kind.count {
            if base[i] &- 0x21 >= 0x5E { return isValid(String(decoding: kind, as: UTF8.self)) }
            i &+= 1
        }
        return true
    }
}
