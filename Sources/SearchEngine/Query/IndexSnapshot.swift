import Catalog
import Foundation
import VectorIndex

/// One published version of an index directory, opened for reading: the catalog (read-only, a pool of
/// reader connections), the visual IVF index (its base file mapped, its log replayed), the text vectors
/// (their IVF or, for small catalogs, an exact in-memory store) and the saved search defaults.
///
/// Immutable and loads no model: `info`, `remove`'s checks and every query read through it. A later
/// publish or write is seen by opening a new snapshot.
public final class IndexSnapshot: Sendable {
    public let index: IndexDirectory
    /// The version directory being read (or the index directory itself for a flat, unversioned one).
    public let versionDirectory: String
    public let version: UInt64?
    /// The catalog and the semantic (text) vectors.
    public let text: TextSearchIndex
    /// The items' concept vectors (``ConceptSpace``: CNN classes carried into MiniLM space), searched
    /// exactly by text queries as the `concepts` source; empty for a version written before they existed
    /// or opened without text vectors.
    public let concepts: FlatVectorStore
    /// Nil when the version has no visual index (a text-only catalog).
    public let visual: IVFIndex?
    /// Defaults saved in the version (nil when none, or measured at another `nlist`).
    public let searchDefaults: SearchDefaults?

    public var catalog: Catalog { text.catalog }
    /// nprobe used when a query does not set one.
    public var defaultNprobe: Int { searchDefaults?.nprobe ?? QueryOptions.fallbackNprobe }

    /// Opens the serving version of `index` read-only.
    /// - Parameters:
    ///   - readers: reader connections to the catalog (concurrent queries each take a free one).
    ///   - textVectors: false to skip loading the text vectors (nothing semantic will be searched).
    ///   - semanticProbes: IVF lists probed per semantic query (nil: the text index's default share).
    public convenience init(index: IndexDirectory, readers: Int = 4, textVectors: Bool = true, semanticProbes: Int? = nil) throws {
        let directory = try IndexSnapshot.resolve(index)
        try self.init(index: index, directory: directory, readers: readers, textVectors: textVectors, semanticProbes: semanticProbes)
    }

    /// Opens published version `version` of `index` read-only, serving or not (a cluster replica answers
    /// the cluster's serving generation while a newer build is loaded beside it). Throws `.noVersion` when
    /// no such version is on disk.
    public convenience init(index: IndexDirectory, version: UInt64, readers: Int = 4) throws {
        let path = index.versionDirectory(version)
        guard FileManager.default.fileExists(atPath: path + "/" + TextSearchIndex.catalogFileName) else {
            throw IndexBuildError(.noVersion, path, "no published version \(version) here")
        }
        try self.init(index: index, directory: (path, version), readers: readers, textVectors: true, semanticProbes: nil)
    }

    private init(index: IndexDirectory, directory: (path: String, version: UInt64?), readers: Int, textVectors: Bool,
                 semanticProbes: Int?) throws {
        self.index = index
        versionDirectory = directory.path
        version = directory.version
        text = try TextSearchIndex(directory: URL(fileURLWithPath: directory.path), encoder: nil, searchable: textVectors,
                                   semanticProbes: semanticProbes, access: .readOnly(connections: readers))
        concepts = textVectors ? FlatVectorStore(try text.catalog.conceptVectors(dimension: TextSearchIndex.textDimension))
                               : FlatVectorStore(dimension: TextSearchIndex.textDimension)
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
}
