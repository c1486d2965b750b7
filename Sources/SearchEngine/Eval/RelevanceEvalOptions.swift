/// How `vsearch eval` runs the labelled queries.
public struct RelevanceEvalOptions: Sendable {
    /// Metrics cut-off.
    public var k: Int
    /// IVF lists probed; nil: the index's default. ``exhaustive`` overrides it.
    public var nprobe: Int?
    /// Probe every list: with the `flat` encoding this is exact search over the same stored vectors,
    /// which shows what the IVF approximation costs.
    public var exhaustive: Bool
    /// How the query's rankings are fused (weights per source; a weight of 0 leaves a source out).
    public var fusion: ReciprocalRankFusion

    public init(k: Int = 10, nprobe: Int? = nil, exhaustive: Bool = false, fusion: ReciprocalRankFusion = ReciprocalRankFusion()) {
        self.k = k
        self.nprobe = nprobe
        self.exhaustive = exhaustive
        self.fusion = fusion
    }
}
