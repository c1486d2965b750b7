import Catalog
import Embedding
import Foundation
import VectorIndex

/// The outcome of adding inputs to the serving version: each input's ``IngestOutcome`` (in input
/// order) and the summary they add up to.
public struct IngestRun: Sendable {
    /// One record per input, in input order.
    public var records: [IngestRecord]
    /// The counts and outcome lists the records add up to, and the serving version's totals after them.
    public var summary: BuildSummary
}

extension IndexMaintenance {
    /// Adds files to the serving version: catalog rows (with text vectors) and vectors in the IVF log,
    /// durable on return and seen by searches opened afterwards. The same stages and ``IngestRules`` as
    /// a build (prepare → admit → embed → commit); content already indexed is a duplicate and not
    /// embedded again. Returns the summary (see ``ingest(_:into:imageEncoder:textEncoder:options:)``
    /// for each input's outcome).
    public static func add(_ entries: [BuildEntry], to index: IndexDirectory, imageEncoder: ImageEncoder,
                           textEncoder: TextEncoder, options: BuildOptions = BuildOptions()) throws -> BuildSummary {
        try ingest(entries, into: index, imageEncoder: imageEncoder, textEncoder: textEncoder, options: options).summary
    }

    /// As ``add(_:to:imageEncoder:textEncoder:options:)``, with every input's typed outcome.
    /// Throws only when the index itself cannot be opened or written.
    public static func ingest(_ entries: [BuildEntry], into index: IndexDirectory, imageEncoder: ImageEncoder,
                              textEncoder: TextEncoder, options: BuildOptions = BuildOptions()) throws -> IngestRun {
        let write = try ServingWrite.open(index, textEncoder: textEncoder)
        defer { withExtendedLifetime(write) {} }
        let serving = write.serving, textIndex = write.textIndex, writer = write.writer
        let recorded = try VersionRecords.precision.read(serving)
        guard imageEncoder.precision == recorded else {
            throw IndexBuildError(.conflict, serving, "holds \(recorded) vectors; add with --precision \(recorded) (or rebuild the index)")
        }
        let embedder = MediaEmbedder(encoder: imageEncoder, sampling: options.sampling, videoLimits: options.videoLimits,
                                     batchSize: max(1, options.batchSize),
                                     concepts: try ConceptSpace.read(from: serving)
                                         ?? ConceptSpace.shared(classNames: imageEncoder.classNames, textEncoder: textEncoder,
                                                                threads: max(1, options.threads)))
        let target = CatalogIngestTarget(catalog: textIndex.catalog)
        // The serving version's region layout: an added image gets the same region vectors as built ones.
        let regions = try VersionRecords.regions.read(serving).boxes
        var run = IngestRun(records: [], summary: BuildSummary())
        let start = Date()
        for entry in entries {
            var warnings: [String] = []
            let outcome = try ingestOne(entry, target: target, embedder: embedder, warnings: &warnings, regions: regions) { embedded in
                try commit(embedded, textIndex: textIndex, writer: writer, textEncoder: textEncoder)
                if embedded.timestamps != nil { run.summary.embeddedFrames += embedded.vectorCount } else { run.summary.embeddedImages += 1 }
            }
            let record = IngestRecord(input: entry.path, outcome: outcome)
            run.records.append(record)
            run.summary.record(record)
            if !warnings.isEmpty {
                run.summary.warnings.append(BuildFailure(input: entry.path, reason: warnings.joined(separator: "; "), code: .indexedInPart))
            }
        }
        // Everything above is committed; a failure from here on (totals, compaction) must not undo it.
        try FailPoint.check("add.after-commit")
        let counts = try IndexBuilder.counts(versionDirectory: serving)
        run.summary.items = counts.items
        run.summary.images = counts.images
        run.summary.videos = counts.videos
        run.summary.frames = counts.frames
        // Bounded logs: past a share of the base file, the visual index is compacted (every reopen replays the log).
        try writer.compactIfLogIsLarge(threads: max(1, options.threads))
        run.summary.vectors = try writer.index().count
        run.summary.seconds = Date().timeIntervalSince(start)
        run.summary.itemsPerSecond = run.summary.seconds > 0 ? Double(entries.count) / run.summary.seconds : 0
        return run
    }

    /// One input through prepare → admit → embed, then `commit`. Errors of the input itself end in its
    /// outcome; errors of `commit` (the index) are thrown.
    private static func ingestOne(_ entry: BuildEntry, target: CatalogIngestTarget, embedder: MediaEmbedder,
                                  warnings: inout [String], regions: [QueryBox],
                                  commit: (EmbeddedItem) throws -> Void) throws -> IngestOutcome {
        let media = PreparedMedia.prepare(entry, regions: regions)
        if case let .refused(_, code, reason) = media { return .rejected(code, reason: reason) }
        guard let hash = media.hash else { return .failed(reason: "not prepared") }
        let id: String
        switch try IngestRules.admit(entry, hash: hash, into: target) {
        case .settled(let outcome): return outcome
        case .admit(let admitted): id = admitted
        }
        let embedded: EmbeddedItem
        do {
            switch media {
            case let .image(entry, hash, input, width, height, regions):
                guard let first = try embedder.embedImages([(entry, hash, input, width, height, regions)]).first else {
                    return .failed(reason: "the encoder returned no embedding")
                }
                embedded = first
            case let .video(entry, hash, _):
                embedded = try embedder.embedVideo(entry, hash: hash, warnings: &warnings)
            default:
                return .failed(reason: "not prepared")
            }
        } catch {
            return VideoRefusal.outcome(for: error, container: media.videoContainer)
        }
        try commit(embedded)
        return .indexed(id: id)
    }

    /// Writes one embedded item into the serving version in a crash-consistent order (each step durable
    /// before the next): reserve a never-used key, write the vectors, then the catalog row (+ text
    /// vector), the frames, and clear the reservation. Killed before the row lands, the item is not in
    /// the catalog (its vectors are unreachable: searches drop ids with no item); the next add or remove
    /// undoes the unfinished add (`repairInterruptedAdds`). So an item is never searchable by text alone.
    private static func commit(_ embedded: EmbeddedItem, textIndex: TextSearchIndex, writer: IVFIndexWriter,
                               textEncoder: TextEncoder) throws {
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
            CrashPoint.reach("add.frames-written")
        }
        try textIndex.catalog.finishPendingAdd(key)
    }
}
