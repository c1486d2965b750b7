import Foundation
import VectorIndex

/// What `vsearch info` reports about an index directory (the serving version). Read without any model.
public struct IndexInfo: Sendable, Codable, Equatable {
    public var path: String
    /// The serving version (nil for a flat, unversioned catalog directory).
    public var version: UInt64?
    /// Published versions on disk, oldest first.
    public var versions: [UInt64]
    /// Catalog items, and of them images and videos.
    public var items: Int
    public var images: Int
    public var videos: Int
    /// Sampled video frames recorded in the catalog.
    public var frames: Int
    /// Live vectors in the visual IVF index (images + frames).
    public var vectors: Int
    /// Items with a MiniLM text vector.
    public var textVectors: Int
    /// IVF lists and encoding (`flat`, `sq8`, `pq m=M`, `pq4fs m=M`) of the visual index; nil without one.
    public var nlist: Int?
    public var encoding: String?
    /// What the default rule (`EncodingChoice.choose`) picks for this many vectors on this machine, and why.
    public var encodingRule: String?
    /// nprobe image queries use when they set none: the saved default (`vsearch eval --ann --save`) or 32.
    public var defaultNprobe: Int
    /// Whether `defaultNprobe` was saved for this index (false: the built-in fallback).
    public var defaultNprobeSaved: Bool
    public var imageModel: String
    public var textModel: String
    /// Bytes of the serving version's files.
    public var bytes: Int

    /// Reads the counts of `index`'s serving version (no model is loaded).
    public static func read(_ index: IndexDirectory) throws -> IndexInfo {
        let snapshot = try IndexSnapshot(index: index, readers: 1)
        let catalog = snapshot.catalog
        return IndexInfo(path: index.path, version: snapshot.version, versions: try index.versions(),
                         items: try catalog.count(), images: try catalog.count(kind: .image),
                         videos: try catalog.count(kind: .video), frames: try catalog.frameCount(),
                         vectors: snapshot.visual?.count ?? 0, textVectors: snapshot.text.vectorCount,
                         nlist: snapshot.visual?.nlist,
                         encoding: snapshot.visual.map { "\($0.encodingKind)" + ($0.subquantizers > 0 ? " m=\($0.subquantizers)" : "")
                                                           + ($0.hasPQRotation ? " opq" : "") },
                         encodingRule: snapshot.visual.map { visual in
                             let choice = EncodingChoice.choose(vectorCount: visual.count, dimension: visual.dimension,
                                                                availableMemoryBytes: EncodingChoice.physicalMemoryBytes())
                             return "default rule: \(choice.encoding) (\(choice.reason))"
                         },
                         defaultNprobe: snapshot.defaultNprobe, defaultNprobeSaved: snapshot.searchDefaults != nil,
                         imageModel: IndexMaintenance.imageModelName, textModel: TextSearchIndex.textModelName,
                         bytes: IndexBuilder.directoryBytes(snapshot.versionDirectory))
    }
}
