import Catalog
import Embedding
import Foundation
import Imaging
import Logging
import SearchEngine

/// The service behind the routes, free of HTTP: it owns the models, the serving snapshot and the
/// limits, and runs every blocking step (CNN, MiniLM, SQLite, index scans, codecs) on the bounded
/// worker threads of a ``ConcurrencyLimiter``.
///
/// Sharing: the encoders are immutable and thread-safe (`Sendable`, per-call scratch), the snapshot is
/// swapped under a lock (``ServingIndex``), and writes go through `IndexMaintenance`, which takes the
/// index directory's `flock` — so writes from this server and from the CLI in another process are
/// serialised, and searches run beside them on the previous snapshot until the write's refresh.
public final class SearchService: Sendable {
    public let index: IndexDirectory
    public let configuration: ServerConfiguration
    let imageEncoder: ImageEncoder
    let textEncoder: TextEncoder
    /// The models queries use (the same encoders).
    var models: QueryModels { QueryModels(image: imageEncoder, text: textEncoder) }
    let serving: ServingIndex
    let media: MediaStore
    let logger: Logger
    /// Image embeddings (query images and added media); text queries; thumbnails; writes (one at a time).
    let imageWork: ConcurrencyLimiter
    let textWork: ConcurrencyLimiter
    let thumbnailWork: ConcurrencyLimiter
    let writeWork: ConcurrencyLimiter
    let thumbnails: ThumbnailCache
    /// Request-body bytes held at once (uploads, query images).
    let bodies: BodyBudget

    public init(index: IndexDirectory, imageEncoder: ImageEncoder, textEncoder: TextEncoder,
                configuration: ServerConfiguration, logger: Logger = Logger(label: "vsearch.http")) {
        self.index = index
        self.configuration = configuration
        self.imageEncoder = imageEncoder
        self.textEncoder = textEncoder
        self.logger = logger
        bodies = BodyBudget(capacity: configuration.maxBodyBytesInFlight)
        let thumbnails = ThumbnailCache(capacity: 512)
        self.thumbnails = thumbnails
        serving = ServingIndex(index: index, models: QueryModels(image: imageEncoder, text: textEncoder),
                               refreshInterval: configuration.refreshInterval, logger: logger,
                               onSwap: { thumbnails.removeAll() })
        // Absolute and symlink-free, as every ingested path is (InputFile refuses a path that leads elsewhere).
        let indexPath = URL(fileURLWithPath: index.path).standardizedFileURL.resolvingSymlinksInPath().path
        media = MediaStore(directory: indexPath + "/" + MediaStore.folderName)
        imageWork = ConcurrencyLimiter(name: "embedding", limit: configuration.embeddingConcurrency,
                                       queueLimit: configuration.embeddingQueueLimit)
        textWork = ConcurrencyLimiter(name: "text", limit: configuration.textConcurrency, queueLimit: configuration.textQueueLimit)
        thumbnailWork = ConcurrencyLimiter(name: "thumbnail", limit: 2, queueLimit: 128)
        writeWork = ConcurrencyLimiter(name: "write", limit: 1, queueLimit: configuration.writeQueueLimit)
    }

    /// Opens the index (blocking; call once at start-up). The service starts even if this fails:
    /// `/readyz` then reports why, and later requests retry.
    public func openIndex() {
        serving.open()
    }

    /// Nil when ready (index open, models loaded), else why not.
    public var notReadyReason: String? { serving.unavailableReason }

    // MARK: Queries

    /// Answers a search on the one ``QueryEngine``: image queries (which run the CNN) on the embedding
    /// pool, item and text queries on the text pool. `nprobe` defaults to the server's configuration.
    public func search(_ request: SearchRequest) async throws -> SearchResponse {
        var request = request
        if request.options.nprobe == nil { request.options.nprobe = configuration.nprobe }
        let (pool, what) = request.image != nil ? (imageWork, "image search") : (textWork, "search")
        let serving = serving
        let frozen = request
        return try await pool.answer(what) { try serving.engine().search(frozen) }
    }

    public func item(id: String) async throws -> ItemDTO {
        let serving = serving
        return try await textWork.answer("item") {
            let catalog = try serving.catalog()
            guard let item = try catalog.item(id: id) else { throw APIError.itemNotFound(id) }
            let frames = item.kind == .video ? try catalog.frames(videoID: id).count : 0
            return DTOMapping.item(item, frames: frames)
        }
    }

    /// Counts for `/metrics` and `/readyz` (nil when the index is not open).
    public func statistics() async -> IndexStatistics? {
        let serving = serving
        return try? await textWork.answer("statistics") {
            let snapshot = try serving.engine().snapshot
            return IndexStatistics(version: snapshot.version, items: try snapshot.catalog.count(),
                                   vectors: snapshot.visual?.count ?? 0, textVectors: snapshot.text.vectorCount)
        }
    }

    /// Queue depth and jobs in flight of each kind of work.
    public var load: [(work: String, running: Int, queued: Int)] {
        [imageWork, textWork, thumbnailWork, writeWork].map { ($0.name, $0.inFlight, $0.queued) }
    }
}

/// Sizes of the serving snapshot.
public struct IndexStatistics: Sendable, Codable, Equatable {
    public var version: UInt64?
    public var items: Int
    public var vectors: Int
    public var textVectors: Int
}
