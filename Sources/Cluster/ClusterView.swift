import Foundation
import Logging
import Synchronization

/// The router's view of the cluster: configuration and live members, re-read from etcd every
/// `interval`. A member whose lease lapsed is gone from the next read. When etcd cannot be reached the
/// last view stays in force (replicas that died meanwhile are skipped by the retries of ``ShardCaller``).
///
/// Polling rather than a watch: each read is one range over the cluster's prefix (a few hundred bytes
/// per member), and a watcher that falls behind etcd's compaction must re-list anyway.
public final class ClusterView: Sendable {
    public let etcd: EtcdClient
    public let keys: ClusterKeys
    public let interval: Duration
    let logger: Logger
    private let state = Mutex<ClusterState?>(nil)
    private let lastError = Mutex<String?>(nil)

    /// A view of cluster `keys.cluster`, re-read every `interval` once ``run()`` runs.
    public init(etcd: EtcdClient, keys: ClusterKeys, interval: Duration = .milliseconds(250), logger: Logger) {
        self.etcd = etcd
        self.keys = keys
        self.interval = interval
        self.logger = logger
    }

    /// The last state read (nil before the first successful read).
    public var current: ClusterState? { state.withLock { $0 } }

    /// Why the view could not be read last time (nil when the last read succeeded).
    public var unavailableReason: String? { lastError.withLock { $0 } }

    /// Reads the state once now.
    public func refresh() async {
        do {
            let read = try await ClusterState.read(etcd, keys)
            state.withLock { $0 = read }
            lastError.withLock { $0 = nil }
        } catch {
            let text = "\(error)"
            let previous = lastError.withLock { old -> String? in defer { old = text }; return old }
            if previous != text { logger.warning("cannot read the cluster from etcd", metadata: ["error": "\(text)"]) }
        }
    }

    /// Refreshes until the task is cancelled.
    public func run() async {
        while !Task.isCancelled {
            await refresh()
            try? await Task.sleep(for: interval)
        }
    }
}
