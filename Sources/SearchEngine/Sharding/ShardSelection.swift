import VectorIndex

/// Which shard an item belongs to, and a build's choice of one shard.
///
/// The one placement function of the cluster: `shard(id) = xxh64(UTF-8 bytes of id, seed 0) mod N`.
/// Builds (`vsearch build --shard K/N`), the router (the owner of an item for "more like this", items and
/// thumbnails) and live writes all call ``ShardSelection/shard(of:count:)``, so an id lands on the same
/// shard everywhere. N builds of one manifest with K = 0…N−1 give N disjoint shards that together hold
/// every item once.
public struct ShardSelection: Sendable, Equatable, Codable, CustomStringConvertible {
    /// 0-based shard index K.
    public var index: Int
    /// Shard count N.
    public var count: Int

    /// Throws `.badInput` unless 0 ≤ `index` < `count`.
    public init(index: Int, count: Int) throws {
        guard count >= 1, count <= 65_536 else {
            throw SearchEngineError(.badInput, "--shard", "the shard count must be 1…65536, got \(count)")
        }
        guard (0..<count).contains(index) else {
            throw SearchEngineError(.badInput, "--shard", "the shard must be 0…\(count - 1) of \(count), got \(index)")
        }
        self.index = index
        self.count = count
    }

    /// Parses `K/N` (e.g. `0/2`).
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]) else {
            throw SearchEngineError(.badInput, "--shard", "must be K/N (shard K of N, K from 0), got '\(text.prefix(40))'")
        }
        try self.init(index: k, count: n)
    }

    /// The shard of `id` among `count` shards: `xxh64(UTF-8 id, seed 0) mod count`.
    public static func shard(of id: String, count: Int) -> Int {
        precondition(count >= 1, "shard count must be positive")
        return Int(XXHash64.hash(Array(id.utf8)) % UInt64(count))
    }

    /// True when `id` belongs to this shard.
    public func contains(id: String) -> Bool { Self.shard(of: id, count: count) == index }

    public var description: String { "\(index)/\(count)" }
}
