import Embedding
import Foundation

/// How the HTTP service runs: where it listens, its limits and its API token.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Largest request body accepted (uploads and query images), checked while the body streams in:
    /// a larger body is refused with 413 as soon as the limit is crossed (or at once from `Content-Length`).
    public var maxUploadBytes: Int
    /// Whole-request deadline (reading the body and answering); past it the client gets 408 while the
    /// body is still arriving, 503 `timeout` afterwards.
    public var requestTimeout: Duration
    /// How long a connection may send nothing before it is closed; nil: twice `requestTimeout`, at least 1 s.
    public var idleTimeout: Duration?
    /// Image embeddings (query images, added media) running at once; each uses `embeddingThreads` cores.
    public var embeddingConcurrency: Int
    /// Image requests allowed to wait for a slot; beyond that, 503 `overloaded`.
    public var embeddingQueueLimit: Int
    /// Text queries (MiniLM + BM25 + vector scans) running at once, and waiting.
    public var textConcurrency: Int
    public var textQueueLimit: Int
    /// Writes (add/remove) waiting behind the one that runs (writes are serialised by the index lock).
    public var writeQueueLimit: Int
    /// Threads of one image embedding (1: two concurrent queries use the two cores).
    public var embeddingThreads: Int
    /// The API token writes must present as `Authorization: Bearer …`; nil refuses every write.
    public var apiToken: APIToken?
    /// How often a search checks whether another process changed the index (add/remove/publish).
    public var refreshInterval: Duration
    /// Results returned when the request gives no `k`, and the largest `k` accepted.
    public var defaultK: Int
    public var maxK: Int
    /// IVF lists probed per image query; nil: the index's saved default (`vsearch eval --ann --save`), else 32.
    public var nprobe: Int?
    /// Longest text query accepted, in UTF-8 bytes.
    public var maxQueryBytes: Int
    /// Request-body bytes held at once over all requests (each reserves its `Content-Length`, or
    /// `maxUploadBytes` when chunked, before reading); beyond it a request gets 503 `overloaded` at once.
    public var maxBodyBytesInFlight: Int
    /// The query encoder's CNN precision; nil: the one the index recorded at start (``VersionRecords/precision``).
    public var precision: EncoderPrecision?

    public init(host: String = "127.0.0.1", port: Int = 8080, maxUploadBytes: Int = 32 << 20,
                requestTimeout: Duration = .seconds(30), embeddingConcurrency: Int = 2, embeddingQueueLimit: Int = 32,
                textConcurrency: Int = 2, textQueueLimit: Int = 64, writeQueueLimit: Int = 8, embeddingThreads: Int = 1,
                apiToken: APIToken? = nil, refreshInterval: Duration = .milliseconds(500),
                defaultK: Int = 10, maxK: Int = 100, nprobe: Int? = nil, maxQueryBytes: Int = 4096,
                maxBodyBytesInFlight: Int = 256 << 20) {
        self.host = host
        self.port = port
        self.maxUploadBytes = maxUploadBytes
        self.requestTimeout = requestTimeout
        self.idleTimeout = nil
        self.embeddingConcurrency = embeddingConcurrency
        self.embeddingQueueLimit = embeddingQueueLimit
        self.textConcurrency = textConcurrency
        self.textQueueLimit = textQueueLimit
        self.writeQueueLimit = writeQueueLimit
        self.embeddingThreads = embeddingThreads
        self.apiToken = apiToken
        self.refreshInterval = refreshInterval
        self.defaultK = defaultK
        self.maxK = maxK
        self.nprobe = nprobe
        self.maxQueryBytes = maxQueryBytes
        self.maxBodyBytesInFlight = maxBodyBytesInFlight
        self.precision = nil
    }
}

extension ServerConfiguration {
    /// `idleTimeout`, or its default: twice the request deadline, at least one second.
    var effectiveIdleTimeout: Duration { idleTimeout ?? max(.seconds(1), requestTimeout * 2) }
}

extension Duration {
    var seconds: Double {
        let (s, attoseconds) = components
        return Double(s) + Double(attoseconds) / 1e18
    }
}
