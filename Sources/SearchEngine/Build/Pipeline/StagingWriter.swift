import Catalog

/// Writes embedded items into the staging version: catalog rows (with text vectors), then frames, then
/// the vectors appended to the spill and `fsync`ed, which is the item's checkpoint. New keys come from
/// the staging catalog, so items copied from another version get keys of this one.
struct StagingWriter {
    let textIndex: TextSearchIndex
    let spill: VectorSpill

    /// `textVectors[i]` is item `i`'s MiniLM vector (nil: none).
    func write(_ items: [EmbeddedItem], textVectors: [[Float]?]) throws {
        guard !items.isEmpty else { return }
        let keys = try textIndex.add(items.map(\.item), textVectors: textVectors)
        var ids: [Int64] = []
        var vectors: [Float] = []
        var last: [Bool] = []
        for (embedded, key) in zip(items, keys) {
            let count = embedded.vectorCount
            for frame in 0..<count { ids.append(VisualVectorID.make(key: key, frame: frame)) }
            last += [Bool](repeating: false, count: count - 1) + [true]
            vectors += embedded.vectors
            if let timestamps = embedded.timestamps {
                try textIndex.catalog.addFrames(timestamps.enumerated().map {
                    VideoFrame(videoID: embedded.item.id, timestamp: $0.element, vectorID: VisualVectorID.make(key: key, frame: $0.offset))
                })
            }
        }
        try spill.append(ids: ids, vectors: vectors, lastOfItem: last)
    }

    /// As ``write(_:textVectors:)``, computing the text vectors here.
    func write(_ items: [EmbeddedItem]) throws {
        try write(items, textVectors: TextSearchIndex.textVectors(of: items.map(\.item), encoder: try textIndex.requireEncoder()))
    }
}
