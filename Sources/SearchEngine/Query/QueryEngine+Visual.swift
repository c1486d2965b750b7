import Catalog
import VectorIndex

extension QueryEngine {
    /// Items whose vectors are most similar to any of `queries`, folded per item (a video scores as its
    /// best frame, with its best moments), among `allowed` (nil: all) and never `excluded`.
    func visualSearch(_ queries: [[Float]], allowed: Set<ItemKey>?, excluding excluded: ItemKey?,
                      options: QueryOptions) throws -> [ItemHit] {
        guard let visual = snapshot.visual, options.k > 0, visual.count > 0 else { return [] }
        let filter: IDFilter? = (allowed == nil && excluded == nil) ? nil : IDFilter { id in
            let key = VisualVectorID.key(of: id)
            return key != excluded && (allowed?.contains(key) ?? true)
        }
        let search = SearchOptions(nprobe: options.nprobe ?? snapshot.defaultNprobe, filter: filter)
        // Best score per vector over all query vectors (an item query searches several frames).
        var best: [Int64: Float] = [:]
        for query in queries {
            // Over-fetch vectors (several frames of one video can match), and fetch more while they fold
            // into fewer than k items and the index holds more.
            var fetch = options.k * max(1, options.overFetch)
            while true {
                let neighbors = try visual.search(query, k: min(fetch, visual.count), options: search)
                let items = Set(neighbors.map { VisualVectorID.key(of: $0.id) })
                if items.count >= options.k || neighbors.count < fetch || fetch >= visual.count {
                    for n in neighbors where n.score > best[n.id] ?? -.infinity { best[n.id] = n.score }
                    break
                }
                fetch *= 4
            }
        }
        let frames = try catalog.frames(vectorIDs: Array(best.keys))
        let hits = best.map { id, score in VisualHit(item: VisualVectorID.key(of: id), timestamp: frames[id]?.timestamp, score: score) }
        return Array(FrameHitGrouping.group(hits).prefix(options.k))
    }

    /// The key and stored visual vectors of an item query: an image's vector; a video's frame nearest
    /// `at`, or up to ``maximumItemQueryFrames`` of its frames evenly spread.
    func itemVectors(_ query: ItemQuery) throws -> (key: ItemKey, vectors: [[Float]]) {
        if let at = query.at, !(at.isFinite && at >= 0) {
            throw SearchEngineError(.invalidQuery, "t", "must be a number of seconds ≥ 0")
        }
        guard let item = try catalog.item(id: query.id), let key = try catalog.key(id: query.id) else {
            throw SearchEngineError(.itemNotFound, query.id, "no item with this id")
        }
        guard let visual = snapshot.visual else {
            throw SearchEngineError(.corruptIndex, snapshot.versionDirectory, "has no visual index to search items with")
        }
        var ids = [VisualVectorID.make(key: key, frame: 0)]
        if item.kind == .video {
            let frames = try catalog.frames(videoID: query.id)
            if let at = query.at, let nearest = frames.min(by: { abs($0.timestamp - at) < abs($1.timestamp - at) }) {
                ids = [nearest.vectorID]
            } else if !frames.isEmpty {
                let count = min(frames.count, Self.maximumItemQueryFrames)
                ids = (0..<count).map { frames[$0 * frames.count / count].vectorID }
            }
        }
        let stored = try visual.storedVectors(ids: Set(ids))
        let vectors = ids.compactMap { stored[$0] }
        guard !vectors.isEmpty else {
            throw SearchEngineError(.corruptIndex, query.id, "has no stored vector in the visual index")
        }
        return (key, vectors)
    }
}
