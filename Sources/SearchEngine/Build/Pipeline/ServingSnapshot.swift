import Catalog
import Embedding
import Foundation
import VectorIndex

/// The serving version's items and, when asked for, everything needed to copy them into another
/// version without embedding them again: catalog rows, frames, MiniLM text vectors and the visual
/// vectors stored in the IVF (fp32: flat codes are the vectors; sq8 indexes keep the fp32 vectors beside
/// their codes for re-ranking, and `IVFIndex.liveVectors` reads those).
///
/// Memory: the item rows, plus with `vectors` every live visual vector at once (`vectors × 1280 × 4`
/// bytes) and every text vector (`items × 384 × 4`).
struct ServingSnapshot {
    let catalog: Catalog
    /// Items by key, in key order (items whose add never finished are left out).
    let items: [(key: ItemKey, item: CatalogItem)]
    /// Nil unless the vectors were read (or the version has no visual index).
    private let vectors: StoredVectorTable?
    /// Row of `vectors` by vector id.
    private let rowByID: [Int64: Int]
    private let textVectors: [ItemKey: [Float]]

    /// The serving version of `index`, or nil when none is published. `vectors`: also read the stored
    /// visual and text vectors (for a carry-over; a `--replace` or `--from-index` build needs the items only).
    static func open(_ index: IndexDirectory, vectors readVectors: Bool, textDimension: Int, threads: Int) throws -> ServingSnapshot? {
        guard try index.currentVersion() != nil else { return nil }
        let directory = try index.servingDirectory()
        let catalog = try Catalog(path: directory + "/" + TextSearchIndex.catalogFileName)
        // Keys are handed out below the catalog's high-water mark, never reused: every item's key is in 1...mark.
        let mark = try catalog.keyHighWater()
        let unfinished = Set(try catalog.pendingAdds().map(\.key))
        let keys = mark > 0 ? (1...mark).filter { !unfinished.contains($0) } : []
        let byKey = try catalog.items(keys: keys)
        let items = keys.compactMap { key in byKey[key].map { (key: key, item: $0) } }

        let visual = directory + "/" + IndexDirectory.visualFolder
        guard readVectors, FileManager.default.fileExists(atPath: visual) else {
            return ServingSnapshot(catalog: catalog, items: items, vectors: nil, rowByID: [:], textVectors: [:])
        }
        let table = try IVFIndex.open(directory: visual).liveVectors(threads: threads)
        var rowByID: [Int64: Int] = [:]
        rowByID.reserveCapacity(table.count)
        for (row, id) in table.ids.enumerated() { rowByID[id] = row }
        let text = try catalog.textVectors(model: TextSearchIndex.textModelName, dimension: textDimension).byKey
        return ServingSnapshot(catalog: catalog, items: items, vectors: table, rowByID: rowByID, textVectors: text)
    }

    /// The item as an ``EmbeddedItem`` with its stored vectors (one per image, one per kept video frame,
    /// in frame order with their timestamps), or nil if the index holds none of its vectors.
    func embedded(_ key: ItemKey, _ item: CatalogItem) throws -> EmbeddedItem? {
        var item = item
        item.conceptVector = try catalog.conceptVector(key: key, dimension: TextSearchIndex.textDimension)  // copied as stored
        var values: [Float] = []
        func append(_ id: Int64) -> Bool {
            guard let row = rowByID[id], let vectors else { return false }
            values += vectors.vector(row)
            return true
        }
        guard item.kind == .video else {
            guard append(VisualVectorID.make(key: key, frame: 0)) else { return nil }
            // Region vectors (``RegionLayout``), frames 1, 2, …, as stored.
            var frame = 1
            while append(VisualVectorID.make(key: key, frame: frame)) { frame += 1 }
            return EmbeddedItem(item: item, vectors: values, timestamps: nil)
        }
        var timestamps: [Double] = []
        for frame in try catalog.frames(videoID: item.id).sorted(by: { $0.vectorID < $1.vectorID }) where append(frame.vectorID) {
            timestamps.append(frame.timestamp)
        }
        return timestamps.isEmpty ? nil : EmbeddedItem(item: item, vectors: values, timestamps: timestamps)
    }

    /// The item's stored MiniLM vector, if it has one.
    func textVector(_ key: ItemKey) -> [Float]? { textVectors[key] }

    /// The items as build inputs (their files, ids and metadata), for a build that embeds them again.
    var entries: [BuildEntry] {
        // Sources were resolved when indexed; resolved again here for indexes whose folder was given with a symlink.
        items.map { BuildEntry(path: URL(fileURLWithPath: $0.item.source).standardizedFileURL.resolvingSymlinksInPath().path, id: $0.item.id, kind: $0.item.kind, title: $0.item.title,
                               description: $0.item.description, tags: $0.item.tags) }
    }
}
