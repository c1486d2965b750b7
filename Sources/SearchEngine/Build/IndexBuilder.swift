import Catalog
import Embedding
import Foundation
import VectorIndex

/// Builds a new version of an index directory from files, streaming, resumable and published atomically.
///
/// The build runs as named stages (memory bounded by two chunks of `batchSize` inputs):
/// 1. **read → decode** (``PrepareStage``, a producer thread; a chunk's inputs in parallel): read each
///    file once, SHA-256 it, recognise it by content, decode images straight to the model's input;
/// 2. **admit → embed → stage** (``EmbedWriteStage``, the calling thread): the shared ``IngestRules``
///    (resumed, duplicate, id conflict), one forward pass per chunk of images, videos streamed through
///    the encoder, catalog rows with MiniLM text vectors and the vectors appended to the spill, `fsync`:
///    that is the checkpoint;
/// 3. **carry over** (``CarryOverStage``): items of the serving version that are not among the inputs
///    (added by `vsearch add` / `POST /v1/items`) are copied with their stored vectors, unless
///    ``BuildOptions/replace``;
/// 4. **commit**: the text and visual IVF indexes are built from the staging catalog and the
///    memory-mapped spill, the staging directory becomes `versions/NNNNNN` and `CURRENT` switches to it.
///    The previous version serves until then.
///
/// Every input ends in one ``IngestOutcome``, listed in the summary and in `build-report.json`, which is
/// written for every run. A run whose inputs yield no item publishes nothing (`version` is nil).
///
/// Resume: the staging directory (`staging/`: catalog, `vectors.spill`, `build-input.json`) survives a
/// crash. Running the same build again reopens it: the spill drops any torn tail, items whose vectors are
/// all in the spill are not embedded again, and an item written to the catalog but not to the spill is
/// simply redone (catalog writes are upserts by id, so nothing is duplicated).
public final class IndexBuilder {
    public let index: IndexDirectory
    public let imageEncoder: ImageEncoder
    public let textEncoder: TextEncoder
    public let options: BuildOptions
    /// The class embeddings of the concept vectors when the staging directory has none yet; nil: made
    /// here (``ConceptSpace/shared(classNames:textEncoder:threads:)``). A distributed build's tasks share
    /// one set instead of each making it.
    public var conceptSpace: ConceptSpace?

    public init(index: IndexDirectory, imageEncoder: ImageEncoder, textEncoder: TextEncoder, options: BuildOptions = BuildOptions()) {
        self.index = index
        self.imageEncoder = imageEncoder
        self.textEncoder = textEncoder
        self.options = options
    }

    static let spillFileName = "vectors.spill"
    /// Most vectors copied into memory to train the coarse quantizer.
    static let trainingSampleLimit = 32_768
    static let inputFileName = "build-input.json"

    /// Builds from `entries` (see ``BuildInput``); `inputDescription` identifies the build for resume
    /// (for example the input path and root). `rejected` are inputs refused before the build (reported).
    public func build(entries: [BuildEntry], rejected: [BuildFailure] = [], inputDescription: String,
                      progress: @escaping (BuildProgress) -> Void = { _ in }) throws -> BuildSummary {
        try build(input: BuildInputStream(entries: entries, rejected: rejected), inputDescription: inputDescription, progress: progress)
    }

    /// Builds from a streamed input (a folder or manifest read incrementally: memory stays flat however
    /// many items it lists). The input is read twice: once to count it (progress total, resume marker),
    /// once as the pipeline consumes it.
    public func build(input: BuildInputStream, inputDescription: String,
                      progress: @escaping (BuildProgress) -> Void = { _ in }) throws -> BuildSummary {
        try run(carryOver: true, progress: progress) { (input, inputDescription) }
    }

    /// `vsearch build --from-index`: embeds every item of the serving version again from its file (for a
    /// model change), with its id and metadata. Nothing is carried over: an item whose file cannot be
    /// read any more is reported as failed.
    public func rebuildServingVersion(progress: @escaping (BuildProgress) -> Void = { _ in }) throws -> BuildSummary {
        try run(carryOver: false, progress: progress) {
            guard let version = try index.currentVersion(),
                  let snapshot = try ServingSnapshot.open(index, vectors: false, textDimension: textEncoder.dimension,
                                                          threads: max(1, options.threads)) else {
                throw IndexBuildError(.noVersion, index.path, "has no serving version to rebuild from")
            }
            return (BuildInputStream(entries: snapshot.entries), "from-index version \(version)")
        }
    }

    /// The stages, under the index lock. `input` is read under the lock too (a `--from-index` build
    /// lists the serving version, which no add can change meanwhile).
    private func run(carryOver: Bool, progress: @escaping (BuildProgress) -> Void,
                     input: () throws -> (BuildInputStream, String)) throws -> BuildSummary {
        let lock = try index.lock()
        // Carried-over vectors keep the precision they were made with: refuse to mix two in one version.
        if carryOver, !options.replace, let serving = try index.serving() {
            let recorded = try VersionRecords.precision.read(serving.directory)
            guard recorded == imageEncoder.precision else {
                throw IndexBuildError(.conflict, index.path, "the serving version holds \(recorded) vectors and this build makes \(imageEncoder.precision) ones; "
                                      + "build with --precision \(recorded), or pass --from-index (re-embed everything) or --replace")
            }
        }
        defer { withExtendedLifetime(lock) {} }
        let (stream, description) = try input()
        let staging = index.stagingDirectory
        let counted = try stream.count()
        try prepareStaging(staging, description: description, count: counted.entries)
        let tally = BuildTally(total: counted.entries + counted.rejected, report: progress)

        // A text IVF left by an interrupted run is rebuilt below; without it, resumed writes go to the catalog only.
        try? FileManager.default.removeItem(atPath: staging + "/" + TextSearchIndex.vectorFolder)
        let writer = try stagingWriter(staging, interruptedBy: "build")
        try ingest(stream, writer: writer, tally: tally)

        guard tally.progress.indexed + tally.progress.resumed > 0 else { return try abandon(staging, tally: tally) }
        var summary = tally.summary
        let serving = try carryOver ? ServingSnapshot.open(index, vectors: !options.replace, textDimension: textEncoder.dimension,
                                                           threads: max(1, options.threads)) : nil
        if let snapshot = serving {
            let count = try CarryOverStage(snapshot: snapshot, writer: writer, tally: tally).run(replace: options.replace)
            summary = tally.summary
            if options.replace { summary.dropped = count } else { summary.carriedOver = count }
        } else if options.replace {
            summary.dropped = 0
        }
        return try commit(staging, spill: writer.spill, summary: summary, tally: tally)
    }

    /// Stages 1–2 over the whole input: the producer prepares chunks, this thread admits, embeds and
    /// stages them.
    func ingest(_ input: BuildInputStream, writer: StagingWriter, tally: BuildTally) throws {
        // Content finished by an earlier run: the producer hashes such files but does not decode them.
        let finishedItems = try writer.textIndex.catalog.items(keys: Array(writer.spill.finishedKeys))
        let queue = ChunkQueue()
        PrepareStage(input: input, chunkSize: max(1, options.batchSize), threads: max(1, options.threads),
                     finishedHashes: Set(finishedItems.values.compactMap(\.contentHash)), shard: options.shard,
                     regions: options.regions.boxes).start(into: queue)
        defer { queue.cancel() }
        // The class embeddings of the concept vectors, kept in the version (a resumed build reuses its own).
        let stagingPath = writer.textIndex.directory.path
        let concepts: ConceptSpace
        if let stored = try ConceptSpace.read(from: stagingPath) {
            concepts = stored
        } else {
            concepts = conceptSpace ?? ConceptSpace.shared(classNames: imageEncoder.classNames, textEncoder: textEncoder, threads: max(1, options.threads))
            try concepts.write(to: stagingPath)
        }
        let stage = try EmbedWriteStage(
            writer: writer,
            embedder: MediaEmbedder(encoder: imageEncoder, sampling: options.sampling, videoLimits: options.videoLimits,
                                    batchSize: max(1, options.batchSize),
                                    concepts: concepts),
            textEncoder: textEncoder, tally: tally)
        while let chunk = queue.take() {
            try stage.consume(chunk)
            if let stop = options.stopAfterItems, stage.indexedOrPending >= stop {
                try stage.finish()
                throw IndexBuildError(.interrupted, index.path, "stopped after \(tally.progress.indexed) items as requested; run the same build again to resume")
            }
        }
        try stage.finish()
        if let failure = queue.failure {
            throw IndexBuildError(.badInput, index.path, "reading the input failed part way: \(failure); run the same build again to resume")
        }
        tally.tick()
    }

    /// Nothing of the input could be indexed: no version is published, the staging directory (holding
    /// nothing worth resuming) is removed and the report, naming every input and its reason, is written
    /// to the index directory.
    func abandon(_ staging: String, tally: BuildTally) throws -> BuildSummary {
        var summary = tally.summary
        summary.seconds = tally.elapsedSeconds
        try? FileManager.default.removeItem(atPath: staging)
        try FileManager.default.createDirectory(atPath: index.path, withIntermediateDirectories: true)
        try DurableFile.writeAtomically([UInt8](summary.jsonData()), to: index.path + "/" + IndexDirectory.reportFileName)
        return summary
    }

    /// Stage 4: the text and visual IVF indexes, the report, and the publish.
    /// The writer of the staging directory `staging`: its catalog (write-only: the build never searches
    /// text, so its text vectors are not also kept in memory) and its spill, whose torn tail — left by an
    /// interrupted `interruptedBy` (build, task, merge) — is cut and reported, its last batch redone.
    func stagingWriter(_ staging: String, interruptedBy: String) throws -> StagingWriter {
        let spill = try VectorSpill(path: staging + "/" + Self.spillFileName, dimension: ImageEncoder.embeddingDimension)
        if spill.cutTailBytes > 0 {
            RepairWarnings.report("\(spill.path): cut a torn tail of \(spill.cutTailBytes) bytes (left by an interrupted \(interruptedBy); its last batch is redone)")
        }
        return StagingWriter(
            textIndex: try TextSearchIndex(directory: URL(fileURLWithPath: staging), encoder: textEncoder, searchable: false),
            spill: spill)
    }

    func commit(_ staging: String, spill: VectorSpill, summary run: BuildSummary, tally: BuildTally) throws -> BuildSummary {
        // The text vectors' IVF, trained on every item's MiniLM vector in the catalog.
        try TextSearchIndex(directory: URL(fileURLWithPath: staging), encoder: textEncoder, searchable: false)
            .buildVectorIndex(threads: max(1, options.threads))
        let source = try spill.mapped()
        let visual = staging + "/" + IndexDirectory.visualFolder
        try? FileManager.default.removeItem(atPath: visual)  // a half-built index from an interrupted run
        do {
            let writer = try IVFIndexWriter(directory: visual)
            // The k-means sample is copied into memory: at most `trainingSampleLimit` vectors (about
            // 160 MB at 1280-d), however many vectors there are, so peak memory stays bounded.
            let nlist = options.centroids.map { $0.count / source.dimension }
                ?? min(source.count, options.nlist ?? IVFBuildOptions.defaultNlist(count: source.count))
            let perList = max(8, min(64, Self.trainingSampleLimit / max(1, nlist)))
            var ivfOptions = IVFBuildOptions(nlist: nlist, metric: .innerProduct,
                                             encoding: options.encoding ?? EncodingChoice.choose(
                                                 vectorCount: source.count, dimension: source.dimension,
                                                 availableMemoryBytes: EncodingChoice.physicalMemoryBytes()).encoding,
                                             trainingPointsPerList: perList, threads: max(1, options.threads),
                                             pqSubquantizers: options.pqSubquantizers)
            ivfOptions.centroids = options.centroids
            ivfOptions.pqRotation = options.pqRotation
            try writer.build(from: source, ids: source.ids, options: ivfOptions)
        }
        var summary = run
        let counts = try Self.counts(versionDirectory: staging)
        summary.items = counts.items
        summary.images = counts.images
        summary.videos = counts.videos
        summary.frames = counts.frames
        summary.vectors = source.count
        let seconds = tally.elapsedSeconds
        summary.seconds = seconds
        summary.itemsPerSecond = seconds > 0 ? Double(tally.progress.processed - tally.progress.resumed) / seconds : 0
        summary.indexBytes = Self.directoryBytes(staging) - spill.byteCount
        try DurableFile.writeAtomically([UInt8](summary.jsonData()), to: staging + "/" + IndexDirectory.reportFileName)
        // Publish with the spill and input marker still inside, so a crash at any point before the
        // `CURRENT` switch leaves a staging directory the same command resumes (only the IVF is rebuilt);
        // they are deleted from the published version afterwards.
        summary.version = try index.publish(staged: staging)
        let published = index.versionDirectory(summary.version!)
        try? FileManager.default.removeItem(atPath: published + "/" + Self.spillFileName)
        try? FileManager.default.removeItem(atPath: published + "/" + Self.inputFileName)
        let report = summary.jsonData()
        try? DurableFile.writeAtomically([UInt8](report), to: published + "/" + IndexDirectory.reportFileName)
        try? DurableFile.writeAtomically([UInt8](report), to: index.path + "/" + IndexDirectory.reportFileName)
        try index.prune(keep: options.keepVersions)
        return summary
    }

    /// Item, image, video and frame counts of a version's catalog.
    static func counts(versionDirectory: String) throws -> BuildSummary {
        let catalog = try Catalog(path: versionDirectory + "/" + TextSearchIndex.catalogFileName)
        var summary = BuildSummary()
        summary.items = try catalog.count()
        summary.images = try catalog.count(kind: .image)
        summary.videos = try catalog.count(kind: .video)
        summary.frames = try catalog.frameCount()
        return summary
    }

    static func directoryBytes(_ path: String) -> Int {
        guard let walker = FileManager.default.enumerator(atPath: path) else { return 0 }
        var total = 0
        for case let name as String in walker {
            let attributes = try? FileManager.default.attributesOfItem(atPath: path + "/" + name)
            if (attributes?[.type] as? FileAttributeType) == .typeRegular { total += (attributes?[.size] as? Int) ?? 0 }
        }
        return total
    }
}
