import Catalog
import Foundation
import VectorIndex

/// Where the semantic side's vectors live for a searchable ``TextSearchIndex``.
enum SemanticVectors: Sendable {
    /// No text IVF on disk: every vector in memory, searched exactly (int8 first pass when large).
    case flat(FlatVectorStore)
    /// The text IVF (a snapshot; replaced after each write through this index).
    case ivf(IVFIndex)
}

extension TextSearchIndex {
    /// Share of the IVF lists probed per unfiltered semantic query. MiniLM sentence vectors of varied
    /// texts are weakly clustered: on 104,820 film texts (1,295 lists) probing 4 % of the lists found
    /// only 0.70 of the exact top-10, 40 % finds 0.965 of the top-10 and 0.95 of the top-100 in 1.7 ms
    /// (the exact int8 scan of every vector: 3.9 ms; BENCHMARKS.md, text section).
    public static let defaultProbeFraction = 0.4
    /// At or below this many vectors every list is probed (the whole scan costs microseconds).
    public static let exhaustiveSearchLimit = 4096
    /// Candidates re-scored exactly from the stored fp32 vectors: at least `k + rerankMargin`.
    static let rerankMargin = 32
    /// Up to this `k`, twice `k` candidates are re-scored (the ranks a fused first page draws on); deeper
    /// rankings (the paging depth, 1,000) re-score `k + deepRerankMargin`: their top is as exact as a
    /// shallow search's, and the random reads of stored vectors stay ~half.
    static let deepRerankFrom = 128
    static let deepRerankMargin = 128

    /// Candidates a search for `k` re-scores exactly (see ``rerankMargin``, ``deepRerankFrom``).
    static func rerankCandidates(k: Int) -> Int {
        k <= deepRerankFrom ? k * max(2, (k + rerankMargin + k - 1) / k) : k + deepRerankMargin
    }

    /// `directory/text-ivf`.
    public var vectorIndexDirectory: String { directory.appendingPathComponent(Self.vectorFolder).path }

    /// True when `directory` holds a text IVF (its manifest exists).
    static func hasVectorIndex(in directory: URL) -> Bool {
        FileManager.default.fileExists(atPath: directory.appendingPathComponent(Self.vectorFolder).path + "/MANIFEST")
    }

    static func openVectorIndex(in directory: URL, dimension: Int) throws -> IVFIndex {
        let path = directory.appendingPathComponent(Self.vectorFolder).path
        let index = try IVFIndex.open(directory: path)
        guard index.dimension == dimension, index.metric == .innerProduct else {
            throw CatalogError(subject: path, reason: "text vector index has dimension \(index.dimension) and metric "
                               + "\(index.metric), the text model needs \(dimension) and ip; rebuild the index")
        }
        return index
    }

    /// (Re)builds the text IVF from every text vector in the catalog (k-means on a sample of at most
    /// 32,768 vectors, ≈ 4·√N lists unless `nlist` is given; sq8 codes with fp32 vectors for exact
    /// re-ranking) and publishes it in ``vectorIndexDirectory``. From then on searches and writes use it.
    /// Returns the number of vectors indexed (with none, any old text IVF is removed: flat store).
    ///
    /// Memory: the catalog's vectors are read into one array first (1.5 KB per item).
    @discardableResult
    public func buildVectorIndex(nlist: Int? = nil, threads: Int = 1) throws -> Int {
        let stored = try catalog.textVectors(model: Self.textModelName, dimension: dimension)
        let path = vectorIndexDirectory
        let n = stored.keys.count
        guard n > 0 else {
            try? FileManager.default.removeItem(atPath: path)
            if searchable { vectors.withLock { $0 = .flat(FlatVectorStore(dimension: dimension)) } }
            return 0
        }
        let writer = try IVFIndexWriter(directory: path)
        let lists = min(n, nlist ?? IVFBuildOptions.defaultNlist(count: n))
        let perList = max(8, min(64, 32_768 / max(1, lists)))
        try writer.build(from: ArrayVectors(stored.values, dimension: stored.dimension), ids: stored.keys,
                         options: IVFBuildOptions(nlist: lists, metric: .innerProduct, encoding: .sq8, storeVectors: true,
                                                  trainingPointsPerList: perList, threads: max(1, threads)))
        if searchable {
            let snapshot = try writer.index()
            vectors.withLock { $0 = .ivf(snapshot) }
        }
        return n
    }

    /// Applies catalog writes to the text IVF (its append log, fsynced): the old vector of every key is
    /// removed, the new one (if any) added. Refreshes this index's snapshot when searchable.
    func updateVectorIndex(keys: [ItemKey], vectors newVectors: [[Float]?]) throws {
        let writer = try IVFIndexWriter(directory: vectorIndexDirectory)
        try writer.remove(keys)
        var ids: [Int64] = []
        var values: [Float] = []
        for (key, vector) in zip(keys, newVectors) {
            guard let vector else { continue }
            ids.append(key)
            values += vector
        }
        if !ids.isEmpty { try writer.add(values, ids: ids) }
        try writer.compactIfLogIsLarge()
        guard searchable else { return }
        let snapshot = try writer.index()
        vectors.withLock { $0 = .ivf(snapshot) }
    }

    /// The `k` items whose text vectors are most similar to `query` (a unit vector), among `allowed`
    /// (nil: all items), best first, with exact cosine scores.
    ///
    /// With the text IVF, the filter is applied inside the scan, and the lists probed are widened in
    /// inverse proportion to the filter's selectivity (`semanticProbes × items / allowed`, up to every
    /// list), so a selective filter still finds its best matches — at worst by scanning every list,
    /// which is the exact scan over the allowed ids (sq8 first pass, exact re-ranking).
    public func semanticSearch(_ query: [Float], k: Int, allowed: Set<ItemKey>? = nil) throws -> [(key: ItemKey, score: Float)] {
        guard k > 0 else { return [] }
        let state = vectors.withLock { $0 }  // a snapshot: the scan runs outside the lock
        switch state {
        case .flat(let store):
            return store.search(query, k: k, allowed: allowed)
        case .ivf(let index):
            guard index.count > 0 else { return [] }
            if let allowed, allowed.isEmpty { return [] }
            let base = semanticProbes ?? Int((Double(index.nlist) * Self.defaultProbeFraction).rounded(.up))
            let nprobe = Self.probes(base: base, nlist: index.nlist, count: index.count, allowed: allowed?.count)
            let filter = allowed.map { keys in IDFilter { keys.contains($0) } }
            var options = SearchOptions(nprobe: nprobe, filter: filter)
            options.rerankCandidates = Self.rerankCandidates(k: k)
            return try index.search(query, k: k, options: options)
                .map { (key: $0.id, score: $0.score) }
        }
    }

    /// Lists to probe: every list for small indexes; else `base`, widened by `count / allowed` for a
    /// filter that lets only `allowed` of the `count` vectors through.
    public static func probes(base: Int, nlist: Int, count: Int, allowed: Int?) -> Int {
        if count <= exhaustiveSearchLimit { return nlist }
        guard let allowed, allowed < count else { return min(nlist, base) }
        let widened = (Double(base) * Double(count) / Double(max(1, allowed))).rounded(.up)
        return widened >= Double(nlist) ? nlist : max(base, Int(widened))
    }
}
