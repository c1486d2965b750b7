import Synchronization

/// Adaptive replica selection (as Elasticsearch's): each replica's recent latency (an exponentially
/// weighted moving average) and the router's requests in flight to it. A replica's cost is
/// `ewma × (1 + in flight)`; replicas never measured cost 0, so each is tried. A replica whose last call
/// failed goes last for ``failurePenalty`` (its lease, and so its member key, may still be alive).
public final class ReplicaSelector: Sendable {
    struct Stats {
        var ewmaMilliseconds: Double?
        var inFlight = 0
        var failedAt: ContinuousClock.Instant?
    }

    /// Weight of the newest latency in the average.
    public let alpha: Double
    public let failurePenalty: Duration
    private let stats = Mutex<[String: Stats]>([:])

    public init(alpha: Double = 0.3, failurePenalty: Duration = .seconds(2)) {
        self.alpha = alpha
        self.failurePenalty = failurePenalty
    }

    /// `members` cheapest first (ties by address: deterministic).
    public func order(_ members: [MemberRecord]) -> [MemberRecord] {
        let now = ContinuousClock.now
        let snapshot = stats.withLock { $0 }
        func cost(_ member: MemberRecord) -> (Int, Double) {
            let s = snapshot[member.address] ?? Stats()
            let failed = s.failedAt.map { now - $0 < failurePenalty } ?? false
            return (failed ? 1 : 0, (s.ewmaMilliseconds ?? 0) * Double(1 + s.inFlight))
        }
        return members.sorted { a, b in
            let ca = cost(a), cb = cost(b)
            if ca != cb { return ca < cb }
            return a.address < b.address
        }
    }

    /// A call to `address` starts.
    public func begin(_ address: String) {
        stats.withLock { $0[address, default: Stats()].inFlight += 1 }
    }

    /// A call to `address` ended after `elapsed`; `failed` when it did not answer.
    public func end(_ address: String, elapsed: Duration, failed: Bool) {
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        stats.withLock { all in
            var s = all[address, default: Stats()]
            s.inFlight = max(0, s.inFlight - 1)
            if failed {
                s.failedAt = .now
            } else {
                s.failedAt = nil
                s.ewmaMilliseconds = s.ewmaMilliseconds.map { alpha * milliseconds + (1 - alpha) * $0 } ?? milliseconds
            }
            all[address] = s
        }
    }

    /// Latency average and calls in flight per replica address (for `/metrics`).
    public var snapshot: [(address: String, ewmaMilliseconds: Double?, inFlight: Int)] {
        stats.withLock { all in all.map { ($0.key, $0.value.ewmaMilliseconds, $0.value.inFlight) }.sorted { $0.address < $1.address } }
    }
}
