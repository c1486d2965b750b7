import Catalog
import Embedding
import Foundation
import Imaging
import VideoFrames

/// The first, parallel stage of ingest: read a file once, hash it, recognise it by content and, for
/// an image, decode it straight to the model's 224×224 input (JPEGs DCT-scaled on the way).
/// Videos are only recognised here; their frames are decoded in the embedding stage, streamed.
enum PreparedMedia: Sendable {
    /// `regions`: the model inputs of the version's region boxes (``RegionLayout``), in frame order.
    case image(BuildEntry, hash: String, input: Image, width: Int, height: Int, regions: [Image])
    /// Not an image: FFmpeg decides in the embedding stage. `container` is set when the first bytes look
    /// like a video container (then a file FFmpeg cannot open is a failure, not "not media").
    case video(BuildEntry, hash: String, container: String?)
    /// Content an earlier run of this build already finished (not decoded again).
    case finished(BuildEntry, hash: String)
    /// Refused before embedding: missing, unreadable, not media, undecodable, too large.
    case refused(BuildEntry, IngestReasonCode, reason: String)
    /// Its id belongs to another shard than the one being built (`--shard K/N`): not decoded, not indexed.
    case otherShard(BuildEntry)

    var entry: BuildEntry {
        switch self {
        case .image(let e, _, _, _, _, _), .video(let e, _, _), .finished(let e, _), .refused(let e, _, _), .otherShard(let e): e
        }
    }

    var hash: String? {
        switch self {
        case .image(_, let h, _, _, _, _), .video(_, let h, _), .finished(_, let h): h
        default: nil
        }
    }

    var videoContainer: String? {
        if case .video(_, _, let container) = self { return container }
        return nil
    }

    /// Largest image file read whole (the Imaging decoders refuse larger ones anyway).
    static let maxImageBytes = DecodeOptions().maxFileBytes

    /// - Parameter finishedHashes: content already finished by an earlier run; such files are hashed but
    ///   not decoded.
    /// - Parameter shard: when set, an input whose id (the manifest's, else the content-hash id, decided
    ///   exactly as ``IngestRules`` does) falls in another shard is `.otherShard`, read no further than needed.
    /// - Parameter regions: boxes of the image also embedded as regions (``RegionLayout/boxes``).
    static func prepare(_ entry: BuildEntry, finishedHashes: Set<String> = [], shard: ShardSelection? = nil,
                        regions: [QueryBox] = []) -> PreparedMedia {
        if let shard, let id = entry.id, !shard.contains(id: id) { return .otherShard(entry) }
        func elsewhere(_ hash: String) -> Bool { shard.map { !$0.contains(id: IngestRules.itemID(for: entry, hash: hash)) } ?? false }
        let path = entry.path
        let handle: FileHandle
        switch InputFile.open(path) {
        case .success(let opened): handle = opened
        case .failure(.notFound): return .refused(entry, .notFound, reason: "no such file")
        case .failure(.unreadable(let reason)), .failure(.notRegular(let reason)): return .refused(entry, .unreadable, reason: reason)
        }
        defer { try? handle.close() }
        let head = [UInt8]((try? handle.read(upToCount: 256)) ?? Data())
        if let format = ImageFormat.sniff(head), entry.kind != .video {
            guard format.isDecodable else {
                return .refused(entry, .unsupportedMedia, reason: "unsupported image format \(format.name) (only PNG and JPEG are decoded)")
            }
            let rest = (try? handle.read(upToCount: maxImageBytes + 1 - head.count)) ?? Data()
            let bytes = head + [UInt8](rest)
            guard bytes.count <= maxImageBytes else { return .refused(entry, .tooLarge, reason: "image file is larger than \(maxImageBytes) bytes") }
            let hash = ContentHash.sha256(bytes: bytes)
            if elsewhere(hash) { return .otherShard(entry) }
            if finishedHashes.contains(hash) { return .finished(entry, hash: hash) }
            do {
                let info = try ImageDecoder.inspect(data: bytes, name: path)
                let decoded = try ImageDecoder.decode(data: bytes, name: path,
                                                      options: DecodeOptions(minimumShorterSide: ImageEncoder.resizeShorterSide))
                return .image(entry, hash: hash, input: ImageEncoder.modelInput(decoded), width: info.displayWidth,
                              height: info.displayHeight, regions: regions.map { ImageEncoder.modelInput($0.crop(decoded)) })
            } catch {
                return .refused(entry, .undecodableMedia, reason: "\(error)")
            }
        }
        if head.isEmpty { return .refused(entry, .emptyFile, reason: "empty file") }
        do {
            let hash = try ContentHash.sha256(path: path)
            if elsewhere(hash) { return .otherShard(entry) }
            if finishedHashes.contains(hash) { return .finished(entry, hash: hash) }
            return .video(entry, hash: hash, container: ContainerSignature.videoContainer(head))
        } catch {
            return .refused(entry, .unreadable, reason: "\(error)")
        }
    }
}

/// An item with its embeddings, ready to be written: one vector for an image, one per kept frame of a
/// video (`timestamps[i]` seconds for vector `i`).
struct EmbeddedItem: Sendable {
    var item: CatalogItem
    /// `count × 1280` floats.
    var vectors: [Float]
    var timestamps: [Double]?
    var vectorCount: Int { vectors.count / ImageEncoder.embeddingDimension }
}

/// Vector ids of the visual index: the item's catalog key in the high bits, the frame number in the
/// low 16 (0 for an image), so a hit maps back to its item without a lookup table.
public enum VisualVectorID {
    public static let frameBits = 16
    public static let maxFramesPerItem = 1 << frameBits

    public static func make(key: ItemKey, frame: Int) -> Int64 { (key << Int64(frameBits)) | Int64(frame) }
    public static func key(of id: Int64) -> ItemKey { id >> Int64(frameBits) }
    public static func frame(of id: Int64) -> Int { Int(id & Int64(maxFramesPerItem - 1)) }
}

/// How a video that could not be embedded ends: not a video at all (no container signature and FFmpeg
/// cannot open it) is unsupported media; a recognised container that cannot be decoded is undecodable;
/// anything else is an unexpected failure.
enum VideoRefusal {
    static func outcome(for error: any Error, container: String?) -> IngestOutcome {
        switch error {
        case let error as VideoError where error.code == .notAVideo && container == nil:
            return .rejected(.unsupportedMedia, reason: "not an image or a video (\(error.reason))")
        case let error as VideoError where error.code == .notAVideo:
            return .rejected(.undecodableMedia, reason: "looks like \(container ?? "a video") but cannot be read, corrupt or truncated? (\(error.reason))")
        case let error as VideoError:
            return .rejected(.undecodableMedia, reason: error.reason)
        case let error as IndexBuildError where error.kind == .badInput:
            return .rejected(.undecodableMedia, reason: error.reason)
        default:
            return .failed(reason: "\(error)")
        }
    }
}

/// The embedding stage shared by builds and `add`.
struct MediaEmbedder: Sendable {
    let encoder: ImageEncoder
    let sampling: SamplingPolicy
    let videoLimits: VideoLimits
    let batchSize: Int
    /// The text → image bridge: when set, every item gets its concept vector (``ConceptSpace``).
    var concepts: ConceptSpace? = nil

    /// The catalog item for `entry`: manifest metadata, else the file name as the title.
    static func item(for entry: BuildEntry, hash: String, kind: ItemKind) -> CatalogItem {
        let name = ((entry.path as NSString).lastPathComponent as NSString).deletingPathExtension
        return CatalogItem(id: entry.id ?? String(hash.prefix(16)), kind: kind, source: entry.path,
                           title: entry.title.isEmpty ? name : entry.title, description: entry.description,
                           tags: entry.tags, contentHash: hash)
    }

    /// Embeds a batch of prepared images in one forward pass.
    /// An image with regions gets its whole-image vector first, then one vector per region (frames 1, 2, …).
    func embedImages(_ images: [(entry: BuildEntry, hash: String, input: Image, width: Int, height: Int, regions: [Image])]) throws -> [EmbeddedItem] {
        guard !images.isEmpty else { return [] }
        let encodings = try encoder.encode(modelInputs: images.map(\.input))
        let regionEncodings = try encoder.encode(modelInputs: images.flatMap(\.regions))
        var regionStart = 0
        return zip(images, encodings).map { image, encoding in
            let regions = regionEncodings[regionStart..<(regionStart + image.regions.count)]
            regionStart += image.regions.count
            var item = Self.item(for: image.entry, hash: image.hash, kind: .image)
            item.width = image.width
            item.height = image.height
            item.autoTags = AutoTagging.tags(labels: encoder.labels(for: encoding, top: 5).map { ($0.name, $0.score) })
            item.conceptVector = concepts?.vector(logits: encoding.logits)
            return EmbeddedItem(item: item, vectors: encoding.embedding + regions.flatMap(\.embedding), timestamps: nil)
        }
    }

    /// Samples, embeds (in batches) and tags a video. Only the embeddings are kept in memory (frames are
    /// dropped once encoded), so a long video costs at most `maxFrames × 5 KiB`.
    func embedVideo(_ entry: BuildEntry, hash: String, warnings: inout [String]) throws -> EmbeddedItem {
        // Opened and checked once (InputFile); FFmpeg reads through this descriptor, not by name again.
        let handle: FileHandle
        switch InputFile.open(entry.path) {
        case .success(let opened): handle = opened
        case .failure(.notFound): throw VideoError(.unreadable, path: entry.path, reason: "no such file")
        case .failure(.unreadable(let reason)), .failure(.notRegular(let reason)): throw VideoError(.unreadable, path: entry.path, reason: reason)
        }
        defer { try? handle.close() }
        let video = try FFmpegVideo(path: entry.path, descriptor: handle.fileDescriptor, limits: videoLimits)
        var policy = sampling
        policy.maxFrames = min(policy.maxFrames, VisualVectorID.maxFramesPerItem)
        var inputs: [Image] = []
        var pendingTimes: [Double] = []
        var vectors: [Float] = []
        var timestamps: [Double] = []
        var frameLabels: [[(name: String, score: Float)]] = []
        var bestProbabilities: [Float]?  // each class's maximum over the frames (the concept vector's input)
        func flush() throws {
            guard !inputs.isEmpty else { return }
            for (encoding, time) in zip(try encoder.encode(modelInputs: inputs), pendingTimes) {
                vectors += encoding.embedding
                timestamps.append(time)
                frameLabels.append(encoder.labels(for: encoding, top: 5).map { ($0.name, $0.score) })
                if concepts != nil {
                    let probabilities = ConceptSpace.softmax(encoding.logits)
                    bestProbabilities = bestProbabilities.map { zip($0, probabilities).map { max($0, $1) } } ?? probabilities
                }
            }
            inputs.removeAll(keepingCapacity: true)
            pendingTimes.removeAll(keepingCapacity: true)
        }
        let report = try video.sampleFrames(policy: policy) { frame in
            inputs.append(ImageEncoder.modelInput(frame.image))
            pendingTimes.append(frame.timestamp)
            if inputs.count >= batchSize { try flush() }
        }
        try flush()
        warnings += report.warnings
        guard !timestamps.isEmpty else {
            throw IndexBuildError(.badInput, entry.path, "no frame of the video could be decoded")
        }
        var item = Self.item(for: entry, hash: hash, kind: .video)
        if entry.title.isEmpty, let title = video.info.title, !title.isEmpty { item.title = title }
        let size = video.info.displaySize
        item.width = size.width
        item.height = size.height
        item.duration = video.info.duration.isFinite && video.info.duration >= 0 ? video.info.duration : nil
        item.autoTags = AutoTagging.aggregate(frames: frameLabels)
        item.conceptVector = bestProbabilities.flatMap { concepts?.vector(probabilities: $0) }
        return EmbeddedItem(item: item, vectors: vectors, timestamps: timestamps)
    }
}
