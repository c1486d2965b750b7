import Catalog

extension QueryEngine {
    /// The **concepts** source of a text query: the items whose concept vectors (``ConceptSpace``) are
    /// closest to the query text's MiniLM embedding, best first, at most `depth`, within `allowed` (nil:
    /// every item), without `excluded`. Empty for an index without concept vectors, and when the query
    /// weighs the source 0 (`concepts_weight=0`: not searched at all, so it shows in no result's `sources`).
    func conceptSearch(_ textEmbedding: [Float], depth: Int, allowed: Set<ItemKey>?, excluding excluded: ItemKey?,
                       fusion: ReciprocalRankFusion) -> [(key: ItemKey, score: Double)] {
        guard (fusion.weights[.concepts] ?? 1) > 0, snapshot.concepts.count > 0,
              textEmbedding.count == snapshot.concepts.dimension else { return [] }
        return snapshot.concepts.search(textEmbedding, k: depth, allowed: allowed)
            .filter { $0.key != excluded }
            .map { ($0.key, Double($0.score)) }
    }
}
