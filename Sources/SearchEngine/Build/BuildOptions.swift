import VectorIndex
import VideoFrames

/// How an index build runs.
public struct BuildOptions: Sendable {
    /// Images per forward pass, and inputs per checkpoint.
    public var batchSize: Int
    /// Threads for decoding (the encoder has its own thread count).
    public var threads: Int
    /// Which frames of each video are embedded (default 1 per second, at most 600).
    public var sampling: SamplingPolicy
    public var videoLimits: VideoLimits
    /// IVF lists (nil: about 4·√N) and encoding of the visual index (nil: `EncodingChoice.choose`).
    public var nlist: Int?
    public var encoding: EncodingKind?
    /// PQ sub-quantisers for `pq`/`pq4fs` (nil: the encoding's default).
    public var pqSubquantizers: Int?
    /// `pq`/`pq4fs` (asked for, or chosen by `EncodingChoice`): learn an OPQ rotation first
    /// (``IVFBuildOptions/pqRotation``).
    public var pqRotation: Bool = false
    /// Published versions kept on disk for rollback (older ones are deleted after a publish).
    public var keepVersions: Int
    /// Discard a staged build of different inputs instead of refusing to start.
    public var restart: Bool
    /// The new version holds this build's inputs only: items of the serving version that are not
    /// among them (added by `vsearch add` or `POST /v1/items`) are dropped, and counted, instead of
    /// carried over.
    public var replace: Bool
    /// Test hook: stop with an `.interrupted` error once this many inputs were embedded by this run
    /// (after their checkpoint), as if the process had been killed there.
    public var stopAfterItems: Int?
    /// `--shard K/N`: only inputs whose id (manifest id, else content-hash id) falls in shard K of N are
    /// indexed (``ShardSelection``); the others are skipped before decoding and counted in
    /// ``BuildSummary/otherShards``. Nil: every input.
    public var shard: ShardSelection?
    /// Coarse centroids of the visual IVF trained elsewhere (`nlist × 1280`, row-major): the shards of a
    /// distributed build share the ones `vsearch segment train` made. Nil: k-means on this build's vectors.
    public var centroids: [Float]?
    /// Regions of each image embedded besides the whole image (``RegionLayout``; recorded in the version
    /// as `regions.json`, so later adds embed the same). Default `.none`.
    public var regions: RegionLayout = .none

    public init(batchSize: Int = 32, threads: Int = 2, sampling: SamplingPolicy = SamplingPolicy(),
                videoLimits: VideoLimits = VideoLimits(), nlist: Int? = nil, encoding: EncodingKind? = nil,
                keepVersions: Int = 3, restart: Bool = false, replace: Bool = false, stopAfterItems: Int? = nil,
                pqSubquantizers: Int? = nil) {
        self.pqSubquantizers = pqSubquantizers
        self.batchSize = batchSize
        self.threads = threads
        self.sampling = sampling
        self.videoLimits = videoLimits
        self.nlist = nlist
        self.encoding = encoding
        self.keepVersions = keepVersions
        self.restart = restart
        self.replace = replace
        self.stopAfterItems = stopAfterItems
    }
}
