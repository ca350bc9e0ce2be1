/// Substring search in a text through its suffix array: the suffixes in sorted order, so the suffixes starting
/// with a pattern are one contiguous run of ranks, found by binary search.
///
/// Both binary searches skip the bytes already known to match (the smaller of the common prefixes with the two
/// ends of the range, as Manber and Myers' search does), so a search costs O(log n) lookups plus the pattern.
///
/// Sendable although it holds pointers: it only reads, and the memory is a read-only mapping that the owner
/// (``LocalIndex``) keeps alive.
struct SuffixArray: @unchecked Sendable {
    /// The index folder, which errors about a damaged suffix array name.
    let path: String
    /// The text; in an index, documents separated by 0xFF.
    let text: UnsafeRawBufferPointer
    /// One little-endian Int64 per text byte: the start of the suffix at each rank.
    let suffixes: UnsafeRawBufferPointer

    /// Where the suffix of `rank` starts in the text.
    func position(ofRank rank: Int) -> Int {
        Int(Int64(littleEndian: suffixes.loadUnaligned(fromByteOffset: rank &* 8, as: Int64.self)))
    }

    /// Where the occurrence of a `length`-byte pattern at `rank` starts: an entry that leaves no room for it in the
    /// text (a damaged suffix array) throws rather than pointing outside the text.
    func occurrence(ofRank rank: Int, length: Int) throws(IndexError) -> Int {
        let position = position(ofRank: rank)
        guard position >= 0, position <= text.count - length else {
            throw .damaged(
                path: path,
                reason: "\(IndexFile.suffixArray.rawValue) puts rank \(rank) at byte \(position), outside "
                    + "\(IndexFile.text.rawValue) (\(text.count) bytes) for a match of \(length) bytes")
        }
        return position
    }

    /// The ranks of the suffixes starting with `pattern`: as many as the pattern occurs.
    func ranks(of pattern: UnsafeBufferPointer<UInt8>) throws(IndexError) -> Range<Int> {
        let lower = try search(pattern, afterMatches: false).rank
        let upper = try search(pattern, afterMatches: true).rank
        return lower..<upper
    }


    /// The length of the longest prefix of `pattern` that occurs in the text.
    func longestMatch(_ pattern: UnsafeBufferPointer<UInt8>) throws(IndexError) -> Int {
        // The suffix sharing the most with the pattern sorts right before or right after where it would go.
        try search(pattern, afterMatches: false).common
    }

    /// The first rank whose suffix sorts after the pattern, or (`afterMatches` false) does not sort before it; and
    /// the longer of the common prefixes of the pattern with the suffixes on either side of that rank.
    private func search(_ pattern: UnsafeBufferPointer<UInt8>, afterMatches: Bool) throws(IndexError) -> (rank: Int, common: Int) {
        var low = -1
        var high = text.count
        var commonLow = 0
        var commonHigh = 0
        while high - low > 1 {
            let middle = low + (high - low) / 2
            let (common, order) = try compare(pattern, rank: middle, known: min(commonLow, commonHigh))
            if order < 0 || (order == 0 && afterMatches) {
                low = middle
                commonLow = common
            } else {
                high = middle
                commonHigh = common
            }
        }
        return (high, max(commonLow, commonHigh))
    }

    /// The common prefix of `pattern` and the suffix of `rank`, whose first `known` bytes are known to match, and
    /// how the suffix sorts against the pattern: -1 before, 0 starting with it, 1 after. A position outside the
    /// text (a damaged suffix array) throws `.damaged` naming the file, rather than reading outside the mapping.
    private func compare(_ pattern: UnsafeBufferPointer<UInt8>, rank: Int, known: Int) throws(IndexError) -> (Int, Int) {
        let position = position(ofRank: rank)
        guard position >= 0, position <= text.count else {
            throw .damaged(
                path: path,
                reason: "\(IndexFile.suffixArray.rawValue) puts rank \(rank) at byte \(position), outside "
                    + "\(IndexFile.text.rawValue) (\(text.count) bytes)")
        }
        var common = known
        let available = text.count - position
        while common < pattern.count {
            guard common < available else { return (common, -1) }
            let byte = text[position &+ common]
            let wanted = pattern[common]
            if byte != wanted { return (common, byte < wanted ? -1 : 1) }
            common += 1
        }
        return (common, 0)
    }
}
