import SearchTesting
import VectorIndex

/// Shared seeded data for the index tests: clustered unit vectors (see `RandomVectors`).
enum TestData {
    static let dimension = 32
    static let generator = RandomVectors(dimension: dimension, centers: 200, sigma: 1, alpha: 1, seed: 42)
    static let base = generator.sample(20_000, stream: 1)
    static let queries = generator.sample(200, stream: 2)

    static func oracle(_ metric: Metric, vectors: [Float] = base, ids: [Int64]? = nil) throws -> FlatIndex {
        var flat = FlatIndex(dimension: dimension, metric: metric)
        try flat.add(vectors, ids: ids)
        return flat
    }

    /// Mean |found ∩ truth| / k over queries.
    static func recall(_ found: [[Neighbor]], _ truth: [[Neighbor]], k: Int) -> Double {
        var hits = 0
        for (f, t) in zip(found, truth) {
            hits += Set(f.prefix(k).map(\.id)).intersection(t.prefix(k).map(\.id)).count
        }
        return Double(hits) / Double(k * truth.count)
    }

    /// Builds an index in `directory` from `vectors` (ids = row numbers unless given).
    @discardableResult
    static func build(_ directory: String, vectors: [Float] = base, ids: [Int64]? = nil, metric: Metric = .innerProduct,
                      encoding: EncodingKind = .flat, nlist: Int? = nil) throws -> IVFBuildReport {
        let writer = try IVFIndexWriter(directory: directory)
        return try writer.build(from: ArrayVectors(vectors, dimension: dimension), ids: ids,
                                options: IVFBuildOptions(nlist: nlist, metric: metric, encoding: encoding, threads: 2))
    }
}
