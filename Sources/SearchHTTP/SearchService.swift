import Catalog
import Embedding
import Foundation
import Imaging
import Logging
import SearchEngine

/// What a search request asks for (already parsed from multipart, query string or raw body).
public struct SearchQuery: Sendable {
    /// The query image's bytes (JPEG or PNG), or nil.
    public var image: [UInt8]?
    /// Labels the image in error messages (the upload's file name, or `body`).
    public var imageName: String
    public var text: String?
    public var k: Int
    public var filter: CatalogFilter

    public init(image: [UInt8]? = nil, imageName: String = "image", text: String? = nil, k: Int = 10,
                filter: CatalogFilter = CatalogFilter()) {
        self.image = image
        self.imageName = imageName
        self.text = text
        self.k = k
        self.filter = filter
    }
}

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
    let serving: ServingIndex
    let media: MediaStore
    let logger: Logger
    /// Image embeddings (query images and added media); text queries; thumbnails; writes (one at a time).
    let imageWork: ConcurrencyLimiter
    let textWork: ConcurrencyLimiter
    let thumbnailWork: ConcurrencyLimiter
    let writeWork: ConcurrencyLimiter
    let thumbnails = ThumbnailCache(capacity: 512)

    public init(index: IndexDirectory, imageEncoder: ImageEncoder, textEncoder: TextEncoder,
                configuration: ServerConfiguration, logger: Logger = Logger(label: "vsearch.http")) {
        self.index = index
        self.configuration = configuration
        self.imageEncoder = imageEncoder
        self.textEncoder = textEncoder
        self.logger = logger
        serving = ServingIndex(index: index, textEncoder: textEncoder, refreshInterval: configuration.refreshInterval, logger: logger)
        media = MediaStore(directory: index.path + "/" + MediaStore.folderName)
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

    public func search(_ query: SearchQuery) async throws -> SearchResponseDTO {
        let text = query.text.flatMap { $0.allSatisfy(\.isWhitespace) ? nil : $0 }
        guard query.image != nil || text != nil else { throw APIError.missingQuery }
        let nprobe = configuration.nprobe
        let start = ContinuousClock.now
        let results: [SearchHitDTO]
        if let image = query.image {
            let encoder = imageEncoder
            let serving = serving
            results = try await run(imageWork, "image search") {
                let embedding: [Float]
                do {
                    embedding = try IndexSearcher.embed(imageData: image, name: query.imageName, encoder: encoder)
                } catch let error as ImagingError {
                    throw Self.imageError(error)
                }
                let searcher = try serving.searcher()
                return try searcher.search(embedding: embedding, text: text,
                                           options: QueryOptions(k: query.k, filter: query.filter, nprobe: nprobe)).map(DTOMapping.hit)
            }
        } else {
            let serving = serving
            results = try await run(textWork, "text search") {
                try serving.searcher().text.search(text!, options: TextSearchOptions(k: query.k, filter: query.filter)).map(DTOMapping.hit)
            }
        }
        let kind = query.image == nil ? "text" : (text == nil ? "image" : "image+text")
        return SearchResponseDTO(query: kind, k: query.k, tookMilliseconds: (ContinuousClock.now - start).seconds * 1000, results: results)
    }

    /// An image the decoders refuse: a known format we do not decode is 415, anything else 400.
    static func imageError(_ error: ImagingError) -> APIError {
        switch error.reason {
        case .unsupportedFormat: .unsupportedMediaType("\(error)")
        case .fileTooLarge, .tooManyPixels: .invalidParameter("image", "\(error)")
        default: .undecodableImage("\(error)")
        }
    }

    public func item(id: String) async throws -> ItemDTO {
        let serving = serving
        return try await run(textWork, "item") {
            let catalog = try serving.searcher().text.catalog
            guard let item = try catalog.item(id: id) else { throw APIError.itemNotFound(id) }
            let frames = item.kind == .video ? try catalog.frames(videoID: id).count : 0
            return DTOMapping.item(item, frames: frames)
        }
    }

    /// Counts for `/metrics` and `/readyz` (nil when the index is not open).
    public func statistics() async -> IndexStatistics? {
        let serving = serving
        return try? await run(textWork, "statistics") {
            let searcher = try serving.searcher()
            return IndexStatistics(version: searcher.version, items: try searcher.text.catalog.count(),
                                   vectors: searcher.visual?.count ?? 0, textVectors: searcher.text.vectorCount)
        }
    }

    /// Queue depth and jobs in flight of each kind of work.
    public var load: [(work: String, running: Int, queued: Int)] {
        [imageWork, textWork, thumbnailWork, writeWork].map { ($0.name, $0.inFlight, $0.queued) }
    }

    /// Runs blocking `work` on `limiter`, turning a full queue into 503 `overloaded`.
    func run<T: Sendable>(_ limiter: ConcurrencyLimiter, _ what: String, _ work: @escaping @Sendable () throws -> T) async throws -> T {
        do {
            return try await limiter.run(work)
        } catch is ConcurrencyLimiter.Overloaded {
            throw APIError.overloaded(what)
        }
    }
}

/// Sizes of the serving snapshot.
public struct IndexStatistics: Sendable, Codable, Equatable {
    public var version: UInt64?
    public var items: Int
    public var vectors: Int
    public var textVectors: Int
}
