#if arch(x86_64)
    import _Builtin_intrinsics.intel
#endif

/// Stage 1 of decoding: one data-parallel pass over the line, 64 bytes at a time, that marks every unescaped `"`
/// in a bitmap (so that the validating pass takes string boundaries from the bitmap in order instead of scanning
/// each string, which breaks the byte-by-byte dependency chain) and records where backslashes are.
///
/// Lines with any byte below 0x20 are left to the sequential scanner (such bytes are either an error inside a
/// string or unusual whitespace), as are lines that the index pass finds inconsistent.
enum QuoteIndex {
    static let oddBits: UInt64 = 0xAAAA_AAAA_AAAA_AAAA

    /// Writes the unescaped-quote bits of each 64-byte block to `quoteWords` and the bits of backslashes that
    /// start an escape to `backslashWords` (both with capacity at least `count / 64 + 2`), then an all-ones
    /// sentinel word after the last word of each. `pad` is a 64-byte buffer for the last partial block.
    /// Returns nil when the line has a control character.
    @inline(__always)
    static func build(
        _ start: UnsafePointer<UInt8>, count: Int, quoteWords: UnsafeMutablePointer<UInt64>,
        backslashWords: UnsafeMutablePointer<UInt64>, pad: UnsafeMutablePointer<UInt8>
    ) -> (hasBackslash: Bool, hasNonASCII: Bool)? {
        var nextIsEscaped: UInt64 = 0
        var anyControl = false
        var anyBackslash = false
        var nonASCII: UInt64 = 0
        var base = 0
        var w = 0
        while count - base >= 64 {
            block(
                start + base, word: w, quoteWords: quoteWords, backslashWords: backslashWords,
                nextIsEscaped: &nextIsEscaped, anyControl: &anyControl, anyBackslash: &anyBackslash,
                nonASCII: &nonASCII)
            base += 64
            w += 1
        }
        if base < count {
            pad.update(repeating: 0x20, count: 64)
            pad.update(from: start + base, count: count - base)
            block(
                UnsafePointer(pad), word: w, quoteWords: quoteWords, backslashWords: backslashWords,
                nextIsEscaped: &nextIsEscaped, anyControl: &anyControl, anyBackslash: &anyBackslash,
                nonASCII: &nonASCII)
            w += 1
        }
        quoteWords[w] = ~0
        backslashWords[w] = ~0
        if anyControl { return nil }
        return (anyBackslash, nonASCII != 0)
    }

    @inline(__always)
    static func block(
        _ p: UnsafePointer<UInt8>, word w: Int, quoteWords: UnsafeMutablePointer<UInt64>,
        backslashWords: UnsafeMutablePointer<UInt64>, nextIsEscaped: inout UInt64,
        anyControl: inout Bool, anyBackslash: inout Bool, nonASCII: inout UInt64
    ) {
        let (quote, special, high) = quotesAndSpecials(p)
        nonASCII |= high
        if special == 0 && nextIsEscaped == 0 {
            quoteWords[w] = quote
            backslashWords[w] = 0
            return
        }
        // A backslash or a control character in this block (or an escape carried over from the previous one).
        let (backslash, control) = backslashesAndControls(p)
        if control != 0 { anyControl = true }
        if backslash != 0 { anyBackslash = true }
        let escapedBits = escaped(backslash, &nextIsEscaped)
        backslashWords[w] = backslash & ~escapedBits  // backslashes that start an escape
        quoteWords[w] = quote & ~escapedBits
    }

    /// Bits of the characters escaped by a backslash (simdjson's escape scanner), carrying across blocks.
    @inline(__always)
    static func escaped(_ backslash: UInt64, _ nextIsEscaped: inout UInt64) -> UInt64 {
        let potential = backslash & ~nextIsEscaped
        let maybeEscaped = potential &<< 1
        let codes = ((maybeEscaped | oddBits) &- potential) ^ oddBits
        let result = codes ^ (backslash | nextIsEscaped)
        nextIsEscaped = (codes & backslash) &>> 63
        return result
    }

    /// Quote bits of the 64 bytes at `p`; nonzero when any of them is a backslash or a control character; and
    /// nonzero when any is over 0x7F (UTF-8 beyond ASCII, which decoding then validates).
    @inline(__always)
    static func quotesAndSpecials(_ p: UnsafePointer<UInt8>) -> (UInt64, UInt64, UInt64) {
        #if arch(x86_64)
            let r = UnsafeRawPointer(p)
            let v0 = _mm_loadu_si128(r.assumingMemoryBound(to: __m128i.self))
            let v1 = _mm_loadu_si128((r + 16).assumingMemoryBound(to: __m128i.self))
            let v2 = _mm_loadu_si128((r + 32).assumingMemoryBound(to: __m128i.self))
            let v3 = _mm_loadu_si128((r + 48).assumingMemoryBound(to: __m128i.self))
            let q = _mm_set1_epi8(0x22)
            let b = _mm_set1_epi8(0x5C)
            let c = _mm_set1_epi8(0x1F)
            let quote =
                bits(_mm_cmpeq_epi8(v0, q)) | bits(_mm_cmpeq_epi8(v1, q)) &<< 16 | bits(_mm_cmpeq_epi8(v2, q)) &<< 32
                | bits(_mm_cmpeq_epi8(v3, q)) &<< 48
            @inline(__always) func special(_ v: __m128i) -> __m128i {
                _mm_or_si128(_mm_cmpeq_epi8(v, b), _mm_cmpeq_epi8(_mm_min_epu8(v, c), v))
            }
            let any = _mm_or_si128(_mm_or_si128(special(v0), special(v1)), _mm_or_si128(special(v2), special(v3)))
            let high = _mm_or_si128(_mm_or_si128(v0, v1), _mm_or_si128(v2, v3))
            return (quote, bits(any), bits(high))
        #else
            var quote: UInt64 = 0
            var special: UInt64 = 0
            var high: UInt64 = 0
            for i in 0..<8 {
                let w = UInt64(littleEndian: UnsafeRawPointer(p + 8 * i).loadUnaligned(as: UInt64.self))
                quote |= compress(zeroBytes(w ^ 0x2222_2222_2222_2222)) &<< UInt64(8 * i)
                special |= zeroBytes(w ^ 0x5C5C_5C5C_5C5C_5C5C) | controlBytes(w)
                high |= w & 0x8080_8080_8080_8080
            }
            return (quote, special, high)
        #endif
    }

    /// Backslash and control-character bits of the 64 bytes at `p`.
    @inline(__always)
    static func backslashesAndControls(_ p: UnsafePointer<UInt8>) -> (UInt64, UInt64) {
        #if arch(x86_64)
            let r = UnsafeRawPointer(p)
            let v0 = _mm_loadu_si128(r.assumingMemoryBound(to: __m128i.self))
            let v1 = _mm_loadu_si128((r + 16).assumingMemoryBound(to: __m128i.self))
            let v2 = _mm_loadu_si128((r + 32).assumingMemoryBound(to: __m128i.self))
            let v3 = _mm_loadu_si128((r + 48).assumingMemoryBound(to: __m128i.self))
            let b = _mm_set1_epi8(0x5C)
            let c = _mm_set1_epi8(0x1F)
            let backslash =
                bits(_mm_cmpeq_epi8(v0, b)) | bits(_mm_cmpeq_epi8(v1, b)) &<< 16 | bits(_mm_cmpeq_epi8(v2, b)) &<< 32
                | bits(_mm_cmpeq_epi8(v3, b)) &<< 48
            let control = _mm_or_si128(
                _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(v0, c), v0), _mm_cmpeq_epi8(_mm_min_epu8(v1, c), v1)),
                _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(v2, c), v2), _mm_cmpeq_epi8(_mm_min_epu8(v3, c), v3)))
            return (backslash, bits(control))
        #else
            var backslash: UInt64 = 0
            var control: UInt64 = 0
            for i in 0..<8 {
                let w = UInt64(littleEndian: UnsafeRawPointer(p + 8 * i).loadUnaligned(as: UInt64.self))
                backslash |= compress(zeroBytes(w ^ 0x5C5C_5C5C_5C5C_5C5C)) &<< UInt64(8 * i)
                control |= controlBytes(w)
            }
            return (backslash, control)
        #endif
    }

    #if arch(x86_64)
        @inline(__always)
        static func bits(_ x: __m128i) -> UInt64 {
            UInt64(UInt32(bitPattern: _mm_movemask_epi8(x)))
        }
    #endif

    /// 0x80 in exactly the bytes of `w` below 0x20.
    @inline(__always)
    static func controlBytes(_ w: UInt64) -> UInt64 {
        ~(((w & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x6060_6060_6060_6060) | w) & 0x8080_8080_8080_8080
    }

    /// 0x80 in exactly the zero bytes of `w`.
    @inline(__always)
    static func zeroBytes(_ w: UInt64) -> UInt64 {
        ~(((w & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7F7F_7F7F_7F7F_7F7F) | w) & 0x8080_8080_8080_8080
    }

    /// The high bit of each byte, gathered into the low 8 bits.
    @inline(__always)
    static func compress(_ m: UInt64) -> UInt64 {
        ((m &>> 7) &* 0x0102_0408_1020_4080) &>> 56
    }
}
