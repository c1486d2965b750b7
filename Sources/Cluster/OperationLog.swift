import Foundation

/// Each shard's operation log in etcd (`/vsearch/<cluster>/log/<shard>/…`). A write is acknowledged once its
/// put returns — replicated and durable by etcd's Raft — and its position is that put's revision: one
/// global, increasing sequence, so a position is also a read-your-writes token across shards.
public struct OperationLog: Sendable {
    public let etcd: EtcdClient
    public let keys: ClusterKeys

    public init(etcd: EtcdClient, keys: ClusterKeys) {
        self.etcd = etcd
        self.keys = keys
    }

    /// Appends `operation` to `shard`'s log; its position.
    public func append(_ operation: LogOperation, shard: Int) async throws -> UInt64 {
        let name = String(format: "%020llu-%016llx", UInt64(Date().timeIntervalSince1970 * 1e9), UInt64.random(in: 0...UInt64.max))
        let revision = try await etcd.put(keys.log(shard: shard) + name, try ClusterJSON.encode(operation))
        return UInt64(max(0, revision))
    }

    /// The position of the newest operation dropped from `shard`'s log by compaction (0: none): a replica
    /// whose applied position is below it cannot catch up from the log.
    public func floor(shard: Int) async throws -> UInt64 {
        guard let stored = try await etcd.get(keys.logFloor(shard: shard)) else { return 0 }
        return UInt64(String(decoding: stored.value, as: UTF8.self)) ?? 0
    }

    /// Drops `shard`'s operations at or below `upTo` (every replica has applied them). The floor is raised
    /// to the newest dropped operation first, so a replica reading the log after the deletes sees that it
    /// cannot catch up from it. Returns the number of operations dropped.
    @discardableResult
    public func compact(shard: Int, upTo: UInt64) async throws -> Int {
        let doomed = try await etcd.list(prefix: keys.log(shard: shard)).filter { UInt64(max(0, $0.modRevision)) <= upTo }
        guard let newest = doomed.map({ UInt64(max(0, $0.modRevision)) }).max() else { return 0 }
        let key = keys.logFloor(shard: shard)
        while true {
            let stored = try await etcd.get(key)
            if let stored, (UInt64(String(decoding: stored.value, as: UTF8.self)) ?? 0) >= newest { break }
            if try await etcd.putIf(key, Array(String(newest).utf8), expectedModRevision: stored?.modRevision) { break }
        }
        for kv in doomed { try await etcd.delete(kv.key) }
        return doomed.count
    }

    /// `shard`'s operations after position `after`, in order, and the position up to which the log has
    /// been read (the store's revision at the read).
    public func entries(shard: Int, after: UInt64) async throws -> (operations: [(position: UInt64, operation: LogOperation)], readUpTo: UInt64) {
        let (kvs, revision) = try await etcd.list(prefix: keys.log(shard: shard), minModRevision: Int64(after) + 1)
        let operations = try kvs.sorted { $0.modRevision < $1.modRevision }.map { kv in
            (UInt64(kv.modRevision), try ClusterJSON.decode(LogOperation.self, kv.value, key: kv.key))
        }
        return (operations, UInt64(max(0, revision)))
    }
}
