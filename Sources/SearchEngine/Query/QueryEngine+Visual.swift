import Catalog
import VectorIndex

extension QueryEngine {
    /// Items whose vectors are most similar to any of `queries`, folded per item (a video scores as its
    /// best frame, with its best moments), among `allowed` (nil: all) and never `excluded`, up to
    /// `options.maximumResults` items.
    ///
    /// A filter is applied inside the scan, and a selective one widens the probing: first in proportion
    /// to its selectivity (`nprobe × items / allowed`, as the semantic side does), then doubling while
    /// fewer than ``filteredTarget(allowed:options:)`` items were found and unprobed lists remain — so a
    /// filter that lets few items through finds them all, at worst by scanning every list. The widening
    /// depends only on the query, its filter and the index, never on the page, so paging stays stable.
    func visualSearch(_ queries: [[Float]], allowed: Set<ItemKey>?, excluding excluded: ItemKey?,
                      options: QueryOptions) throws -> [ItemHit] {
        guard let visual = snapshot.visual, options.k > 0, visual.count > 0 else { return [] }
        if let allowed, allowed.isEmpty { return [] }
        let filter: IDFilter? = (allowed == nil && excluded == nil) ? nil : IDFilter { id in
            let key = VisualVectorID.key(of: id)
            return key != excluded && (allowed?.contains(key) ?? true)
        }
        let depth = max(options.k, options.maximumResults)
        let base = max(1, min(visual.nlist, options.nprobe ?? snapshot.defaultNprobe))
        var nprobe = base
        if let allowed {
            nprobe = try VisualProbing.proportional(base: base, nlist: visual.nlist, items: catalog.count(), allowed: allowed.count)
        }
        while true {
            let hits = try visualSearch(queries, filter: filter, nprobe: nprobe, depth: depth, options: options)
            guard let allowed, nprobe < visual.nlist, hits.count < Self.filteredTarget(allowed: allowed.count, options: options)
            else { return hits }
            nprobe = min(visual.nlist, nprobe * 2)
        }
    }

    /// Items a filtered visual search tries to find before it stops widening: every allowed item, up to
    /// the ranking depth.
    static func filteredTarget(allowed: Int, options: QueryOptions) -> Int {
        min(allowed, max(options.k, options.maximumResults))
    }

    /// One probing of the visual index at `nprobe`: up to `depth` items.
    private func visualSearch(_ queries: [[Float]], filter: IDFilter?, nprobe: Int, depth: Int,
                              options: QueryOptions) throws -> [ItemHit] {
        guard let visual = snapshot.visual else { return [] }
        let search = SearchOptions(nprobe: nprobe, filter: filter)
        // Best score per vector over all query vectors (an item query searches several frames).
        var best: [Int64: Float] = [:]
        for query in queries {
            // `depth` vectors, at least `k × overFetch` (several frames of one video can match), and more
            // while they fold into fewer than `k` items and the probed lists hold more. (Not more for the
            // whole depth: ranks beyond the first page are rarely read, and 4× the vectors cost 4× the heap.)
            var fetch = max(depth, options.k * max(1, options.overFetch))
            while true {
                let neighbors = try visual.search(query, k: min(fetch, visual.count), options: search)
                let items = Set(neighbors.map { VisualVectorID.key(of: $0.id) })
                if items.count >= options.k || neighbors.count < min(fetch, visual.count) || fetch >= visual.count {
                    for n in neighbors where n.score > best[n.id] ?? -.infinity { best[n.id] = n.score }
                    break
                }
                fetch *= 4
            }
        }
        let frames = try catalog.frames(vectorIDs: Array(best.keys))
        let hits = best.map { id, score in VisualHit(item: VisualVectorID.key(of: id), timestamp: frames[id]?.timestamp, score: score) }
        return Array(FrameHitGrouping.group(hits).prefix(depth))
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
