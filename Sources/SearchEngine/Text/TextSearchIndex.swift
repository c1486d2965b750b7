import Catalog
import Embedding
import Foundation
import Synchronization
import VectorIndex

/// Text search over an index directory: lexical (FTS5 BM25) and semantic (MiniLM) retrieval fused
/// with reciprocal rank fusion, filters applied inside both retrievers.
///
/// On disk (`directory`): `catalog.sqlite` (+ its `-wal`/`-shm`) holds the items, the full-text index
/// and each item's text vector (table `text_vectors`, model ``textModelName``: the source of truth).
/// Semantic retrieval runs on an IVF index of those vectors in `text-ivf/` (``vectorFolder``: sq8
/// codes + fp32 vectors for exact re-ranking, the `VectorIndex` format, id = item key) once
/// ``buildVectorIndex(threads:)`` has built it — index builds always do. Until then (a small catalog
/// filled item by item, or a directory written before the text IVF existed) the vectors are loaded into
/// an exact ``FlatVectorStore`` at open. Either way every write keeps them in step.
public final class TextSearchIndex: Sendable {
    public static let catalogFileName = "catalog.sqlite"
    public static let textModelName = "all-MiniLM-L6-v2"
    /// The folder of the text vectors' IVF index inside `directory`.
    public static let vectorFolder = "text-ivf"

    public let directory: URL
    public let catalog: Catalog
    /// The MiniLM encoder that embeds the texts of added items; nil for an index opened only to search
    /// with query vectors computed elsewhere, or to remove items (no model needed).
    public let encoder: TextEncoder?
    /// Width of the text vectors (MiniLM: 384).
    public let dimension: Int
    /// The text vectors' width when no encoder is loaded: all-MiniLM-L6-v2's hidden size.
    public static let textDimension = 384
    let vectors: Mutex<SemanticVectors>
    /// False for a write-only index (see `init`): text vectors go to the catalog (and to an existing
    /// text IVF's log), never into memory.
    public let searchable: Bool
    /// IVF lists probed per semantic query without a filter (widened for selective filters; see
    /// ``semanticSearch(_:k:allowed:)``); nil: ``defaultProbeFraction`` of the lists.
    public let semanticProbes: Int?

    /// Opens the index in `directory` (a writer creates it if needed).
    /// - Parameters:
    ///   - encoder: embeds added items' texts; nil when this index only searches or removes.
    ///   - searchable: false for a writer that never searches (an index build): the stored text
    ///     vectors are not loaded and new ones are not kept in memory (384 floats an item, 1.5 GB for a
    ///     million items), so ``semanticSearch(_:k:allowed:)`` finds nothing and ``vectorCount`` is 0.
    ///   - semanticProbes: IVF lists probed per semantic query (nil: ``defaultProbeFraction`` of them).
    ///   - access: `.readWrite` (creates and migrates the catalog) or a reader (searches: read-only, pooled).
    public init(directory: URL, encoder: TextEncoder?, searchable: Bool = true, semanticProbes: Int? = nil,
                access: CatalogAccess = .readWrite) throws {
        if access == .readWrite {
            do {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            } catch {
                throw CatalogError(subject: directory.path, reason: "cannot create the index directory (\(error.localizedDescription))")
            }
        }
        self.directory = directory
        self.encoder = encoder
        self.dimension = encoder?.dimension ?? Self.textDimension
        self.catalog = try Catalog(path: directory.appendingPathComponent(Self.catalogFileName).path, access: access)
        self.searchable = searchable
        self.semanticProbes = semanticProbes.map { max(1, $0) }
        var state = SemanticVectors.flat(FlatVectorStore(dimension: dimension))
        if searchable {
            if Self.hasVectorIndex(in: directory) {
                state = .ivf(try Self.openVectorIndex(in: directory, dimension: dimension))
            } else {
                state = .flat(FlatVectorStore(try catalog.textVectors(model: Self.textModelName, dimension: dimension)))
            }
        }
        self.vectors = Mutex(state)
    }

    /// The text embedded for semantic search: title, description, tags, then auto-tag labels
    /// (underscores as spaces). Empty when the item has no text at all (then it gets no vector).
    public static func semanticText(of item: CatalogItem) -> String {
        var text = item.descriptiveText
        let labels = item.autoTags.map { $0.label.replacingOccurrences(of: "_", with: " ") }
        if !labels.isEmpty { text += (text.isEmpty ? "" : ". ") + labels.joined(separator: ", ") }
        return text
    }

    /// Adds or replaces `items`, embedding their texts; one catalog transaction per `batchSize` items.
    @discardableResult
    public func add(_ items: [CatalogItem], batchSize: Int = 64) throws -> [ItemKey] {
        var keys: [ItemKey] = []
        var start = 0
        while start < items.count {
            let batch = Array(items[start..<min(items.count, start + max(1, batchSize))])
            keys += try add(batch, textVectors: Self.textVectors(of: batch, encoder: try requireEncoder()))
            start += batch.count
        }
        return keys
    }

    /// The encoder, or an error saying that this index was opened without one.
    func requireEncoder() throws -> TextEncoder {
        guard let encoder else {
            throw CatalogError(subject: directory.path, reason: "the text index was opened without the MiniLM model; cannot embed texts")
        }
        return encoder
    }

    /// The MiniLM text vector of each item's ``semanticText(of:)`` (nil for an item with no text), in
    /// one batched forward pass. Pure computation: callers may run it on another thread (builds overlap
    /// it with the image encoder) and hand the result to ``add(_:textVectors:)``.
    public static func textVectors(of items: [CatalogItem], encoder: TextEncoder) -> [[Float]?] {
        let texts = items.map(Self.semanticText)
        let nonEmpty = texts.indices.filter { !texts[$0].isEmpty }
        let embedded = encoder.embed(nonEmpty.map { texts[$0] })
        var vectors = [[Float]?](repeating: nil, count: items.count)
        for (slot, index) in nonEmpty.enumerated() { vectors[index] = embedded[slot] }
        return vectors
    }

    /// Adds or replaces `items` with text vectors already computed by ``textVectors(of:encoder:)``
    /// (`textVectors[i]` for `items[i]`), in one catalog transaction. `keys`: keys reserved with
    /// `Catalog.reserveItemKey(vectors:)` for new items (default: the catalog assigns them).
    @discardableResult
    public func add(_ items: [CatalogItem], textVectors: [[Float]?], keys reserved: [ItemKey]? = nil) throws -> [ItemKey] {
        precondition(items.count == textVectors.count, "one text vector slot per item")
        let keys = try catalog.upsert(items, textVectors: textVectors, textModel: Self.textModelName, keys: reserved)
        if Self.hasVectorIndex(in: directory) {
            try updateVectorIndex(keys: keys, vectors: textVectors)
            return keys
        }
        guard searchable else { return keys }
        vectors.withLock { state in
            guard case .flat(var store) = state else { return }
            state = .flat(FlatVectorStore(dimension: 0))  // drop the reference so `store` is uniquely held
            for (key, vector) in zip(keys, textVectors) {
                if let vector { store.set(vector, for: key) } else { store.remove(key) }
            }
            state = .flat(store)
        }
        return keys
    }

    /// Removes item `id`. Returns false if it was not there.
    @discardableResult
    public func remove(id: String) throws -> Bool {
        guard let key = try catalog.key(id: id) else { return false }
        // The vector goes first: a crash in between leaves an item found by BM25 only, never a vector
        // whose key SQLite could hand to a later item.
        if Self.hasVectorIndex(in: directory) {
            try updateVectorIndex(keys: [key], vectors: [nil])
        }
        let removed = try catalog.remove(id: id)
        vectors.withLock { state in
            guard case .flat(var store) = state else { return }
            state = .flat(FlatVectorStore(dimension: 0))
            store.remove(key)
            state = .flat(store)
        }
        return removed
    }

    /// Number of items with a text vector (0 for a write-only index).
    public var vectorCount: Int {
        vectors.withLock { state in
            switch state {
            case .flat(let store): store.count
            case .ivf(let index): index.count
            }
        }
    }
}
