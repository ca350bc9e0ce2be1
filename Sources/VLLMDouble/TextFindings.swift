/// What the ``VLLMDouble/Markers`` lists find in one text.
struct TextFindings {
    typealias HarmCategory = VLLMDouble.HarmCategory
    typealias Markers = VLLMDouble.Markers

    /// Harms found, each once, in ``VLLMDouble/HarmCategory`` order.
    let harms: [HarmCategory]
    /// The first harm phrase found (in ``VLLMDouble/Markers/harm`` order).
    let firstHarmPhrase: String?
    let jailbreak: Bool
    let controversial: Bool
    let refusal: Bool
    let refusalInstruction: Bool

    var isHarmful: Bool { !harms.isEmpty }

    init(_ text: String) {
        let bytes = Array(text.lowercased().replacing("\u{2019}", with: "'").utf8)
        let matched = Markers.harm.filter { Self.contains($0.phrase, in: bytes) }
        harms = Set(matched.map(\.category)).sorted()
        firstHarmPhrase = matched.first?.phrase
        jailbreak = Markers.jailbreak.contains { Self.contains($0, in: bytes) }
        controversial = Markers.controversial.contains { Self.contains($0, in: bytes) }
        refusal = Markers.refusal.contains { Self.contains($0, in: bytes) }
        refusalInstruction = Markers.refusalInstruction.contains { Self.contains($0, in: bytes) }
    }

    /// Whether `phrase` occurs in `text` with no letter or digit directly before or after it.
    private static func contains(_ phrase: String, in text: [UInt8]) -> Bool {
        let needle = Array(phrase.utf8)
        guard !needle.isEmpty, needle.count <= text.count else { return false }
        var start = 0
        while start + needle.count <= text.count {
            if text[start] == needle[0], text[start..<start + needle.count].elementsEqual(needle),
                start == 0 || !isWordByte(text[start - 1]),
                start + needle.count == text.count || !isWordByte(text[start + needle.count])
            {
                return true
            }
            start += 1
        }
        return false
    }

    /// Letters, digits and any non-ASCII byte (part of a non-ASCII letter, most likely).
    private static func isWordByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"), 0x80...: true
        default: false
        }
    }
}
