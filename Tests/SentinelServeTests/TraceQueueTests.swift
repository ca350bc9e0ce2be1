import Testing

@testable import SentinelServe
import SentinelTrace

struct TraceQueueTests {
    /// A trace action's `timeout` bounds a local index's whole search; the infini-gram client takes it per request.
    @Test func aLocalTraceActionsTimeoutLimitsTheSearch() {
        #expect(TraceQueue.options(["index": "i", "timeout": "2s"]).timeLimit == .seconds(2))
        #expect(TraceQueue.options(["backend": "local", "index": "i", "timeout": "250ms"]).timeLimit == .milliseconds(250))
        #expect(TraceQueue.options(["index": "i"]).timeLimit == nil)
        #expect(TraceQueue.options(["backend": "infini_gram", "index": "v4", "timeout": "2s"]).timeLimit == nil)
        #expect(TraceQueue.options(["index": "i", "max_frequency": "3"]).maxFrequency == 3)
    }
}
