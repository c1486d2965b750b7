import Catalog
import Embedding
import SearchEngine

/// Test shorthand over the one query engine (the product has no other query path).
extension QueryEngine {
    /// An engine over the serving version of `index` with MiniLM for text queries (image queries in
    /// these tests pass embeddings, see ``embedImage(_:_:)``).
    convenience init(index: IndexDirectory, textEncoder: TextEncoder) throws {
        self.init(snapshot: try IndexSnapshot(index: index), models: QueryModels(text: textEncoder))
    }

    /// Results for an image embedding and/or text.
    func search(embedding: [Float]?, text: String?, options: QueryOptions) throws -> [SearchHit] {
        try hits(for: SearchRequest(image: embedding.map { .embedding($0) }, text: text, options: options))
    }
}

extension TextSearchIndex {
    /// A text query on this (flat) index directory through the one query engine.
    func search(_ text: String, options: QueryOptions = QueryOptions()) throws -> [SearchHit] {
        let engine = QueryEngine(snapshot: try IndexSnapshot(index: IndexDirectory(path: directory.path)), models: QueryModels(text: encoder))
        return try engine.hits(for: SearchRequest(text: text, options: options))
    }
}

/// The embedding of a query image file, preprocessed exactly as indexed images are.
func embedImage(_ path: String, _ encoder: ImageEncoder) throws -> [Float] {
    try QueryModels(image: encoder).embed(.file(path: path))
}
