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

/// One replica's record in etcd (`/vsearch/<cluster>/members/<shard>/<replica>`), kept under its lease.
public struct MemberRecord: Codable, Sendable, Equatable {
    /// Unique per process start.
    public var replica: String
    /// The shard (0-based) whose index the replica serves.
    public var shard: Int
    /// Base URL the router calls, e.g. `http://127.0.0.1:9001`.
    public var address: String
    /// The index version (generation) the replica has loaded; nil before its index opened.
    public var generation: UInt64?
    /// Position of the last operation-log entry applied (0: none; live writes are not replicated yet).
    public var appliedPosition: UInt64
    /// True once the index is open and the models loaded: only ready replicas are routed to.
    public var ready: Bool
    /// The CNN precision of the index's vectors (`fp32`, `int8`): the router embeds query images alike.
    public var precision: String?
    /// Items in the loaded generation.
    public var items: Int?
    /// Every published version on the replica's disk it can answer from (`generation` is the newest served).
    public var generations: [UInt64]?

    /// True when the replica can answer from generation `g`.
    public func offers(_ g: UInt64) -> Bool { generation == g || (generations?.contains(g) ?? false) }

    /// A record of replica `replica` of `shard` reachable at `address`.
    public init(replica: String, shard: Int, address: String, generation: UInt64? = nil, appliedPosition: UInt64 = 0,
                ready: Bool = false, precision: String? = nil, items: Int? = nil, generations: [UInt64]? = nil) {
        self.generations = generations
        self.replica = replica
        self.shard = shard
        self.address = address
        self.generation = generation
        self.appliedPosition = appliedPosition
        self.ready = ready
        self.precision = precision
        self.items = items
    }
}

enum ClusterJSON {
    static func encode(_ value: some Encodable) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return [UInt8](try encoder.encode(value))
    }

    static func decode<T: Decodable>(_ type: T.Type, _ bytes: [UInt8], key: String) throws -> T {
        do { return try JSONDecoder().decode(type, from: Data(bytes)) } catch {
            throw ClusterError.corruptState(key, "not a valid \(T.self): \(error)")
        }
    }
}
