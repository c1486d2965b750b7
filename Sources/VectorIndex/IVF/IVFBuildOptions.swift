/// Parameters of an IVF build (and of `retrain`).
public struct IVFBuildOptions: Sendable {
    /// Inverted lists; `nil` means ``defaultNlist(count:)`` (≈ 4·√N).
    public var nlist: Int?
    public var metric: Metric
    public var encoding: EncodingKind
    /// PQ sub-quantisers `m` for `pq` / `pq4fs` (must divide the dimension; even for pq4fs); `nil` means
    /// ``EncodingChoice/defaultSubquantizers(_:dimension:)``.
    public var pqSubquantizers: Int?
    /// `pq` / `pq4fs`: learn an OPQ rotation (``PQRotation``) before the codebooks. It lowers the
    /// quantisation error on data whose variance is uneven across dimensions (real embeddings), costs a
    /// `d × d` matrix product per added vector and per query, and `4·d²` bytes in the file.
    public var pqRotation: Bool = false
    /// Keep fp32 vectors beside compressed codes for exact re-ranking (default: on for sq8; flat codes
    /// are already exact, so it is ignored there).
    public var storeVectors: Bool
    /// Lloyd iterations of the coarse k-means.
    public var iterations: Int
    /// Training sample per list (the sample is `min(N, nlist × this)` vectors).
    public var trainingPointsPerList: Int
    public var seed: UInt64
    /// Worker threads for training and assignment (BLAS itself stays at one thread per worker).
    public var threads: Int
    /// Coarse centroids trained elsewhere (`nlist × dimension`, row-major), used as they are instead of
    /// training k-means on this build's vectors (``nlist`` is then their count). Several indexes built
    /// with the same centroids share one coarse quantizer (the shards of a distributed build).
    public var centroids: [Float]?

    public init(nlist: Int? = nil, metric: Metric = .innerProduct, encoding: EncodingKind = .flat, storeVectors: Bool = true,
                iterations: Int = 12, trainingPointsPerList: Int = 64, seed: UInt64 = 1234, threads: Int = 1,
                pqSubquantizers: Int? = nil) {
        self.pqSubquantizers = pqSubquantizers
        self.nlist = nlist
        self.metric = metric
        self.encoding = encoding
        self.storeVectors = storeVectors
        self.iterations = iterations
        self.trainingPointsPerList = trainingPointsPerList
        self.seed = seed
        self.threads = threads
    }

    /// About `4·√N` lists, at least 1 and at most `N`.
    public static func defaultNlist(count: Int) -> Int {
        max(1, min(count, Int((4 * Double(count).squareRoot()).rounded())))
    }
}

/// What a build did.
public struct IVFBuildReport: Sendable {
    public var vectors: Int
    public var nlist: Int
    /// k-means (and encoding) training.
    public var trainSeconds: Double
    /// Assigning every vector to its list and writing the file.
    public var addSeconds: Double
    /// Size of the new version's base file.
    public var bytes: Int
    public var version: UInt64
}
