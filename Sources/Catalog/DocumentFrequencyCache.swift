/// Cached per-term document counts and totals of the full-text index, valid for one database state:
/// `version` is (the catalog's revision, 0) when the counts were read (``Catalog/revision()``).
struct DocumentFrequencyCache: Sendable {
    /// At most this many terms are kept; the cache is emptied when full (bounded memory).
    static let capacity = 50_000

    var version: (Int64, Int64)
    var counts: [String: Int] = [:]
    /// The full-text index's row count and token total (all columns), once read.
    var totals: (rows: Int, tokens: Int)?

    init(version: (Int64, Int64)) {
        self.version = version
    }
}
