import Catalog
import Dispatch
import Embedding
import Foundation
import Imaging
import Synchronization
import VectorIndex
import VideoFrames

/// Builds a new version of an index directory from files, streaming, resumable and published atomically.
///
/// Pipeline (per chunk of `batchSize` inputs, memory bounded by two chunks):
/// 1. **prepare** (a producer thread; inputs of a chunk in parallel): read each file once, SHA-256 it,
///    recognise it by content, decode images straight to the model's input;
/// 2. **embed + write** (the calling thread): skip inputs already finished (resume) or already seen
///    (same content hash: dedup), embed the chunk's images in one batch, stream each video's frames
///    through the encoder, write the catalog rows (one transaction per chunk, with MiniLM text vectors)
///    and append the vectors to the spill file, `fsync`: that is the checkpoint.
/// The producer blocks when the consumer is a chunk behind (a bounded queue of one chunk: back-pressure).
///
/// After the last input, the IVF index is built from the memory-mapped spill (k-means on a uniform
/// selection sample of the vectors, then every vector assigned to its list), the staging directory
/// becomes `versions/NNNNNN` and `CURRENT` switches to it. The previous version serves until then.
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
                      progress: (BuildProgress) -> Void = { _ in }) throws -> BuildSummary {
        try build(input: BuildInputStream(entries: entries, rejected: rejected), inputDescription: inputDescription, progress: progress)
    }

    /// Builds from a streamed input (a folder or manifest read incrementally: memory stays flat however
    /// many items it lists). The input is read twice: once to count it (progress total, resume marker),
    /// once as the pipeline consumes it.
    public func build(input: BuildInputStream, inputDescription: String,
                      progress: (BuildProgress) -> Void = { _ in }) throws -> BuildSummary {
        let lock = try index.lock()
        defer { withExtendedLifetime(lock) {} }
        let staging = index.stagingDirectory
        let counted = try input.count()
        try prepareStaging(staging, description: inputDescription, count: counted.entries)

        let clock = ContinuousClock()
        let start = clock.now
        var state = RunState(total: counted.entries + counted.rejected)

        // A text IVF left by an interrupted run is rebuilt below; without it, resumed writes go to the catalog only.
        try? FileManager.default.removeItem(atPath: staging + "/" + TextSearchIndex.vectorFolder)
        try ingest(input, into: staging, state: &state, clock: clock, start: start, progress: progress)
        // The text vectors' IVF, trained on every item's MiniLM vector in the catalog.
        try TextSearchIndex(directory: URL(fileURLWithPath: staging), encoder: textEncoder, searchable: false)
            .buildVectorIndex(threads: max(1, options.threads))

        // Build the visual index from the spill and publish.
        let spill = try VectorSpill(path: staging + "/" + Self.spillFileName, dimension: ImageEncoder.embeddingDimension)
        guard spill.count > 0 else {
            throw IndexBuildError(.badInput, inputDescription, "nothing could be indexed (\(state.failures.count) failed, \(state.skipped.count) skipped)")
        }
        let source = try spill.mapped()
        let visual = staging + "/" + IndexDirectory.visualFolder
        try? FileManager.default.removeItem(atPath: visual)  // a half-built index from an interrupted run
        do {
            let writer = try IVFIndexWriter(directory: visual)
            // The k-means sample is copied into memory: at most `trainingSampleLimit` vectors (about
            // 160 MB at 1280-d), however many vectors there are, so peak memory stays bounded.
            let nlist = min(source.count, options.nlist ?? IVFBuildOptions.defaultNlist(count: source.count))
            let perList = max(8, min(64, Self.trainingSampleLimit / max(1, nlist)))
            try writer.build(from: source, ids: source.ids,
                             options: IVFBuildOptions(nlist: nlist, metric: .innerProduct, encoding: options.encoding,
                                                      trainingPointsPerList: perList, threads: max(1, options.threads)))
        }
        var summary = try Self.counts(versionDirectory: staging)
        summary.vectors = source.count
        summary.indexed = state.progress.indexed
        summary.embeddedImages = state.embeddedImages
        summary.embeddedFrames = state.embeddedFrames
        summary.resumed = state.progress.resumed
        summary.duplicates = state.duplicates
        summary.skipped = state.skipped
        summary.failures = state.failures
        summary.warnings = state.warnings
        let seconds = (clock.now - start).seconds
        summary.seconds = seconds
        summary.itemsPerSecond = seconds > 0 ? Double(state.progress.processed - state.progress.resumed) / seconds : 0
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
        try? DurableFile.writeAtomically([UInt8](report), to: index.versionDirectory(summary.version!) + "/" + IndexDirectory.reportFileName)
        try? DurableFile.writeAtomically([UInt8](report), to: index.path + "/" + IndexDirectory.reportFileName)
        try index.prune(keep: options.keepVersions)
        return summary
    }

    struct RunState {
        var progress: BuildProgress
        var failures: [BuildFailure] = []
        var skipped: [BuildFailure] = []
        var duplicates: [BuildFailure] = []
        var warnings: [BuildFailure] = []
        var embeddedImages = 0
        var embeddedFrames = 0

        init(total: Int) {
            progress = BuildProgress(total: total, processed: 0, indexed: 0, resumed: 0, duplicates: 0, skipped: 0, failed: 0,
                                     vectors: 0, elapsedSeconds: 0)
        }
    }

    /// Creates the staging directory, or checks that the one there belongs to the same build.
    private func prepareStaging(_ staging: String, description: String, count: Int) throws {
        let marker = staging + "/" + Self.inputFileName
        let expected = "{\"input\":\(JSONText.string(description)),\"entries\":\(count)}"
        // Killed between moving the staging directory into `versions/` and switching `CURRENT`: the
        // newest version is not serving and still holds this build's marker and spill. Take it back.
        if !FileManager.default.fileExists(atPath: staging), let newest = try index.versions().last,
           try index.currentVersion() != newest {
            let orphan = index.versionDirectory(newest)
            if (try? String(contentsOfFile: orphan + "/" + Self.inputFileName, encoding: .utf8)) == expected {
                try DurableFile.move(orphan, to: staging)
            }
        }
        if FileManager.default.fileExists(atPath: staging) {
            let found = (try? String(contentsOfFile: marker, encoding: .utf8)) ?? ""
            if found == expected { return }
            guard options.restart else {
                throw IndexBuildError(.conflict, staging, "holds an unfinished build of other inputs (\(found.isEmpty ? "unknown" : found)); rerun that build to finish it, or pass --restart to discard it")
            }
            try FileManager.default.removeItem(atPath: staging)
        }
        do {
            try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
        } catch {
            throw IndexBuildError(.io, staging, "cannot create the staging directory (\(error.localizedDescription))")
        }
        try DurableFile.writeAtomically(Array(expected.utf8), to: marker)
    }

    /// Stage 1 on a producer thread, stage 2 here, with a one-chunk queue between them.
    private func ingest(_ input: BuildInputStream, into staging: String, state: inout RunState, clock: ContinuousClock,
                        start: ContinuousClock.Instant, progress: (BuildProgress) -> Void) throws {
        // Write-only: the build never searches text, so its text vectors are not also kept in memory.
        let textIndex = try TextSearchIndex(directory: URL(fileURLWithPath: staging), encoder: textEncoder, searchable: false)
        let spill = try VectorSpill(path: staging + "/" + Self.spillFileName, dimension: ImageEncoder.embeddingDimension)
        if spill.cutTailBytes > 0 {
            RepairWarnings.report("\(spill.path): cut a torn tail of \(spill.cutTailBytes) bytes (left by an interrupted build; its last batch is redone)")
        }
        let embedder = MediaEmbedder(encoder: imageEncoder, sampling: options.sampling, videoLimits: options.videoLimits,
                                     batchSize: max(1, options.batchSize))
        let chunkSize = max(1, options.batchSize)
        let queue = ChunkQueue()
        let threads = max(1, options.threads)
        // Content finished by an earlier run: the producer hashes such files but does not decode them.
        let finishedItems = try textIndex.catalog.items(keys: Array(spill.finishedKeys))
        let finishedHashes = Set(finishedItems.values.compactMap(\.contentHash))
        let producer = Thread {
            // Reads the input one chunk at a time (the stream holds no more than a line or a directory
            // listing), prepares the chunk's files in parallel and hands it over (blocking while the
            // previous chunk is still pending). Refused inputs travel as failures in their place.
            func prepare(_ slice: [BuildInputItem]) -> Bool {
                let box = PreparedSlots(count: slice.count)
                DispatchQueue.concurrentPerform(iterations: min(threads, slice.count)) { worker in
                    for i in stride(from: worker, to: slice.count, by: threads) {
                        switch slice[i] {
                        case .entry(let entry): box.set(i, PreparedMedia.prepare(entry, finishedHashes: finishedHashes))
                        case .rejected(let failure): box.set(i, .failed(BuildEntry(path: failure.input), reason: failure.reason))
                        }
                    }
                }
                return queue.put(box.values.map { $0! })
            }
            var slice: [BuildInputItem] = []
            slice.reserveCapacity(chunkSize)
            do {
                var open = true
                try input.forEach { item in
                    slice.append(item)
                    if slice.count == chunkSize {
                        open = prepare(slice)
                        slice.removeAll(keepingCapacity: true)
                    }
                    return open
                }
                if !open { return }
                if !slice.isEmpty, !prepare(slice) { return }
                queue.finish()
            } catch {
                queue.finish(failure: "\(error)")
            }
        }
        producer.stackSize = 1 << 22
        producer.start()
        defer { queue.cancel() }

        var indexedThisRun = 0
        // The images of the previous chunk, embedded but not yet written: their MiniLM text vectors are
        // computed on a helper thread while the image encoder runs on this chunk (the CNN and the text
        // encoder then share the cores instead of taking turns); the rows are written, the vectors
        // spilled and fsynced (the checkpoint) right after this chunk's forward pass.
        var pending: PendingImages?
        func flushPending() throws {
            guard let batch = pending else { return }
            pending = nil
            try write(batch.items, textVectors: batch.textVectors.wait(), textIndex: textIndex, spill: spill)
            state.progress.indexed += batch.items.count
            indexedThisRun += batch.items.count
        }
        while let chunk = queue.take() {
            // hash → item id and the ids of this chunk and of the pending one (not in the catalog yet).
            var seenInChunk: [String: String] = pending?.idsByHash ?? [:]
            var idsInChunk = Set(pending.map { Array($0.idsByHash.values) } ?? [])
            var images: [(entry: BuildEntry, hash: String, input: Image, width: Int, height: Int)] = []
            var videos: [(BuildEntry, String, String?)] = []
            for media in chunk {
                if case .video = media {} else { state.progress.processed += 1 }  // videos count when done
                switch media {
                case .failed(let entry, let reason):
                    state.failures.append(BuildFailure(input: entry.path, reason: reason))
                    state.progress.failed += 1
                    continue
                case .notMedia(let entry, let reason):
                    state.skipped.append(BuildFailure(input: entry.path, reason: reason))
                    state.progress.skipped += 1
                    continue
                default: break
                }
                let hash = media.hash!
                let entry = media.entry
                let countLater: Bool = { if case .video = media { return true } else { return false } }()
                // `.finished` content always passes the check below (its key is in the spill).
                func settle() { if countLater { state.progress.processed += 1 } }
                if let earlier = seenInChunk[hash] {
                    state.duplicates.append(BuildFailure(input: entry.path, reason: "same content as item \(earlier)"))
                    state.progress.duplicates += 1
                    settle()
                    continue
                }
                if let existing = try textIndex.catalog.item(contentHash: hash),
                   let key = try textIndex.catalog.key(id: existing.id), spill.finishedKeys.contains(key) {
                    if existing.source == entry.path {
                        state.progress.resumed += 1
                    } else {
                        state.duplicates.append(BuildFailure(input: entry.path, reason: "same content as item \(existing.id) (\(existing.source))"))
                        state.progress.duplicates += 1
                    }
                    settle()
                    continue
                }
                // Two different contents under one manifest id would share vector ids: refuse the second.
                let id = entry.id ?? String(hash.prefix(16))
                if idsInChunk.contains(id) {
                    state.failures.append(BuildFailure(input: entry.path, reason: "id '\(id)' is already used by another input of this build"))
                    state.progress.failed += 1
                    settle()
                    continue
                }
                if let owner = try textIndex.catalog.item(id: id), owner.contentHash != hash {
                    state.failures.append(BuildFailure(input: entry.path, reason: "id '\(id)' is already used by \(owner.source)"))
                    state.progress.failed += 1
                    settle()
                    continue
                }
                idsInChunk.insert(id)
                seenInChunk[hash] = id
                switch media {
                case let .image(entry, hash, input, width, height): images.append((entry, hash, input, width, height))
                case let .video(entry, hash, container): videos.append((entry, hash, container))
                default: break
                }
            }
            // Images of the chunk: one forward pass (meanwhile the previous chunk's text vectors are
            // computed), then the previous chunk is written; this chunk's text vectors start.
            let embeddedImages = try embedder.embedImages(images)
            try flushPending()
            state.embeddedImages += embeddedImages.count
            state.progress.vectors += embeddedImages.count
            if !embeddedImages.isEmpty {
                pending = PendingImages(items: embeddedImages, textEncoder: textEncoder)
            }
            if !videos.isEmpty { try flushPending() }  // keep the spill in input order
            // Videos one at a time (frames streamed through the encoder).
            for (entry, hash, container) in videos {
                var warnings: [String] = []
                state.progress.processed += 1
                do {
                    let embedded = try embedder.embedVideo(entry, hash: hash, warnings: &warnings)
                    try write([embedded], textIndex: textIndex, spill: spill)
                    state.embeddedFrames += embedded.vectorCount
                    state.progress.indexed += 1
                    state.progress.vectors += embedded.vectorCount
                    indexedThisRun += 1
                } catch let error as VideoError where error.code == .notAVideo && container == nil {
                    state.skipped.append(BuildFailure(input: entry.path, reason: "not an image or a video (\(error.reason))"))
                    state.progress.skipped += 1
                } catch let error as VideoError {
                    let prefix = error.code == .notAVideo ? "looks like \(container ?? "a video") but cannot be read, corrupt or truncated? (" : ""
                    state.failures.append(BuildFailure(input: entry.path, reason: prefix + error.reason + (prefix.isEmpty ? "" : ")")))
                    state.progress.failed += 1
                } catch let error as IndexBuildError where error.kind == .badInput {
                    state.failures.append(BuildFailure(input: entry.path, reason: error.reason))
                    state.progress.failed += 1
                }
                if !warnings.isEmpty {
                    state.warnings.append(BuildFailure(input: entry.path, reason: warnings.joined(separator: "; ")))
                }
                state.progress.elapsedSeconds = (clock.now - start).seconds
                progress(state.progress)
            }
            state.progress.elapsedSeconds = (clock.now - start).seconds
            progress(state.progress)
            if let stop = options.stopAfterItems, indexedThisRun + (pending?.items.count ?? 0) >= stop {
                try flushPending()
                throw IndexBuildError(.interrupted, index.path, "stopped after \(indexedThisRun) items as requested; run the same build again to resume")
            }
        }
        try flushPending()
        if let failure = queue.failure {
            throw IndexBuildError(.badInput, index.path, "reading the input failed part way: \(failure); run the same build again to resume")
        }
        state.progress.elapsedSeconds = (clock.now - start).seconds
        progress(state.progress)
    }

    /// Catalog rows (items with text vectors, then frames) and then the vectors, durable on return.
    func write(_ items: [EmbeddedItem], textIndex: TextSearchIndex, spill: VectorSpill) throws {
        guard !items.isEmpty else { return }
        try write(items, textVectors: TextSearchIndex.textVectors(of: items.map(\.item), encoder: textIndex.encoder),
                  textIndex: textIndex, spill: spill)
    }

    /// As ``write(_:textIndex:spill:)`` with the items' text vectors already computed.
    func write(_ items: [EmbeddedItem], textVectors: [[Float]?], textIndex: TextSearchIndex, spill: VectorSpill) throws {
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

/// Result slots written by parallel workers, each slot by exactly one worker.
final class PreparedSlots: @unchecked Sendable {
    // @unchecked: every index is written by one worker only, and read after concurrentPerform returns.
    private(set) var values: [PreparedMedia?]
    private let lock = NSLock()
    init(count: Int) { values = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ value: PreparedMedia) {
        lock.lock()
        values[index] = value
        lock.unlock()
    }
}

/// A bounded queue of one prepared chunk between the producer and the consumer (back-pressure: the
/// producer waits while a chunk is pending).
final class ChunkQueue: Sendable {
    private struct State {
        var pending: [PreparedMedia]?
        var finished = false
        var cancelled = false
        var failure: String?
    }
    private let state = Mutex(State())
    private let changed = DispatchSemaphore(value: 0)
    private let space = DispatchSemaphore(value: 0)

    /// Hands over a chunk, waiting while the previous one has not been taken. False if cancelled.
    func put(_ chunk: [PreparedMedia]) -> Bool {
        while true {
            let placed: Bool? = state.withLock { s in
                if s.cancelled { return false }
                if s.pending == nil { s.pending = chunk; return true }
                return nil
            }
            if let placed {
                if placed { changed.signal() }
                return placed
            }
            space.wait()
        }
    }

    /// No more chunks; `failure` says why the producer stopped early (reading the input failed).
    func finish(failure: String? = nil) {
        state.withLock { $0.finished = true; $0.failure = failure }
        changed.signal()
    }

    /// Why the producer stopped early, if it did.
    var failure: String? { state.withLock { $0.failure } }

    func cancel() {
        state.withLock { $0.cancelled = true; $0.pending = nil }
        space.signal()
    }

    /// The next chunk, or nil when the producer has finished.
    func take() -> [PreparedMedia]? {
        while true {
            let result: [PreparedMedia]?? = state.withLock { s in
                if let chunk = s.pending { s.pending = nil; return .some(chunk) }
                if s.finished { return .some(nil) }
                return nil
            }
            if let result {
                if result != nil { space.signal() }
                return result
            }
            changed.wait()
        }
    }
}
