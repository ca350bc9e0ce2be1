/// The limit on a line's length leaves out its line end: a line of the longest length may be followed by the CR of
/// a CR LF.
public enum LineLimit {
    /// Whether `length` bytes before an LF (or read so far, with no LF yet), the last of them `last`, are a line
    /// over `limit` bytes.
    @inlinable
    public static func isExceeded(length: Int, last: @autoclosure () -> UInt8, limit: Int) -> Bool {
        length > limit + 1 || length == limit + 1 && last() != 0x0D
    }
}
