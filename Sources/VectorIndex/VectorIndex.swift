/// How similar two vectors are. Every search result carries a **score where higher is better**:
/// inner product for `.innerProduct` (cosine on L2-normalised vectors), and the *negated squared*
/// Euclidean distance for `.l2`.
public enum Metric: UInt32, Sendable, CustomStringConvertible, CaseIterable {
    case innerProduct = 1
    case l2 = 2

    public var description: String { self == .innerProduct ? "ip" : "l2" }

    /// Parses `ip` / `l2` (the CLI spelling).
    public init?(name: String) {
        switch name.lowercased() {
        case "ip", "inner-product", "innerproduct", "cosine": self = .innerProduct
        case "l2", "euclidean": self = .l2
        default: return nil
        }
    }
}

/// One search hit: the caller's id and its score (higher is better; see ``Metric``).
public struct Neighbor: Sendable, Hashable, CustomStringConvertible {
    public var id: Int64
    public var score: Float
    public init(id: Int64, score: Float) { self.id = id; self.score = score }
    public var description: String { "\(id):\(score)" }
}

/// Restricts a search to allowed ids. It is consulted *during* the scan, and only for candidates good
/// enough to enter the current top-k, so a selective filter costs little and never shrinks `k` results
/// below what the allowed set can provide within the probed lists.
public struct IDFilter: Sendable {
    public let allows: @Sendable (Int64) -> Bool
    public init(_ allows: @escaping @Sendable (Int64) -> Bool) { self.allows = allows }
    /// Allows exactly the ids in `ids`.
    public static func allowing(_ ids: Set<Int64>) -> IDFilter { IDFilter { ids.contains($0) } }
}

/// Knobs for one search call.
public struct SearchOptions: Sendable {
    /// Inverted lists probed per query (IVF only; clamped to `1...nlist`).
    public var nprobe: Int
    /// Optional allowed-id filter, applied during the scan.
    public var filter: IDFilter?
    /// Threads used for a batch of queries (queries are split between them; BLAS stays single-threaded).
    public var threads: Int
    /// For compressed encodings with stored fp32 vectors: re-rank the best `k × rerankFactor` candidates
    /// by exact score. `0` disables re-ranking.
    public var rerankFactor: Int
    /// Instead of `k × rerankFactor`: re-rank this many candidates (at least `k`). For deep rankings,
    /// where twice `k` would double the random reads of stored vectors for ranks nobody compares closely.
    public var rerankCandidates: Int? = nil

    public init(nprobe: Int = 16, filter: IDFilter? = nil, threads: Int = 1, rerankFactor: Int = 2) {
        self.nprobe = nprobe
        self.filter = filter
        self.threads = threads
        self.rerankFactor = rerankFactor
    }
}

/// A k-nearest-neighbour index over fixed-dimension float vectors.
///
/// Queries are passed as one flat row-major array: `queries.count == n × dimension` for `n` queries.
/// Results are best first; fewer than `k` come back when the index (or the filter) has fewer vectors.
public protocol VectorIndex: Sendable {
    /// Vector dimension `d`.
    var dimension: Int { get }
    var metric: Metric { get }
    /// Live (searchable) vectors.
    var count: Int { get }
    /// Top-`k` neighbours of each of the `queries.count / dimension` queries.
    func search(batch queries: [Float], k: Int, options: SearchOptions) throws -> [[Neighbor]]
}

extension VectorIndex {
    /// Top-`k` neighbours of one query vector (`query.count == dimension`).
    public func search(_ query: [Float], k: Int, options: SearchOptions = SearchOptions()) throws -> [Neighbor] {
        guard query.count == dimension else {
            throw VectorIndexError.badInput("query", "has \(query.count) values, the index has dimension \(dimension)")
        }
        return try search(batch: query, k: k, options: options)[0]
    }
}
