import Catalog
import Embedding
import SearchEngine

/// What a shard replica answers the cluster router with: step 1 of the one ``QueryEngine`` over the
/// serving snapshot, on the same bounded pools as the service's own searches.
extension SearchService {
    /// The candidates of a resolved query (``QueryEngine/candidates(for:)``); `nprobe` defaults to the
    /// server's configuration, as for ``search(_:)``.
    /// - Parameter generation: the published index version to answer from (nil: the serving one).
    public func candidates(_ query: ShardQuery, generation: UInt64? = nil) async throws -> ShardCandidates {
        var query = query
        if query.nprobe == nil { query.nprobe = configuration.nprobe }
        let serving = serving
        let frozen = query
        return try await textWork.answer("shard search") { try serving.engine(version: generation).candidates(for: frozen) }
    }

    /// This shard's BM25 figures for `text`'s terms (``QueryEngine/lexicalStatistics(for:)``).
    public func lexicalStatistics(_ text: String, generation: UInt64? = nil) async throws -> LexicalStatistics {
        let serving = serving
        return try await textWork.answer("lexical statistics") { try serving.engine(version: generation).lexicalStatistics(for: text) }
    }

    /// The catalog rows of `ids` this shard holds (``QueryEngine/itemRows(ids:)``).
    public func itemRows(ids: [String], generation: UInt64? = nil) async throws -> [CatalogItem] {
        let serving = serving
        return try await textWork.answer("item rows") { try serving.engine(version: generation).itemRows(ids: ids) }
    }

    /// The collapse vectors of `ids` this shard holds (``QueryEngine/collapseVectors(ids:)``).
    public func collapseVectors(ids: [String], generation: UInt64? = nil) async throws -> [String: [Float]] {
        let serving = serving
        return try await textWork.answer("collapse vectors") { try serving.engine(version: generation).collapseVectors(ids: ids) }
    }

    /// The stored vectors an item query searches with (``QueryEngine/storedQueryVectors(for:)``).
    public func storedQueryVectors(_ item: ItemQuery, generation: UInt64? = nil) async throws -> [[Float]] {
        let serving = serving
        return try await textWork.answer("item vectors") { try serving.engine(version: generation).storedQueryVectors(for: item) }
    }

    /// The published versions on disk this replica can answer from (oldest first).
    public func generations() -> [UInt64] { (try? index.versions()) ?? [] }

    /// The CNN precision the served index's vectors were made with (query images must be embedded alike).
    public var precision: EncoderPrecision { imageEncoder.precision }
}

extension SearchService {
    /// Opens the index's current state now (a write by another process — another replica applying the
    /// same log to a shared directory — becomes visible at once instead of at the next refresh check).
    public func reopenIndex(reason: String) async throws {
        let serving = serving
        try await textWork.answer("reopen") { serving.reopen(reason: reason) }
    }
}
