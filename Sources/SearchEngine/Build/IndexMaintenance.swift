import Catalog
import Embedding
import Foundation
import VectorIndex
import VideoFrames

/// What `vsearch info` reports about an index directory (the serving version).
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
    /// IVF lists and encoding (`flat`/`sq8`) of the visual index; nil without one.
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
}

/// A finished `build --refresh`: the serving version, its live vectors and its new number of lists.
public struct RefreshReport: Sendable {
    public var version: UInt64
    public var vectors: Int
    public var nlist: Int
    public var jsonLine: String { "{\"version\":\(version),\"vectors\":\(vectors),\"nlist\":\(nlist)}" }
    public var text: String { "refreshed version \(version): retrained \(nlist) lists over \(vectors) vectors and compacted" }
}

/// Changes to a published index: incremental add/remove, refresh, rollback, and reading its state.
public enum IndexMaintenance {
    public static let imageModelName = "efficientnet-lite0"

    public static func info(_ index: IndexDirectory, textEncoder: TextEncoder) throws -> IndexInfo {
        let searcher = try IndexSearcher(index: index, textEncoder: textEncoder)
        let catalog = searcher.text.catalog
        return IndexInfo(path: index.path, version: searcher.version, versions: try index.versions(),
                         items: try catalog.count(), images: try catalog.count(kind: .image),
                         videos: try catalog.count(kind: .video), frames: try catalog.frameCount(),
                         vectors: searcher.visual?.count ?? 0, textVectors: searcher.text.vectorCount,
                         nlist: searcher.visual?.nlist, encoding: searcher.visual.map { "\($0.encodingKind)" + ($0.subquantizers > 0 ? " m=\($0.subquantizers)" : "") },
                         encodingRule: searcher.visual.map { v in
                             let c = EncodingChoice.choose(vectorCount: v.count, dimension: v.dimension,
                                                           availableMemoryBytes: EncodingChoice.physicalMemoryBytes())
                             return "default rule: \(c.encoding) (\(c.reason))" },
                         defaultNprobe: searcher.defaultNprobe, defaultNprobeSaved: searcher.searchDefaults != nil,
                         imageModel: imageModelName, textModel: TextSearchIndex.textModelName,
                         bytes: IndexBuilder.directoryBytes(searcher.versionDirectory))
    }

    /// Makes `version` (default: the one before the serving one) serve again.
    @discardableResult
    public static func rollback(_ index: IndexDirectory, to version: UInt64? = nil) throws -> UInt64 {
        let lock = try index.lock()
        defer { withExtendedLifetime(lock) {} }
        let versions = try index.versions()
        let current = try index.currentVersion()
        let target: UInt64
        if let version {
            target = version
        } else {
            guard let current, let previous = versions.last(where: { $0 < current }) else {
                throw IndexBuildError(.badInput, index.path, "there is no version before the serving one to roll back to")
            }
            target = previous
        }
        guard versions.contains(target) else {
            throw IndexBuildError(.badInput, index.path, "has no version \(target) (versions: \(versions.map(String.init).joined(separator: ", ")))")
        }
        try index.setCurrent(target)
        return target
    }

    /// Retrains the coarse quantizer of the serving version's visual index and compacts it, and
    /// rebuilds its text vectors' IVF from the catalog (which also gives a version written before the
    /// text IVF existed one).
    public static func refresh(_ index: IndexDirectory, nlist: Int?, threads: Int, textEncoder: TextEncoder? = nil,
                               encoding: EncodingKind? = nil, pqSubquantizers: Int? = nil) throws -> RefreshReport {
        let lock = try index.lock()
        defer { withExtendedLifetime(lock) {} }
        let version = try index.currentVersion()
        if let textEncoder {
            try TextSearchIndex(directory: URL(fileURLWithPath: try index.servingDirectory()), encoder: textEncoder, searchable: false)
                .buildVectorIndex(threads: threads)
        }
        let writer = try IVFIndexWriter(directory: try index.servingDirectory() + "/" + IndexDirectory.visualFolder)
        try writer.retrain(nlist: nlist, threads: threads, encoding: encoding, pqSubquantizers: pqSubquantizers)
        let ivf = try writer.index()
        return RefreshReport(version: version ?? 0, vectors: ivf.count, nlist: ivf.nlist)
    }

    /// Adds files to the serving version: catalog rows (with text vectors) and vectors in the IVF log,
    /// durable on return and seen by searches opened afterwards. Content already indexed is reported as
    /// a duplicate and not embedded again.
    public static func add(_ entries: [BuildEntry], to index: IndexDirectory, imageEncoder: ImageEncoder,
                           textEncoder: TextEncoder, options: BuildOptions = BuildOptions()) throws -> BuildSummary {
        let lock = try index.lock()
        defer { withExtendedLifetime(lock) {} }
        let serving = try index.servingDirectory()
        // Write-only: add/remove never search, so the serving catalog's text vectors are not loaded.
        let textIndex = try TextSearchIndex(directory: URL(fileURLWithPath: serving), encoder: textEncoder, searchable: false)
        let writer = try IVFIndexWriter(directory: serving + "/" + IndexDirectory.visualFolder)
        try repairInterruptedAdds(catalog: textIndex.catalog, textIndex: textIndex, writer: writer)
        let embedder = MediaEmbedder(encoder: imageEncoder, sampling: options.sampling, videoLimits: options.videoLimits,
                                     batchSize: max(1, options.batchSize))
        var summary = BuildSummary()
        let start = Date()
        for entry in entries {
            let media = PreparedMedia.prepare(entry)
            var embedded: EmbeddedItem?
            switch media {
            case .failed(_, let reason): summary.failures.append(BuildFailure(input: entry.path, reason: reason))
            case .notMedia(_, let reason): summary.skipped.append(BuildFailure(input: entry.path, reason: reason))
            case .finished: break  // only builds pass finished hashes
            case .image, .video:
                if let existing = try textIndex.catalog.item(contentHash: media.hash!) {
                    summary.duplicates.append(BuildFailure(input: entry.path, reason: "same content as item \(existing.id) (\(existing.source))"))
                    continue
                }
                let id = entry.id ?? String(media.hash!.prefix(16))
                if let owner = try textIndex.catalog.item(id: id) {
                    summary.failures.append(BuildFailure(input: entry.path, reason: "id '\(id)' is already used by \(owner.source)"))
                    continue
                }
                if case let .image(entry, hash, input, width, height) = media {
                    embedded = try embedder.embedImages([(entry, hash, input, width, height)]).first
                } else {
                    var warnings: [String] = []
                    do {
                        embedded = try embedder.embedVideo(entry, hash: media.hash!, warnings: &warnings)
                        if !warnings.isEmpty {
                            summary.warnings.append(BuildFailure(input: entry.path, reason: warnings.joined(separator: "; ")))
                        }
                    } catch let error as VideoError where error.code == .notAVideo && media.videoContainer == nil {
                        summary.skipped.append(BuildFailure(input: entry.path, reason: "not an image or a video (\(error.reason))"))
                    } catch {
                        summary.failures.append(BuildFailure(input: entry.path, reason: "\(error)"))
                    }
                }
            }
            guard let embedded else { continue }
            // Crash-consistent order (each step durable before the next): reserve a never-used key,
            // write the vectors, then the catalog row (+ text vector), the frames, and clear the
            // reservation. Killed before the row lands, the item is not in the catalog (its vectors
            // are unreachable: searches drop ids with no item); the next add or remove undoes the
            // unfinished add (`repairInterruptedAdds`). So an item is never searchable by text alone.
            let textVectors = TextSearchIndex.textVectors(of: [embedded.item], encoder: textEncoder)
            let key = try textIndex.catalog.reserveItemKey(vectors: embedded.vectorCount)
            CrashPoint.reach("add.key-reserved")
            let ids = (0..<embedded.vectorCount).map { VisualVectorID.make(key: key, frame: $0) }
            try writer.add(embedded.vectors, ids: ids)
            CrashPoint.reach("add.vectors-written")
            _ = try textIndex.add([embedded.item], textVectors: textVectors, keys: [key])
            CrashPoint.reach("add.catalog-written")
            if let timestamps = embedded.timestamps {
                try textIndex.catalog.addFrames(zip(ids, timestamps).map { VideoFrame(videoID: embedded.item.id, timestamp: $1, vectorID: $0) })
                summary.embeddedFrames += ids.count
            } else {
                summary.embeddedImages += 1
            }
            try textIndex.catalog.finishPendingAdd(key)
            summary.indexed += 1
        }
        let counts = try IndexBuilder.counts(versionDirectory: serving)
        summary.items = counts.items
        summary.images = counts.images
        summary.videos = counts.videos
        summary.frames = counts.frames
        summary.vectors = try writer.index().count
        summary.seconds = Date().timeIntervalSince(start)
        summary.itemsPerSecond = summary.seconds > 0 ? Double(entries.count) / summary.seconds : 0
        return summary
    }

    /// Undoes adds that reserved a key and did not finish (the process died between the steps of
    /// ``add(_:to:imageEncoder:textEncoder:options:)``): their vectors are removed and, if the catalog
    /// row was already written, the item too (the add never returned, so it was not promised). Also
    /// raises (once per catalog) the key high-water mark above every vector id in the index, so keys used before
    /// catalogs tracked them (a removed last item's key) are not handed out again. Run under the lock.
    static func repairInterruptedAdds(catalog: Catalog, textIndex: TextSearchIndex, writer: IVFIndexWriter) throws {
        // Once per catalog (it scans every vector id): keys in use before keys were tracked.
        if try !catalog.keyHighWaterCheckedAgainstIndex() {
            if let largest = try writer.index().largestID() {
                try catalog.raiseKeyHighWater(to: VisualVectorID.key(of: largest))
            }
            try catalog.markKeyHighWaterCheckedAgainstIndex()
        }
        for pending in try catalog.pendingAdds() {
            try writer.remove((0..<max(1, pending.vectors)).map { VisualVectorID.make(key: pending.key, frame: $0) })
            if let id = try catalog.id(key: pending.key) { try textIndex.remove(id: id) }
            try catalog.finishPendingAdd(pending.key)
        }
    }

    /// Removes item `id` (its vectors, catalog rows, frames and text vector) from the serving version.
    /// Returns false if there was no such item. Durable on return.
    @discardableResult
    public static func remove(id: String, from index: IndexDirectory, textEncoder: TextEncoder) throws -> Bool {
        let lock = try index.lock()
        defer { withExtendedLifetime(lock) {} }
        let serving = try index.servingDirectory()
        // Write-only: add/remove never search, so the serving catalog's text vectors are not loaded.
        let textIndex = try TextSearchIndex(directory: URL(fileURLWithPath: serving), encoder: textEncoder, searchable: false)
        let writer = try IVFIndexWriter(directory: serving + "/" + IndexDirectory.visualFolder)
        try repairInterruptedAdds(catalog: textIndex.catalog, textIndex: textIndex, writer: writer)
        guard let key = try textIndex.catalog.key(id: id) else { return false }
        let frames = try textIndex.catalog.frames(videoID: id)
        let ids = frames.isEmpty ? [VisualVectorID.make(key: key, frame: 0)] : frames.map(\.vectorID)
        // Vectors first: a crash in between leaves an item without vectors (found by text only), never
        // a vector pointing at a missing item.
        try writer.remove(ids)
        return try textIndex.remove(id: id)
    }
}
