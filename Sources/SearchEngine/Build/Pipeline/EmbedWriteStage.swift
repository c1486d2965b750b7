import Embedding
import Imaging

/// Stages 2–4 of a build, on the calling thread, one prepared chunk at a time:
/// **admit** (``IngestRules``: duplicates, id conflicts, resumed content), **embed** (the chunk's images
/// in one forward pass, each video's frames streamed through the encoder) and **stage** (catalog rows,
/// text vectors, frames and spilled vectors: ``StagingWriter``, durable per chunk).
///
/// Overlap (measured, see BENCHMARKS.md): the images of chunk N are written only after the forward
/// pass of chunk N+1, so their MiniLM text vectors are computed on a helper thread meanwhile
/// (``PendingImages``): the CNN and the text encoder share the cores instead of taking turns.
final class EmbedWriteStage {
    typealias AdmittedImage = (entry: BuildEntry, hash: String, input: Image, width: Int, height: Int, regions: [Image])
    typealias AdmittedVideo = (entry: BuildEntry, hash: String, container: String?)

    private let writer: StagingWriter
    private let embedder: MediaEmbedder
    private let textEncoder: TextEncoder
    private let tally: BuildTally
    private var target: StagingTarget
    /// The previous chunk's images, embedded, not yet written.
    private var pending: PendingImages?

    init(writer: StagingWriter, embedder: MediaEmbedder, textEncoder: TextEncoder, tally: BuildTally) throws {
        self.writer = writer
        self.embedder = embedder
        self.textEncoder = textEncoder
        self.tally = tally
        target = StagingTarget(catalog: writer.textIndex.catalog, spill: writer.spill)
    }

    /// Inputs of this run written so far plus those embedded and waiting to be written.
    var indexedOrPending: Int { tally.progress.indexed + (pending?.items.count ?? 0) }

    /// Admits, embeds and stages one chunk.
    func consume(_ chunk: [PreparedMedia]) throws {
        let (images, videos) = try admit(chunk)
        let embedded = try embedder.embedImages(images)
        try flushPending()
        tally.embedded(images: embedded.count)
        if !embedded.isEmpty { pending = PendingImages(items: embedded, textEncoder: textEncoder) }
        if !videos.isEmpty { try flushPending() }  // keeps the spill in input order
        for video in videos {
            try stage(video)
            tally.tick()
        }
        tally.tick()
    }

    /// Writes whatever is still pending.
    func finish() throws { try flushPending() }

    /// The admission rules over the chunk: refusals are recorded here; the admitted images and videos
    /// are returned, in input order.
    private func admit(_ chunk: [PreparedMedia]) throws -> (images: [AdmittedImage], videos: [AdmittedVideo]) {
        target.resetInFlight(to: pending?.items ?? [])
        var images: [AdmittedImage] = []
        var videos: [AdmittedVideo] = []
        for media in chunk {
            let entry = media.entry
            guard let hash = media.hash else {
                if case let .refused(_, code, reason) = media { tally.record(IngestRecord(input: entry.path, outcome: .rejected(code, reason: reason))) }
                if case .otherShard = media { tally.otherShard() }
                continue
            }
            switch try IngestRules.admit(entry, hash: hash, into: target, resumesSameSource: true) {
            case .settled(let outcome):
                tally.record(IngestRecord(input: entry.path, outcome: outcome))
            case .admit(let id):
                target.admitted(IngestTargetItem(id: id, source: entry.path, contentHash: hash))
                switch media {
                case let .image(entry, hash, input, width, height, regions): images.append((entry, hash, input, width, height, regions))
                case let .video(entry, hash, container): videos.append((entry, hash, container))
                default:
                    // Content hashed but not decoded (finished by an earlier run) must be in the staging
                    // catalog; if it is not, the staging directory is damaged.
                    tally.record(IngestRecord(input: entry.path, outcome: .failed(
                        reason: "finished by an earlier run but missing from the staging catalog; rerun with --restart")))
                }
            }
        }
        return (images, videos)
    }

    /// Embeds one video (frames streamed through the encoder) and stages it.
    private func stage(_ video: AdmittedVideo) throws {
        var warnings: [String] = []
        let embedded: EmbeddedItem
        do {
            embedded = try embedder.embedVideo(video.entry, hash: video.hash, warnings: &warnings)
        } catch {
            tally.record(IngestRecord(input: video.entry.path, outcome: VideoRefusal.outcome(for: error, container: video.container)))
            return
        }
        try writer.write([embedded])
        tally.embedded(frames: embedded.vectorCount)
        tally.record(IngestRecord(input: video.entry.path, outcome: .indexed(id: embedded.item.id)))
        tally.warn(video.entry.path, warnings)
    }

    private func flushPending() throws {
        guard let batch = pending else { return }
        pending = nil
        try writer.write(batch.items, textVectors: batch.textVectors.wait())
        for embedded in batch.items {
            tally.record(IngestRecord(input: embedded.item.source, outcome: .indexed(id: embedded.item.id)))
        }
    }
}
