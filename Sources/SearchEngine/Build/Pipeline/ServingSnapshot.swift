import Catalog
import Embedding
import Foundation
import VectorIndex

/// The serving version's items with everything needed to copy them into another version without
/// embedding them again: catalog rows, frames, MiniLM text vectors and the visual vectors stored in the
/// IVF (fp32: flat codes are the vectors; sq8 indexes keep the fp32 vectors beside their codes for
/// re-ranking, and `IVFIndex.liveVectors` reads those).
///
/// Memory: every live visual vector is read at once (`vectors × 1280 × 4` bytes).
struct ServingSnapshot {
    let catalog: Catalog
    /// Items by key, in key order (items whose add never finished are left out).
    let items: [(key: ItemKey, item: CatalogItem)]
    /// Nil when the version has no visual index.
    private let vectors: StoredVectorTable?
    /// Row of `vectors` by vector id.
    private let rowByID: [Int64: Int]
    private let textVectors: [ItemKey: [Float]]

    /// The serving version of `index`, or nil when none is published.
    static func open(_ index: IndexDirectory, textDimension: Int, threads: Int) throws -> ServingSnapshot? {
        guard try index.currentVersion() != nil else { return nil }
        let directory = try index.servingDirectory()
        let catalog = try Catalog(path: directory + "/" + TextSearchIndex.catalogFileName)
        let visual = directory + "/" + IndexDirectory.visualFolder
        let table = FileManager.default.fileExists(atPath: visual) ? try IVFIndex.open(directory: visual).liveVectors(threads: threads) : nil
        let ids = table?.ids ?? []
        var rowByID: [Int64: Int] = [:]
        rowByID.reserveCapacity(ids.count)
        for (row, id) in ids.enumerated() { rowByID[id] = row }
        let unfinished = Set(try catalog.pendingAdds().map(\.key))
        let keys = Set(ids.map(VisualVectorID.key(of:))).subtracting(unfinished).sorted()
        let byKey = try catalog.items(keys: keys)
        let stored = try catalog.textVectors(model: TextSearchIndex.textModelName, dimension: textDimension)
        var text: [ItemKey: [Float]] = [:]
        for (row, key) in stored.keys.enumerated() {
            text[key] = Array(stored.values[(row * textDimension)..<((row + 1) * textDimension)])
        }
        return ServingSnapshot(catalog: catalog, items: keys.compactMap { key in byKey[key].map { (key, $0) } },
                               vectors: table, rowByID: rowByID, textVectors: text)
    }

    /// The item as an ``EmbeddedItem`` with its stored vectors (one per image, one per kept video frame,
    /// in frame order with their timestamps), or nil if the index holds none of its vectors.
    func embedded(_ key: ItemKey, _ item: CatalogItem) throws -> EmbeddedItem? {
        var values: [Float] = []
        func append(_ id: Int64) -> Bool {
            guard let row = rowByID[id], let vectors else { return false }
            values += vectors.vector(row)
            return true
        }
        guard item.kind == .video else {
            return append(VisualVectorID.make(key: key, frame: 0)) ? EmbeddedItem(item: item, vectors: values, timestamps: nil) : nil
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
        items.map { BuildEntry(path: $0.item.source, id: $0.item.id, kind: $0.item.kind, title: $0.item.title,
                               description: $0.item.description, tags: $0.item.tags) }
    }
}
