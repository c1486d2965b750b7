/// Cached per-term document counts and totals of the full-text index, valid for one database state:
/// `revision` is the catalog's revision when the counts were read (``Catalog/revision()``).
struct DocumentFrequencyCache: Sendable {
    /// At most this many terms are kept; the cache is emptied when full (bounded memory).
    static let capacity = 50_000

    var revision: Int64
    var counts: [String: Int] = [:]
    /// The full-text index's row count and token total (all columns), once read.
    var totals: (rows: Int, tokens: Int)?

    init(revision: Int64) {
        self.revision = revision
    }

    /// Empties the cache when it was filled at another revision than `revision`.
    mutating func keep(for revision: Int64) {
        if self.revision != revision { self = DocumentFrequencyCache(revision: revision) }
    }
}
