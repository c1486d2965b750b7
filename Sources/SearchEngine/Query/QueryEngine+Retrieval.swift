import Catalog

extension QueryEngine {
    /// Retrieval per source over this snapshot, the query's filter applied inside each: **visual** (the
    /// query vectors → IVF, frames folded into videos with their moments), and with text **bm25** (FTS5)
    /// and **semantic** (the text's MiniLM embedding → text vectors) and **concepts** (the same embedding →
    /// the items' concept vectors, when the version has them), each `textDepth` deep. `excluded` —
    /// an item query's own item — is never among them. The one retrieval of both ``page(for:)`` (one
    /// machine) and ``candidates(for:)`` (a shard replica). BM25 scores with `lexicalStatistics` (a cluster's
    /// summed figures, so a shard scores as one machine of all the items would), or the catalog's own when nil.
    func retrieve(vectors: [[Float]], text: String?, textEmbedding: [Float]?, excluded: ItemKey?,
                  allowed: Set<ItemKey>?, options: QueryOptions, textDepth: Int,
                  lexicalStatistics: LexicalStatistics? = nil) throws -> RankedLists<ItemKey> {
        var lists = RankedLists<ItemKey>()
        if !vectors.isEmpty {
            let hits = try visualSearch(vectors, allowed: allowed, excluding: excluded, options: options)
            lists.set(.visual, hits.map { ($0.item, Double($0.score)) })
            lists.moments = Dictionary(hits.map { ($0.item, $0.moments) }, uniquingKeysWith: { a, _ in a })
        }
        if let text {
            let lexical = try catalog.lexicalSearch(text, filter: options.filter, limit: textDepth, weights: options.lexicalWeights,
                                                  statistics: lexicalStatistics)
            lists.set(.bm25, lexical.filter { $0.key != excluded }.map { ($0.key, $0.score) })
            let embedding = try textEmbedding ?? models.embed(text: text)
            let semantic = try snapshot.text.semanticSearch(embedding, k: textDepth, allowed: allowed)
            lists.set(.semantic, semantic.filter { $0.key != excluded }.map { ($0.key, Double($0.score)) })
            let concepts = conceptSearch(embedding, depth: textDepth, allowed: allowed, excluding: excluded, fusion: options.fusion)
            if !concepts.isEmpty { lists.set(.concepts, concepts) }
        }
        return lists
    }
}
