import Logging
import Synchronization

/// Compacts each shard's operation log once every replica of the shard has applied it: the lowest
/// `appliedPosition` among the shard's live members is the point up to which nothing is needed any more.
/// Runs in the router (several routers compacting at once is harmless: the floor only rises, deletes
/// repeat). A replica that was down while the log was compacted past it finds its position below the
/// floor when it starts (``LogApplier/compactedPast``) and stays out of routing.
public final class LogCompactor: Sendable {
    public let log: OperationLog
    public let view: ClusterView
    public let interval: Duration
    let logger: Logger
    private let done = Mutex<[Int: UInt64]>([:])

    /// Compacts `log` every `interval` from the members in `view`.
    public init(log: OperationLog, view: ClusterView, interval: Duration = .seconds(5), logger: Logger) {
        self.log = log
        self.view = view
        self.interval = interval
        self.logger = logger
    }

    /// One pass over every shard.
    public func compactOnce() async {
        guard let state = view.current else { return }
        for shard in 0..<state.config.shards {
            let members = state.members.filter { $0.shard == shard }
            guard let lowest = members.map(\.appliedPosition).min(), lowest > (done.withLock { $0[shard] } ?? 0) else { continue }
            do {
                let dropped = try await log.compact(shard: shard, upTo: lowest)
                done.withLock { $0[shard] = lowest }
                if dropped > 0 { logger.info("operation log compacted", metadata: ["shard": "\(shard)", "upTo": "\(lowest)", "dropped": "\(dropped)"]) }
            } catch {
                logger.warning("operation log compaction failed", metadata: ["shard": "\(shard)", "error": "\(error)"])
            }
        }
    }

    /// Compacts until the task is cancelled.
    public func run() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            await compactOnce()
        }
    }
}
