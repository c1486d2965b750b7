/// Where a cluster keeps its state in etcd, all under `/vsearch/<cluster>/`:
///
/// | key | value | lifetime |
/// | --- | --- | --- |
/// | `config` | ``ClusterConfig`` JSON: shard count, serving generation | written by `cluster create` / `cluster publish` |
/// | `log/<shard>/<nanoseconds>-<random>` | ``LogOperation`` JSON: one live write (small; media by reference) | until compaction (not built yet) |
/// | `log-floor/<shard>` | the newest operation position compaction dropped | raised by `LogCompactor` |
/// | `members/<shard>/<replica>` | ``MemberRecord`` JSON: address, shard, loaded generation, applied position, ready | under the replica's lease: gone when it stops renewing |
public struct ClusterKeys: Sendable, Equatable {
    public let cluster: String

    /// Throws unless `cluster` is 1–64 of `[A-Za-z0-9._-]` (it is a key path segment).
    public init(cluster: String) throws {
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-")
        guard (1...64).contains(cluster.count), cluster.allSatisfy(allowed.contains) else {
            throw ClusterError.invalidArgument("--cluster", "must be 1–64 letters, digits, '.', '_' or '-', got '\(cluster.prefix(70))'")
        }
        self.cluster = cluster
    }

    /// `/vsearch/<cluster>/`: every key of the cluster starts with it.
    public var root: String { "/vsearch/\(cluster)/" }
    /// The configuration key.
    public var config: String { root + "config" }
    /// The prefix of every member key.
    public var members: String { root + "members/" }
    /// The prefix of `shard`'s member keys.
    public func members(shard: Int) -> String { members + "\(shard)/" }
    /// One replica's member key.
    public func member(shard: Int, replica: String) -> String { members(shard: shard) + replica }
    /// Shard `shard`'s operation log: one key per write, ordered by its mod revision.
    public func log(shard: Int) -> String { root + "log/\(shard)/" }
    /// Shard `shard`'s compaction floor: the newest operation compaction dropped from the log.
    public func logFloor(shard: Int) -> String { root + "log-floor/\(shard)" }
}
