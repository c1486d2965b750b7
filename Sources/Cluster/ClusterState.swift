/// The cluster as etcd has it at one moment: its configuration and every live member.
public struct ClusterState: Codable, Sendable, Equatable {
    public var cluster: String
    public var config: ClusterConfig
    /// Every member whose lease is alive, by shard then replica id.
    public var members: [MemberRecord]

    /// Members of `shard` that may answer queries: ready, and at the serving generation when one is set.
    public func routable(shard: Int) -> [MemberRecord] {
        members.filter { member in
            member.shard == shard && member.ready && (config.servingGeneration.map(member.offers) ?? true)
        }
    }

    /// Shards without any routable member.
    public var shardsWithoutReplica: [Int] { (0..<config.shards).filter { routable(shard: $0).isEmpty } }

    /// Reads the configuration and members of `keys.cluster`; throws ``ClusterError/noSuchCluster(_:)``
    /// when it was never created.
    public static func read(_ etcd: EtcdClient, _ keys: ClusterKeys) async throws -> ClusterState {
        guard let stored = try await etcd.get(keys.config) else { throw ClusterError.noSuchCluster(keys.cluster) }
        let config = try ClusterJSON.decode(ClusterConfig.self, stored.value, key: keys.config)
        var members: [MemberRecord] = []
        for kv in try await etcd.list(prefix: keys.members) {
            members.append(try ClusterJSON.decode(MemberRecord.self, kv.value, key: kv.key))
        }
        members.sort { ($0.shard, $0.replica) < ($1.shard, $1.replica) }
        return ClusterState(cluster: keys.cluster, config: config, members: members)
    }
}
