/// Byte counts as messages name limits.
public enum ByteCount {
    /// `16 MiB`, `512 KiB` or `1000 bytes`: the largest unit the count is a whole number of.
    public static func text(_ bytes: Int) -> String {
        if bytes != 0, bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
        if bytes != 0, bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
        return "\(bytes) bytes"
    }
}
