import Catalog
import Foundation

/// The one query engine: answers every query — by image, by an indexed item ("more like this"), by
/// text, or any combination — over one ``IndexSnapshot``, for the CLI, the HTTP service and the cluster's
/// shard replicas alike. The callers only parse requests and serialise ``SearchHit``s.
///
/// One machine answers with ``page(for:)``: retrieval per source, filters applied inside each — **visual**
/// (query vectors → IVF, frames folded into videos with their moments), **bm25** (FTS5) and **semantic**
/// (MiniLM text vectors) and **concepts** (the text's MiniLM embedding against the items' concept vectors,
/// ``ConceptSpace``) — each ranking to a fixed depth (stable pages) (`QueryEngine+Retrieval.swift`),
/// then the relevance cutoff, weighted reciprocal rank fusion and the hits (``RankedLists``, the one hit
/// builder), near-duplicate collapse and the page (`QueryEngine+Page.swift`).
///
/// A cluster runs the same retrieval and fusion in two steps (`QueryEngine+Shards.swift`): a shard replica
/// answers ``candidates(for:)`` (Codable ``ShardCandidates``), the router merges every shard's lists per
/// source (by score, ties by id) and fuses them in the pure ``merge(_:options:hasText:offset:)``, through the
/// same ``RankedLists``, paging and near-duplicate collapse included (``MergedCandidates``).
///
/// Thread-safe: the snapshot is immutable, the encoders use per-call scratch.
public final class QueryEngine: Sendable {
    public let snapshot: IndexSnapshot
    public let models: QueryModels

    /// Most frames of a video searched for an item query without a moment.
    public static let maximumItemQueryFrames = 8

    public init(snapshot: IndexSnapshot, models: QueryModels) {
        self.snapshot = snapshot
        self.models = models
    }

    var catalog: Catalog { snapshot.catalog }

    /// Answers `request`, timing it.
    public func search(_ request: SearchRequest) throws -> SearchResponse {
        let start = ContinuousClock.now
        let page = try page(for: request)
        let elapsed = (ContinuousClock.now - start).components
        let milliseconds = Double(elapsed.seconds) * 1000 + Double(elapsed.attoseconds) / 1e15
        return SearchResponse(query: request.kind, k: request.options.k, tookMilliseconds: milliseconds, results: page.hits,
                              nextCursor: page.nextCursor)
    }

    /// The ranked results of `request` (the page its cursor points at), best first.
    public func hits(for request: SearchRequest) throws -> [SearchHit] {
        try page(for: request).hits
    }

    /// One page of `request`'s results — the first, or the one `options.cursor` points at — and the
    /// cursor of the next (``ResultPaging``).
    public func page(for request: SearchRequest) throws -> ResultPage {
        let options = request.options
        let text = request.effectiveText
        try Self.validate(request)
        guard options.k > 0 else { return ResultPage(hits: [], nextCursor: nil) }
        if let minimum = options.minSimilarity, !(minimum.isFinite && (-1...1).contains(minimum)) {
            throw SearchEngineError(.invalidQuery, "min_similarity", "must be a number from -1 to 1")
        }

        // The visual side's query vectors: the image's embedding and/or the item's stored vectors.
        var queryVectors: [[Float]] = []
        var excluded: ItemKey?
        if let image = request.image { queryVectors.append(try models.embed(image, box: request.box)) }
        if let item = request.item {
            let stored = try itemVectors(item)
            excluded = stored.key
            queryVectors += stored.vectors
        }
        // Paging: the cursor is checked against this query and the index before any retrieval.
        let paging = try ResultPaging.make(request: request, queryVectors: queryVectors,
                                           nprobe: options.nprobe ?? snapshot.defaultNprobe, snapshot: snapshot)
        let offset = try paging.offset(of: options.cursor)
        var allowed = try catalog.keys(matching: options.filter)
        if let excluded, allowed != nil { allowed!.remove(excluded) }

        // Retrieval per source, each ranking up to `maximumResults` deep (a fixed depth: stable pages), then
        // the cutoff and fusion; collapse (optional) and the page: `QueryEngine+Page.swift`.
        let lists = try retrieve(vectors: queryVectors, text: text, textEmbedding: nil, excluded: excluded, allowed: allowed,
                                 options: options, textDepth: Self.textDepth(options))
        let fused = Array(lists.fused(options: options).prefix(max(options.k, options.maximumResults)))
        return try assemblePage(fused: fused, lists: lists, hasText: text != nil, options: options, paging: paging, offset: offset)
    }
}
