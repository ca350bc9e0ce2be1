import SentinelCore
import Testing

@Suite struct SuggestionTests {
    /// Of names equally close, the first in code-point order is suggested, whatever order the candidates come
    /// in: from a set or a dictionary they came in an order that changes from run to run, and so did lint's text.
    @Test func tiesGoToTheFirstNameInCodePointOrder() {
        let names = ["team3", "team1", "team2"]
        for order in [names, names.reversed(), names.sorted()] {
            #expect(Suggestion.closest(to: "team4", in: order) == "team1")
        }
        #expect(Suggestion.closest(to: "x", in: ["c", "a", "b"], maxDistance: 1) == "a")
    }
}
