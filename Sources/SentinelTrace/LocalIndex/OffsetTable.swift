/// An offsets file of a local index (`document-offsets.bin`, `metadata-offsets.bin`): where each entry of the file
/// it indexes starts, as little-endian UInt64s, then that file's size. Every value is checked as it is read, so a
/// damaged file throws `.damaged` naming it instead of pointing outside what it indexes (or past `Int`).
struct OffsetTable {
    /// The index folder.
    let path: String
    let file: IndexFile
    /// The size of the file the offsets point into.
    let limit: Int
    /// One UInt64 per entry and one more; ``LocalIndex`` checked that size against the manifest.
    let mapping: MappedFile

    /// Where entry `index` starts, for `index` up to the number of entries (whose start is `limit`).
    func start(_ index: Int) throws(IndexError) -> Int {
        let value = UInt64(littleEndian: mapping.bytes.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self))
        guard value <= UInt64(limit) else {
            throw .damaged(
                path: path,
                reason: "\(file.rawValue) starts entry \(index) at \(value), past the \(limit) bytes it indexes")
        }
        return Int(value)
    }

    /// Checks that the starts of the `entries` entries and the end go up strictly (every entry has at least the byte
    /// that ends it), so that a binary search among them finds the entry holding a byte.
    func checkIncreasing(entries: Int) throws(IndexError) {
        var previous: Int?
        for index in 0...entries {
            let value = try start(index)
            if let previous, value <= previous {
                throw .damaged(
                    path: path,
                    reason: "\(file.rawValue) starts entry \(index) at \(value), not after entry \(index - 1) at \(previous)")
            }
            previous = value
        }
    }

    /// The bytes of entry `index`, without the byte that ends it (0xFF after a text, a newline after metadata).
    func entry(_ index: Int) throws(IndexError) -> Range<Int> {
        let (first, end) = (try start(index), try start(index + 1))
        guard first < end else {
            throw .damaged(path: path, reason: "\(file.rawValue) has entry \(index) from byte \(first) to \(end)")
        }
        return first..<end - 1
    }
}
