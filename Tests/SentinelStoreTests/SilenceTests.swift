import SentinelStore
import Testing

@Suite struct SilenceTests {
    static let labels = ["model": "qwen3-4b", "severity": "critical"]

    private func matches(_ name: String, _ value: String, regex: Bool = false, equal: Bool = true) throws -> Bool {
        let matcher = try SilenceMatcher(name: name, value: value, isRegex: regex, isEqual: equal)
        return Make.silence([matcher]).matches(Self.labels)
    }

    @Test func equalAndNotEqualMatchers() throws {
        #expect(try matches("model", "qwen3-4b"))
        #expect(try !matches("model", "qwen3"))
        #expect(try matches("model", "llama", equal: false))
        #expect(try !matches("model", "qwen3-4b", equal: false))
    }

    @Test func regexMatchersAreAnchoredToTheWholeValue() throws {
        #expect(try matches("model", "qwen.*", regex: true))
        #expect(try matches("model", "llama|qwen3-4b", regex: true))
        #expect(try !matches("model", "qwen", regex: true))
        #expect(try !matches("model", "4b", regex: true))
        #expect(try !matches("model", "llama|qwen", regex: true))
        #expect(Make.silence([try SilenceMatcher(name: "m", value: "a", isRegex: true)]).matches(["m": "a\n"]) == false)
    }

    @Test func negativeRegexMatchers() throws {
        #expect(try matches("model", "llama.*", regex: true, equal: false))
        #expect(try !matches("model", "qwen.*", regex: true, equal: false))
    }

    @Test func missingLabelCountsAsEmpty() throws {
        #expect(try matches("team", ""))
        #expect(try !matches("team", "safety"))
        #expect(try matches("team", "safety", equal: false))
        #expect(try matches("team", ".*", regex: true))
        #expect(try !matches("team", ".+", regex: true))
    }

    @Test func allMatchersMustMatch() throws {
        let both = Make.silence([
            try SilenceMatcher(name: "model", value: "qwen.*", isRegex: true),
            try SilenceMatcher(name: "severity", value: "warning"),
        ])
        #expect(!both.matches(Self.labels))
        #expect(both.matches(["model": "qwen3-4b", "severity": "warning"]))
    }

    @Test func invalidRegexIsRejected() {
        #expect(throws: SilenceMatcher.InvalidRegex.self) {
            try SilenceMatcher(name: "model", value: "qwen(", isRegex: true)
        }
    }

    @Test func activeFromStartUntilEnd() {
        let silence = Make.silence([], startsAt: 100, endsAt: 200)
        #expect(!silence.isActive(at: 99))
        #expect(silence.isActive(at: 100))
        #expect(silence.isActive(at: 199))
        #expect(!silence.isActive(at: 200))
    }

    @Test func expiringEndsTheSilenceNowAndKeepsEarlierEnds() throws {
        let f = try StoreFixture()
        let silence = Make.silence([try SilenceMatcher(name: "model", value: "a")], startsAt: 100, endsAt: 1_000)
        try f.store.saveSilence(silence)

        #expect(try f.store.expireSilence(id: silence.id, at: 500))
        let expired = try #require(try f.store.silence(id: silence.id))
        #expect(expired.endsAt == 500 && expired.updatedAt == 500)
        #expect(!expired.isActive(at: 500))

        // Expiring again later does not move the end forward.
        #expect(try f.store.expireSilence(id: silence.id, at: 700))
        #expect(try f.store.silence(id: silence.id) == expired)
        #expect(try !f.store.expireSilence(id: "no-such-silence", at: 700))
    }

    @Test func expiringASilenceThatHasNotStartedKeepsItsEndAfterItsStart() throws {
        let f = try StoreFixture()
        let silence = Make.silence([], startsAt: 1_000, endsAt: 2_000)
        try f.store.saveSilence(silence)
        #expect(try f.store.expireSilence(id: silence.id, at: 10))
        let expired = try #require(try f.store.silence(id: silence.id))
        #expect(expired.startsAt == 10 && expired.endsAt == 10)
    }

    @Test func savingAgainReplacesAndListingIsNewestFirst() throws {
        let f = try StoreFixture()
        let old = Make.silence([try SilenceMatcher(name: "model", value: "a")], createdAt: 1)
        var new = Make.silence([try SilenceMatcher(name: "model", value: "b")], createdAt: 2)
        try f.store.saveSilence(old)
        try f.store.saveSilence(new)
        new.comment = "extended"
        new.endsAt = 20_000
        try f.store.saveSilence(new)
        #expect(try f.store.silences() == [new, old])
    }
}
