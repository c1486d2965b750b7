import Foundation

/// The cluster's configuration in etcd (`/vsearch/<cluster>/config`).
public struct ClusterConfig: Codable, Sendable, Equatable {
    /// N: items are placed by `xxh64(id) mod N` (``SearchEngine/ShardSelection``).
    public var shards: Int
    /// The index generation (version) queries are answered from; nil: whatever each replica serves
    /// (before the first `cluster publish`).
    public var servingGeneration: UInt64?

    /// A configuration of `shards` shards serving `servingGeneration` (nil: each replica's own).
    public init(shards: Int, servingGeneration: UInt64? = nil) {
        self.shards = shards
        self.servingGeneration = servingGeneration
    }
}
