/// Thresholds and sample sizes of a drift check.
public struct DriftOptions: Sendable {
    /// PSI above which a distribution counts as shifted (and only when it also exceeds sampling noise).
    public var psiThreshold: Double
    /// Family-wise significance of the KS tests (Bonferroni over the projections); also the tail used
    /// for the PSI noise bounds.
    public var ksAlpha: Double
    /// Random unit directions the embeddings are projected on for the KS tests.
    public var projections: Int
    /// Most PSI bins (fewer when the smaller sample has under 10 vectors per bin, where the χ² noise bound
    /// stops being a fair approximation).
    public var maxBins: Int
    /// Vectors sampled from each side at most.
    public var maxSample: Int
    /// Optional retrain trigger on list skew (largest list / mean list size); nil: reported only.
    public var maxListSkew: Double?
    public var seed: UInt64

    public init(psiThreshold: Double = 0.2, ksAlpha: Double = 0.01, projections: Int = 64, maxBins: Int = 10,
                maxSample: Int = 5000, maxListSkew: Double? = nil, seed: UInt64 = 7) {
        self.psiThreshold = psiThreshold
        self.ksAlpha = ksAlpha
        self.projections = projections
        self.maxBins = maxBins
        self.maxSample = maxSample
        self.maxListSkew = maxListSkew
        self.seed = seed
    }
}
