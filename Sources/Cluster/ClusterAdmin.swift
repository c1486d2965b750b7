/// `vsearch cluster create | status | publish`: the cluster's configuration in etcd.
public struct ClusterAdmin: Sendable {
    public let etcd: EtcdClient
    public let keys: ClusterKeys

    /// Administers cluster `keys.cluster` in `etcd`.
    public init(etcd: EtcdClient, keys: ClusterKeys) {
        self.etcd = etcd
        self.keys = keys
    }

    /// Creates the cluster with `shards` shards. Creating it again with the same count is a no-op
    /// (returns false); another count is a ``ClusterError/conflict(_:_:)`` (items are placed by it).
    @discardableResult
    public func create(shards: Int) async throws -> Bool {
        guard (1...65_536).contains(shards) else {
            throw ClusterError.invalidArgument("--shards", "must be 1…65536, got \(shards)")
        }
        let value = try ClusterJSON.encode(ClusterConfig(shards: shards))
        if try await etcd.putIf(keys.config, value, expectedModRevision: nil) { return true }
        guard let existing = try await etcd.get(keys.config) else { return try await create(shards: shards) }
        let config = try ClusterJSON.decode(ClusterConfig.self, existing.value, key: keys.config)
        guard config.shards == shards else {
            throw ClusterError.conflict(keys.cluster, "exists with \(config.shards) shards, not \(shards)")
        }
        return false
    }

    /// The configuration and live members.
    public func status() async throws -> ClusterState { try await ClusterState.read(etcd, keys) }

    /// Switches queries to generation `generation` — only when every shard has a ready replica that offers
    /// it (serves it, or has it on disk beside the serving one) (else ``ClusterError/notPublishable(_:_:)``, nothing changes). The switch is one
    /// compare-and-swap of the configuration, so a concurrent publish or create cannot be lost.
    public func publish(generation: UInt64) async throws -> ClusterState {
        for _ in 0..<8 {
            guard let stored = try await etcd.get(keys.config) else { throw ClusterError.noSuchCluster(keys.cluster) }
            var state = try await ClusterState.read(etcd, keys)
            let lacking = (0..<state.config.shards).filter { shard in
                !state.members.contains { $0.shard == shard && $0.ready && $0.offers(generation) }
            }
            guard lacking.isEmpty else {
                throw ClusterError.notPublishable(generation, "no ready replica has loaded it on shard(s) \(lacking.map(String.init).joined(separator: ", "))")
            }
            state.config.servingGeneration = generation
            if try await etcd.putIf(keys.config, try ClusterJSON.encode(state.config), expectedModRevision: stored.modRevision) {
                return state
            }
        }
        throw ClusterError.conflict(keys.cluster, "the configuration kept changing during publish; try again")
    }
}
