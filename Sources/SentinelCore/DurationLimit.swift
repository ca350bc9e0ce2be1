/// The longest duration a rule, policy or rule test may write, in a window argument or as a setting.
///
/// Ten years is longer than any window, interval or timer a deployment needs, and small enough that every sum
/// the engine forms (a window and its baseline, `for` and `keep_firing_for`, an event time and a timer, a
/// million test events apart) stays far inside `Int64` milliseconds.
public enum DurationLimit {
    /// 3650 days, in milliseconds.
    public static let maxMilliseconds: Int64 = 3650 * 86_400_000

    /// Nil when `milliseconds` is within the limit; otherwise the reason, naming `what` (`duration '5000d'`).
    public static func problem(_ what: String, milliseconds: Int64) -> String? {
        milliseconds > maxMilliseconds ? tooLong(what) : nil
    }

    /// Why `what` is refused.
    public static func tooLong(_ what: String) -> String {
        "\(what) is longer than \(maxMilliseconds / 86_400_000)d (10 years), "
            + "the longest duration Sentinel accepts"
    }
}
