import SentinelCore
import Testing

/// Text from files and traffic shown on one line (lint, dry-run text, logs) has what could break the line written
/// out, so it cannot forge a line of its own.
@Suite struct ControlsEscapedTests {
    @Test func writesOutControlsAndLineSeparators() {
        let text = "a\nb\rc\td\u{1B}[2Je\u{7F}f\u{85}g\u{2028}h\u{2029}i\\j é 武"
        #expect(text.escapingControls() == #"a\nb\rc\td\u{1B}[2Je\u{7F}f\u{85}g\u{2028}h\u{2029}i\j é 武"#)
        #expect(text.escapingControls(backslashes: true) == #"a\nb\rc\td\u{1B}[2Je\u{7F}f\u{85}g\u{2028}h\u{2029}i\\j é 武"#)
        #expect("plain é".escapingControls() == "plain é")
        #expect(Unicode.Scalar(0x41)!.lineEscape == nil)
    }
}
