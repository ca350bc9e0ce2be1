import SentinelCore
import SentinelScrape
import Testing

struct ScrapeFailureLogTests {
    /// A target that keeps failing alike is logged when it starts, then once a minute with the failures in between
    /// counted; another failure, or a failure after a success, is logged at once. (Under a 1 s interval a target
    /// that was down logged every second.)
    @Test func aTargetThatKeepsFailingIsLoggedOnceAMinute() {
        var log = RepeatedFailureReport<ScrapeFailure>()
        let start = ContinuousClock.now
        let refused = ScrapeFailure.connection("connection refused")
        #expect(log.shouldReport(refused, now: start) == 0)
        for second in 1..<60 { #expect(log.shouldReport(refused, now: start + .seconds(second)) == nil) }
        #expect(log.shouldReport(refused, now: start + .seconds(60)) == 59)
        #expect(log.shouldReport(.status(503), now: start + .seconds(61)) == 0)
        #expect(log.shouldReport(.status(503), now: start + .seconds(62)) == nil)
        log.ended()
        #expect(log.shouldReport(.status(503), now: start + .seconds(63)) == 1)
    }
}
