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
