import Synchronization

/// How far one request has got, written by the request and read by its timeout watchdog.
final class RequestProgress: Sendable {
    enum Phase: UInt8, Comparable {
        /// `complete`: the answer is whole (`[DONE]`); what is left is draining the body.
        case sent, headReceived, firstToken, complete

        static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    private let phase = Atomic<UInt8>(Phase.sent.rawValue)

    var current: Phase { Phase(rawValue: phase.load(ordering: .acquiring)) ?? .sent }

    func reach(_ next: Phase) {
        phase.store(next.rawValue, ordering: .releasing)
    }
}
