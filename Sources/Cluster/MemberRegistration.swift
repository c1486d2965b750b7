import Foundation
import Logging
import Synchronization

/// Keeps one replica's ``MemberRecord`` in etcd under a lease, as Milvus keeps its sessions: the key is
/// created only if new (a txn on its create revision), renewed by keepalives every third of the TTL and
/// rewritten when the replica's state changes (ready, generation). If the process dies the lease lapses
/// and the key disappears by itself, so the router stops routing to it within one TTL; if etcd forgets
/// the lease (a long pause), registration starts over with a new lease.
public final class MemberRegistration: Sendable {
    /// What the replica reports about itself, read before every renewal.
    public struct Status: Sendable, Equatable {
        public var ready: Bool
        public var generation: UInt64?
        public var precision: String?
        public var items: Int?
        /// The operation-log position applied (``LogApplier/applied``).
        public var appliedPosition: UInt64 = 0
        /// Published versions the replica can answer from.
        public var generations: [UInt64] = []
    }

    public let etcd: EtcdClient
    public let keys: ClusterKeys
    public let shard: Int
    public let replica: String
    public let ttlSeconds: Int
    let logger: Logger
    let status: @Sendable () async -> Status
    private let lease = Mutex<Int64?>(nil)

    public init(etcd: EtcdClient, keys: ClusterKeys, shard: Int, ttlSeconds: Int = 3, logger: Logger,
                status: @escaping @Sendable () async -> Status) {
        self.etcd = etcd
        self.keys = keys
        self.shard = shard
        self.ttlSeconds = max(2, ttlSeconds)
        self.logger = logger
        self.status = status
        replica = String(UInt64.random(in: 0...UInt64.max), radix: 16)
    }

    /// Registers as `address` and keeps the registration alive until the task is cancelled; then
    /// revokes the lease so the router stops routing here at once.
    public func run(address: String) async {
        let interval = Duration.milliseconds(ttlSeconds * 1000 / 3)
        while !Task.isCancelled {
            do {
                let id = try await etcd.grantLease(ttlSeconds: ttlSeconds)
                lease.withLock { $0 = id }
                var reported: MemberRecord?
                while !Task.isCancelled {
                    let now = await status()
                    let record = MemberRecord(replica: replica, shard: shard, address: address, generation: now.generation,
                                              appliedPosition: now.appliedPosition, ready: now.ready, precision: now.precision, items: now.items,
                                              generations: now.generations)
                    if record != reported {
                        try await etcd.put(keys.member(shard: shard, replica: replica), try ClusterJSON.encode(record), lease: id)
                        if reported?.ready != record.ready {
                            logger.info("cluster member \(record.ready ? "ready" : "not ready")",
                                        metadata: ["shard": "\(shard)", "replica": "\(replica)", "generation": "\(record.generation.map(String.init) ?? "-")"])
                        }
                        reported = record
                    }
                    try await Task.sleep(for: interval)
                    guard try await etcd.keepAlive(lease: id) else {
                        logger.warning("cluster lease lapsed; registering again", metadata: ["shard": "\(shard)"])
                        break
                    }
                }
            } catch is CancellationError {
                break
            } catch {
                logger.warning("cluster registration failed; retrying", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .milliseconds(500))
            }
        }
        if let id = lease.withLock({ $0 }) { try? await etcd.revoke(lease: id) }
    }
}
