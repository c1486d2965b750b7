import Catalog
import Embedding
import Foundation
import VectorIndex

extension IndexMaintenance {
    /// Longest title or description an edit may set, in UTF-8 bytes.
    public static let maximumEditTextBytes = 64 << 10
    /// Most tags an edit may set, and the longest tag.
    public static let maximumEditTags = 256
    public static let maximumTagBytes = 256

    /// Edits item `id`'s title, description and/or tags in the serving version without re-embedding its
    /// media: the catalog row, the full-text (BM25) row and the MiniLM text vector change; the image and
    /// frame vectors stay as they are. Durable on return. Returns the edited item, or nil when there is
    /// no item `id`.
    ///
    /// Crash-safe in the order of the live adds, under the index lock: (1) one catalog transaction writes
    /// the row, tags, full-text row, the new text vector and a pending mark for the key; (2) the text
    /// IVF's fsynced log replaces the key's vector; (3) the mark is cleared. Killed after (1), the catalog
    /// holds the whole edit and the next writer (add, remove, update) brings the text IVF in step from the
    /// stored vector (`repairPendingTextVectors`); killed before it, nothing changed.
    public static func update(id: String, edit: ItemEdit, in index: IndexDirectory, textEncoder: TextEncoder) throws -> CatalogItem? {
        try validate(edit)
        let write = try ServingWrite.open(index, textEncoder: textEncoder)
        defer { withExtendedLifetime(write) {} }
        let textIndex = write.textIndex, catalog = textIndex.catalog
        guard let item = try catalog.item(id: id), let key = try catalog.key(id: id) else { return nil }
        let edited = edit.applied(to: item)
        let vector = TextSearchIndex.textVectors(of: [edited], encoder: textEncoder)[0]
        try catalog.commitEdit(edited, key: key, textVector: vector, textModel: TextSearchIndex.textModelName)
        CrashPoint.reach("update.catalog-written")
        try textIndex.applyStoredTextVector(key: key, vector: vector)
        CrashPoint.reach("update.text-index-written")
        try catalog.finishPendingTextVector(key)
        return edited
    }

    /// Refuses an edit with an oversized field (``SearchEngineError/Kind/invalidQuery`` naming the field).
    static func validate(_ edit: ItemEdit) throws {
        for (name, value) in [("title", edit.title), ("description", edit.description)] {
            if let value, value.utf8.count > maximumEditTextBytes {
                throw SearchEngineError(.invalidQuery, name, "longer than \(maximumEditTextBytes) bytes")
            }
        }
        if let tags = edit.tags {
            guard tags.count <= maximumEditTags else {
                throw SearchEngineError(.invalidQuery, "tags", "has \(tags.count) tags; at most \(maximumEditTags) are allowed")
            }
            if let long = tags.first(where: { $0.utf8.count > maximumTagBytes }) {
                throw SearchEngineError(.invalidQuery, "tags", "the tag '\(long.prefix(32))…' is longer than \(maximumTagBytes) bytes")
            }
        }
    }

    /// Brings the text IVF in step with the catalog for edits that wrote the catalog and did not finish
    /// (see ``update(id:edit:in:textEncoder:)``). Run under the lock, by every writer.
    static func repairPendingTextVectors(catalog: Catalog, textIndex: TextSearchIndex) throws {
        for key in try catalog.pendingTextVectors() {
            try textIndex.applyStoredTextVector(key: key, vector: try catalog.textVector(key: key, dimension: textIndex.dimension))
            try catalog.finishPendingTextVector(key)
        }
    }
}

extension TextSearchIndex {
    /// Replaces `key`'s entry in the text IVF (if the version has one) with `vector` (nil: none).
    func applyStoredTextVector(key: ItemKey, vector: [Float]?) throws {
        guard Self.hasVectorIndex(in: directory) else { return }
        try updateVectorIndex(keys: [key], vectors: [vector])
    }
}
