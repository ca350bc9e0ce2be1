/// A gzip member of `prefix` followed by `period` repeated `count` times, for serving compressed bodies without a
/// compression library: the prefix and one period as literals, the rest as back-references one period back (fixed
/// Huffman codes, RFC 1951), so a long repetition compresses about 150 times.
enum Gzip {
    static func compress(prefix: String, period: String, count: Int) -> [UInt8] {
        let head = Array(prefix.utf8), unit = Array(period.utf8)
        precondition(!unit.isEmpty && unit.count <= 32_768)
        var bits = BitWriter()
        bits.write(1, count: 1)  // the last block
        bits.write(1, count: 2)  // fixed Huffman codes
        for byte in head + unit { bits.literal(Int(byte)) }
        let repeated = unit.count * (count - 1)
        var copied = 0
        while repeated - copied >= 258 {
            bits.literal(285)  // length 258
            bits.distance(unit.count)
            copied += 258
        }
        // Fewer than 258 bytes left: as literals, continuing the period.
        for k in copied..<repeated { bits.literal(Int(unit[k % unit.count])) }
        bits.literal(256)  // end of block

        let data = head + (0..<count).flatMap { _ in unit }
        var out: [UInt8] = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0xFF]
        out += bits.bytes
        out += littleEndian(crc32(data)) + littleEndian(UInt32(truncatingIfNeeded: data.count))
        return out
    }

    private struct BitWriter {
        var bytes: [UInt8] = []
        var used = 8

        /// `count` bits of `value`, least significant first (extra bits, block header).
        mutating func write(_ value: Int, count: Int) {
            for k in 0..<count {
                if used == 8 {
                    bytes.append(0)
                    used = 0
                }
                bytes[bytes.count - 1] |= UInt8((value >> k) & 1) << used
                used += 1
            }
        }

        /// A Huffman code, most significant bit first.
        mutating func code(_ value: Int, count: Int) {
            for k in (0..<count).reversed() { write((value >> k) & 1, count: 1) }
        }

        /// A literal byte, 256 (end of block) or a length code, in the fixed literal/length code.
        mutating func literal(_ value: Int) {
            switch value {
            case 0..<144: code(0x30 + value, count: 8)
            case 144..<256: code(0x190 + value - 144, count: 9)
            case 256..<280: code(value - 256, count: 7)
            default: code(0xC0 + value - 280, count: 8)
            }
        }

        /// A distance of 1 to 32 768: its 5-bit code, then its extra bits.
        mutating func distance(_ d: Int) {
            guard d > 4 else { return code(d - 1, count: 5) }
            let d1 = d - 1
            let extra = (Int.bitWidth - d1.leadingZeroBitCount - 1) - 1
            code(2 * (extra + 1) + ((d1 >> extra) & 1), count: 5)
            write(d1 & ((1 << extra) - 1), count: extra)
        }
    }

    private static func crc32(_ data: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    private static func littleEndian(_ value: UInt32) -> [UInt8] {
        (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }
}
