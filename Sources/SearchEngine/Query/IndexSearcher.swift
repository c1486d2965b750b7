import Catalog
import Embedding
import Foundation
import Imaging
import VectorIndex

/// How a query over an index directory runs.
public struct QueryOptions: Sendable {
    public var k: Int
    public var filter: CatalogFilter
    /// RRF constant and per-source weights (`.visual`, `.bm25`, `.semantic`).
    public var fusion: ReciprocalRankFusion
    /// Vectors fetched from the visual index per wanted item: several frames of one video can match,
    /// so `k × overFetch` vectors are fetched and folded into items.
    public var overFetch: Int
    /// IVF lists probed per query; nil: the index's saved default (``SearchDefaults``, written by
    /// `vsearch eval --ann --save`), else ``QueryOptions/fallbackNprobe``.
    public var nprobe: Int?
    /// Candidates each text retriever contributes before fusion.
    public var candidatesPerSource: Int

    public init(k: Int = 10, filter: CatalogFilter = CatalogFilter(), fusion: ReciprocalRankFusion = ReciprocalRankFusion(),
                overFetch: Int = 4, nprobe: Int? = nil, candidatesPerSource: Int = 100) {
        self.k = k
        self.filter = filter
        self.fusion = fusion
        self.overFetch = overFetch
        self.nprobe = nprobe
        self.candidatesPerSource = candidatesPerSource
    }

    /// nprobe when neither the query nor the index sets one.
    public static let fallbackNprobe = 32
}

/// One answer to an image and/or text query, best first.
public struct QueryResult: Sendable {
    public var rank: Int
    public var key: ItemKey
    public var item: CatalogItem
    /// Image-only queries: the best cosine similarity of the item (a video's best frame). Text or
    /// image + text queries: the reciprocal-rank-fusion score.
    public var score: Double
    /// Videos found by the image: the best moments (best first); empty otherwise.
    public var moments: [Moment]
    /// The 1-based rank the item had in each source that found it.
    public var sources: [RankingSource: Int]
    /// Seconds of the best moment (videos found by the image), else nil.
    public var timestamp: Double? { moments.first?.timestamp }
}

/// Searches the serving version of an index directory: the visual IVF index (image queries; frames
/// folded into videos with their moments) and the text side (BM25 + MiniLM), fused with RRF.
/// Opens one version and keeps serving it; a later publish is seen by opening again.
public final class IndexSearcher: Sendable {
    public let index: IndexDirectory
    /// The version directory being served (or the index directory itself for a flat, unversioned one).
    public let versionDirectory: String
    public let version: UInt64?
    public let text: TextSearchIndex
    /// Nil when the version has no visual index (a text-only catalog).
    public let visual: IVFIndex?
    /// Defaults saved in the served version (nil when none, or measured at another `nlist`).
    public let searchDefaults: SearchDefaults?
    /// nprobe used when a query does not set one.
    public var defaultNprobe: Int { searchDefaults?.nprobe ?? QueryOptions.fallbackNprobe }

    public init(index: IndexDirectory, textEncoder: TextEncoder) throws {
        self.index = index
        let directory = try IndexSearcher.resolve(index)
        versionDirectory = directory.path
        version = directory.version
        text = try TextSearchIndex(directory: URL(fileURLWithPath: directory.path), encoder: textEncoder)
        let visualPath = directory.path + "/" + IndexDirectory.visualFolder
        let visual = FileManager.default.fileExists(atPath: visualPath) ? try IVFIndex.open(directory: visualPath) : nil
        self.visual = visual
        let saved = try SearchDefaults.load(versionDirectory: directory.path)
        searchDefaults = saved.flatMap { $0.nlist == visual?.nlist ? $0 : nil }
    }

    /// The directory holding `catalog.sqlite`: the serving version, or (for a directory written before
    /// versions existed, or by the text-only tools) the directory itself.
    public static func resolve(_ index: IndexDirectory) throws -> (path: String, version: UInt64?) {
        if let serving = try index.serving() { return (serving.directory, serving.version) }
        if FileManager.default.fileExists(atPath: index.path + "/" + TextSearchIndex.catalogFileName) { return (index.path, nil) }
        throw IndexBuildError(.noVersion, index.path, "no index here (no \(IndexDirectory.currentFileName), no \(TextSearchIndex.catalogFileName)); run vsearch build first")
    }

    /// The embedding of a query image file, preprocessed exactly as indexed images are.
    public static func embed(imageAt path: String, encoder: ImageEncoder) throws -> [Float] {
        let image = try ImageDecoder.decode(path: path, options: DecodeOptions(minimumShorterSide: ImageEncoder.resizeShorterSide))
        return try encoder.encode(modelInputs: [ImageEncoder.modelInput(image)])[0].embedding
    }

    /// The embedding of an in-memory query image (e.g. an HTTP upload; `name` labels errors), preprocessed
    /// exactly as indexed images are.
    public static func embed(imageData bytes: [UInt8], name: String, encoder: ImageEncoder) throws -> [Float] {
        let image = try ImageDecoder.decode(data: bytes, name: name, options: DecodeOptions(minimumShorterSide: ImageEncoder.resizeShorterSide))
        return try encoder.encode(modelInputs: [ImageEncoder.modelInput(image)])[0].embedding
    }

    /// Items whose vectors are most similar to `embedding`, folded per item (videos with moments).
    public func visualSearch(_ embedding: [Float], options: QueryOptions) throws -> [ItemHit] {
        guard let visual, options.k > 0 else { return [] }
        let allowed = try text.catalog.keys(matching: options.filter)
        let filter = allowed.map { keys in IDFilter { keys.contains(VisualVectorID.key(of: $0)) } }
        // Over-fetch vectors (several frames of one video can match), and fetch more while the vectors
        // fold into fewer than k items and the index holds more.
        var fetch = options.k * max(1, options.overFetch)
        while true {
            let neighbors = try visual.search(embedding, k: min(fetch, max(1, visual.count)),
                                              options: SearchOptions(nprobe: options.nprobe ?? defaultNprobe, filter: filter))
            let frames = try text.catalog.frames(vectorIDs: neighbors.map(\.id))
            let hits = neighbors.map { n in
                VisualHit(item: VisualVectorID.key(of: n.id), timestamp: frames[n.id]?.timestamp, score: n.score)
            }
            let grouped = FrameHitGrouping.group(hits)
            if grouped.count >= options.k || neighbors.count < fetch || fetch >= visual.count {
                return Array(grouped.prefix(options.k))
            }
            fetch *= 4
        }
    }

    /// Runs the query: by image (`embedding`), by text, or both fused.
    public func search(embedding: [Float]?, text query: String?, options: QueryOptions) throws -> [QueryResult] {
        let query = query.flatMap { $0.allSatisfy(\.isWhitespace) ? nil : $0 }
        guard options.k > 0, embedding != nil || query != nil else { return [] }
        let visualHits = try embedding.map { try visualSearch($0, options: options) } ?? []
        var rankings: [RankingSource: [ItemKey]] = [:]
        if embedding != nil { rankings[.visual] = visualHits.map(\.item) }
        if let query {
            let depth = max(options.k, options.candidatesPerSource)
            rankings[.bm25] = try text.catalog.lexicalSearch(query, filter: options.filter, limit: depth).map(\.key)
            let allowed = try text.catalog.keys(matching: options.filter)
            rankings[.semantic] = try text.semanticSearch(text.encoder.embed(query), k: depth, allowed: allowed).map(\.key)
        }
        let fused = Array(options.fusion.fuse(rankings).prefix(options.k))
        let items = try text.catalog.items(keys: fused.map(\.key))
        let byKey = Dictionary(visualHits.map { ($0.item, $0) }, uniquingKeysWith: { a, _ in a })
        var results: [QueryResult] = []
        for entry in fused {
            guard let item = items[entry.key] else { continue }  // removed meanwhile
            let hit = byKey[entry.key]
            let score = query == nil ? Double(hit?.score ?? 0) : entry.score
            results.append(QueryResult(rank: results.count + 1, key: entry.key, item: item, score: score,
                                       moments: item.kind == .video ? hit?.moments ?? [] : [], sources: entry.sourceRanks))
        }
        return results
    }
}
