#if arch(x86_64)
    import _Builtin_intrinsics.intel
#endif

/// A list's strings, lower-cased, searched for together in a text with case ignored (`icontains` a list).
///
/// One pass over the text marks where any needle's anchor (its rarest byte, see `RareByte`) occurs in either case,
/// 16 bytes per step; needles are compared only there. This replaces lower-casing the text and then searching it
/// once per needle: `adversarial_prompt` asks this of every prompt. Tables live in the constant pool, so reading
/// them costs no reference counting. That pass folds ASCII letters only; needles with other letters
/// (`игнорируй`, `écris`) are also looked for in the text lower-cased by Unicode's rules, when the text has
/// non-ASCII bytes and the pass found nothing (see `UnicodeCase`).
struct CaseInsensitiveNeedles {
    /// Lower-cased needles, each with the offset of its anchor, ordered by anchor.
    let needles: UnsafeMutableBufferPointer<RareByte.Needle>
    /// Distinct anchor bytes with bit 0x20 set: a text byte `b` may be an anchor only if `b | 0x20` is one of them
    /// (both cases of a letter agree on that bit; for other bytes it is a superset, and comparing needles decides).
    /// At most 128 (the bytes with bit 0x20 set).
    let anchors: UnsafeMutableBufferPointer<UInt8>
    /// By anchor k: its needles are `needles[firstNeedle[k]..<firstNeedle[k + 1]]`.
    let firstNeedle: UnsafeMutableBufferPointer<Int32>
    /// By byte: 1 + the index of the anchor `byte | 0x20` is, or 0.
    let anchorOfByte: UnsafeMutableBufferPointer<UInt8>
    let hasEmptyNeedle: Bool
    let shortestNeedle: Int
    /// The needles with non-ASCII bytes, for the Unicode search.
    let unicodeNeedles: UnsafeMutableBufferPointer<UnicodeCase.Needle>

    /// Up to this many distinct anchors are compared 16 bytes at a time; more use the per-byte table.
    static let maxVectorAnchors = 6

    init(_ lowercased: [ByteString], pool: ConstantPool) {
        let all = lowercased.map { RareByte.Needle(bytes: $0, anchor: RareByte.anchor(of: $0)) }
        var anchors: [UInt8] = []
        var byAnchor: [[RareByte.Needle]] = []
        for needle in all where needle.bytes.count > 0 {
            let anchor = needle.bytes.base![needle.anchor] | 0x20
            if let k = anchors.firstIndex(of: anchor) {
                byAnchor[k].append(needle)
            } else {
                anchors.append(anchor)
                byAnchor.append([needle])
            }
        }
        var first: [Int32] = [0]
        for group in byAnchor { first.append(first.last! + Int32(group.count)) }
        let table = (0..<256).map { b in UInt8((anchors.firstIndex(of: UInt8(b) | 0x20) ?? -1) + 1) }
        needles = pool.buffer(byAnchor.flatMap { $0 })
        self.anchors = pool.buffer(anchors)
        firstNeedle = pool.buffer(first)
        anchorOfByte = pool.buffer(table)
        hasEmptyNeedle = all.contains { $0.bytes.count == 0 }
        shortestNeedle = all.map(\.bytes.count).min() ?? 0
        unicodeNeedles = pool.buffer(lowercased.compactMap { UnicodeCase.Needle($0, pool: pool) })
    }

    /// Whether `text`, case ignored, contains any of the needles.
    func occurs(in text: ByteString) -> Bool {
        if asciiOccurs(in: text) { return true }
        if unicodeNeedles.count > 0, UnicodeCase.occurs(UnsafeBufferPointer(unicodeNeedles), in: text) { return true }
        return UnicodeCase.withKelvinSignsAsK(text) { asciiOccurs(in: $0) } ?? false
    }

    /// Whether the ASCII-lower-cased `text` contains any of the needles.
    private func asciiOccurs(in text: ByteString) -> Bool {
        if hasEmptyNeedle { return true }
        guard needles.count > 0, text.count >= shortestNeedle, let base = text.base else { return false }
        var i = 0
        #if arch(x86_64)
            if anchors.count <= Self.maxVectorAnchors {
                while text.count - i >= 16 {
                    var mask = anchorMask16(base + i)
                    while mask != 0 {
                        if matchesAt(i + mask.trailingZeroBitCount, in: text) { return true }
                        mask &= mask &- 1
                    }
                    i += 16
                }
            }
        #endif
        while i < text.count {
            if anchorOfByte[Int(base[i])] != 0, matchesAt(i, in: text) { return true }
            i += 1
        }
        return false
    }

    #if arch(x86_64)
        /// Bit j set when byte j of the 16 at `p`, with bit 0x20 set, is an anchor.
        @inline(__always)
        private func anchorMask16(_ p: UnsafePointer<UInt8>) -> UInt32 {
            let v = _mm_or_si128(
                _mm_loadu_si128(UnsafeRawPointer(p).assumingMemoryBound(to: __m128i.self)), _mm_set1_epi8(0x20))
            var hits = _mm_setzero_si128()
            for anchor in anchors { hits = _mm_or_si128(hits, _mm_cmpeq_epi8(v, _mm_set1_epi8(CChar(bitPattern: anchor)))) }
            return UInt32(bitPattern: _mm_movemask_epi8(hits))
        }
    #endif

    /// Whether a needle whose anchor may be the text byte at `position` occurs there.
    @inline(__always)
    private func matchesAt(_ position: Int, in text: ByteString) -> Bool {
        let k = Int(anchorOfByte[Int(text.base![position])])
        guard k > 0 else { return false }
        for n in Int(firstNeedle[k - 1])..<Int(firstNeedle[k]) where matches(needles[n], at: position, in: text) {
            return true
        }
        return false
    }

    /// Whether `needle` occurs in `text` with its anchor at `position`, comparing the text lower-cased.
    @inline(__always)
    private func matches(_ needle: RareByte.Needle, at position: Int, in text: ByteString) -> Bool {
        let start = position - needle.anchor
        let n = needle.bytes.count
        guard start >= 0, start + n <= text.count, let h = text.base, let t = needle.bytes.base else { return false }
        for j in 0..<n {
            let b = h[start + j]
            if b &+ (b &- 65 < 26 ? 32 : 0) != t[j] { return false }
        }
        return true
    }
}

/// Case folding beyond ASCII for `icontains`: the byte searches fold ASCII letters only, so a needle with other
/// letters is also looked for in the text lower-cased by Unicode's rules, with final sigma read as sigma
/// (`IGNORIERE ALLE` / `ignoriere alle`, `ИГНОРИРУЙ` / `игнорируй`, `ΟΔΌΣ` / `οδός`). The text is lower-cased (a
/// copy) only when it holds the needle's first non-ASCII character in one of its cases: a prompt with a curly
/// apostrophe is not copied for a Cyrillic marker.
enum UnicodeCase {
    /// A needle with non-ASCII bytes: lower-cased, and the UTF-8 forms of its first non-ASCII character in each
    /// case, one of which a text holds wherever the needle occurs in it in any case.
    struct Needle {
        var lowered: ByteString
        var markers: UnsafeMutableBufferPointer<ByteString>

        /// Nil for a needle that is all ASCII or not UTF-8.
        init?(_ needle: ByteString, pool: ConstantPool) {
            guard !needle.buffer.allSatisfy({ $0 < 0x80 }), let lowered = UnicodeCase.lowercased(needle),
                let first = lowered.unicodeScalars.first(where: { !$0.isASCII })
            else { return nil }
            // The scalar itself and every one that lower-cases to text starting with it (`ẞ` for `ß`, `ǅ` and `Ǆ`
            // for `ǆ`, `Ω` and the Ohm sign for `ω`).
            let forms = [first] + (UnicodeCase.lowercasingTo[first] ?? [])
            self.lowered = pool.bytes(lowered)
            markers = pool.buffer(forms.map { pool.bytes(String($0)) })
        }
    }

    /// By scalar: the other scalars whose lower-case mapping starts with it (and `ς` for `σ`, which this folding
    /// reads as one). Built once, when a needle beyond ASCII is first prepared.
    static let lowercasingTo: [Unicode.Scalar: [Unicode.Scalar]] = {
        var map: [Unicode.Scalar: [Unicode.Scalar]] = ["σ": ["ς"]]
        for value in UInt32(0x80)...0x1_FFFF {
            guard let scalar = Unicode.Scalar(value), scalar.properties.changesWhenLowercased,
                let target = scalar.properties.lowercaseMapping.unicodeScalars.first, target != scalar
            else { continue }
            map[target, default: []].append(scalar)
        }
        return map
    }()

    /// `body` of `text` with each Kelvin sign `K` (U+212A, which lower-cases to the ASCII `k`) written `k`, so
    /// that ASCII needles find `\u{212A}ILL` as `kill`; nil when the text has none (the usual case: a byte search).
    static func withKelvinSignsAsK(_ text: ByteString, _ body: (ByteString) -> Bool) -> Bool? {
        let sign: [UInt8] = [0xE2, 0x84, 0xAA]
        guard text.count >= 3, let base = text.base,
            sign.withUnsafeBufferPointer({ RareByte.find(ByteString(base: $0.baseAddress, count: 3), anchor: 2, in: text) })
        else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.count)
        var i = 0
        while i < text.count {
            if i + 2 < text.count, base[i] == 0xE2, base[i + 1] == 0x84, base[i + 2] == 0xAA {
                bytes.append(0x6B)
                i += 3
            } else {
                bytes.append(base[i])
                i += 1
            }
        }
        return bytes.withUnsafeBufferPointer { body(ByteString(base: $0.baseAddress, count: $0.count)) }
    }

    /// `text` lower-cased by Unicode's rules, final sigma as sigma; nil when it is not UTF-8 (decoded events
    /// always are).
    static func lowercased(_ text: ByteString) -> String? {
        guard let lowered = String(validating: text.buffer, as: UTF8.self)?.lowercased() else { return nil }
        return lowered.contains("ς") ? String(lowered.map { $0 == "ς" ? "σ" : $0 }) : lowered
    }

    /// Whether `text`, lower-cased, contains one of `needles`: only a text with non-ASCII bytes can (an ASCII
    /// text was searched in full by the byte search), and only one holding a needle's marker is lower-cased.
    static func occurs(_ needles: UnsafeBufferPointer<Needle>, in text: ByteString) -> Bool {
        guard !text.buffer.allSatisfy({ $0 < 0x80 }) else { return false }
        var lowered: [UInt8]?
        for needle in needles where needle.markers.contains(where: { RareByte.find($0, anchor: 0, in: text) }) {
            if lowered == nil {
                guard let text = lowercased(text) else { return false }
                lowered = Array(text.utf8)
            }
            let found = lowered!.withUnsafeBufferPointer {
                RareByte.find(needle.lowered, anchor: 0, in: ByteString(base: $0.baseAddress, count: $0.count))
            }
            if found { return true }
        }
        return false
    }
}
