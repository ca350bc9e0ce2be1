import SentinelCore

extension VLLMDouble {
    /// A fault and the requests it hits, by request number: deterministic, so a test or benchmark run repeats.
    ///
    /// Requests to `/v1/chat/completions` and `/v1/moderations` are numbered from 1 in arrival order.
    /// As text (`--fault`, ``init(parsing:)``) the fault is followed by at most one schedule option:
    /// `status=503,every=10` (requests 10, 20, …), `disconnect=3,p=0.2,seed=7` (a seeded fifth of them),
    /// or nothing (every request).
    public struct FaultRule: Sendable, Hashable, CustomStringConvertible {
        /// Which request numbers a rule hits.
        public enum Schedule: Sendable, Hashable {
            /// Every request.
            case always
            /// Requests n, 2n, 3n, …
            case everyNth(Int)
            /// Each request with this probability, decided by a hash of the seed and the request number.
            case probability(Double, seed: UInt64)
        }

        /// What happens to a hit request.
        public var fault: Fault
        /// Which requests are hit.
        public var schedule: Schedule

        /// A rule hitting the requests `schedule` selects.
        public init(fault: Fault, schedule: Schedule = .always) {
            self.fault = fault
            self.schedule = schedule
        }

        /// Reads a rule as written for `--fault`: a fault (see ``Fault``) with `every=N`, or `p=P` and an
        /// optional `seed=S`.
        public init(parsing text: String) throws(FaultSpecError) {
            let spec = try FaultSpec(text)
            try spec.rejectOptions(except: ["shape", "every", "p", "seed"])
            fault = try spec.fault()
            switch (spec.options["every"], spec.options["p"], spec.options["seed"]) {
            case (nil, nil, nil):
                schedule = .always
            case (let every?, nil, nil):
                guard let n = Int(every), n >= 1 else {
                    throw FaultSpecError("every=\(every) in '\(text)' is not a count ≥ 1")
                }
                schedule = .everyNth(n)
            case (nil, let p?, let seed):
                guard let probability = Double(p), (0...1).contains(probability) else {
                    throw FaultSpecError("p=\(p) in '\(text)' is not a probability between 0 and 1")
                }
                guard let seedValue = UInt64(seed ?? "0") else {
                    throw FaultSpecError("seed=\(seed ?? "") in '\(text)' is not an unsigned integer")
                }
                schedule = .probability(probability, seed: seedValue)
            case (_?, _, _), (nil, nil, _?):
                throw FaultSpecError("'\(text)' takes either every=N or p=P[,seed=S]")
            }
        }

        /// Whether request number `number` (from 1) is hit.
        public func applies(toRequest number: Int) -> Bool {
            switch schedule {
            case .always:
                return true
            case .everyNth(let n):
                return number % n == 0
            case .probability(let p, let seed):
                let draw = Double(SplitMix64.mix(seed &+ UInt64(truncatingIfNeeded: number)) >> 11) / Double(1 << 53)
                return draw < p
            }
        }

        /// The rule as written for `--fault`.
        public var description: String {
            switch schedule {
            case .always: fault.description
            case .everyNth(let n): "\(fault),every=\(n)"
            case .probability(let p, let seed): "\(fault),p=\(p),seed=\(seed)"
            }
        }
    }
}
