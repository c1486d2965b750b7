import SearchTesting
import Testing
import VectorIndex

@Suite struct FlatIndexTests {
    @Test(arguments: Metric.allCases)
    func matchesSortedBruteForce(metric: Metric) throws {
        let d = 7  // not a multiple of the SIMD width: exercises the kernels' tails
        let x = RandomVectors.gaussian(500, dimension: d, seed: 7)
        let q = RandomVectors.gaussian(5, dimension: d, seed: 8)
        var flat = FlatIndex(dimension: d, metric: metric)
        try flat.add(x, ids: (0..<500).map { Int64($0 * 10) })
        let found = try flat.search(batch: q, k: 5, options: SearchOptions())
        for qi in 0..<5 {
            let scored = (0..<500).map { r -> (Int64, Float) in
                var s: Float = 0
                for j in 0..<d {
                    let a = q[qi * d + j], b = x[r * d + j]
                    s += metric == .innerProduct ? a * b : -(a - b) * (a - b)
                }
                return (Int64(r * 10), s)
            }.sorted { $0.1 > $1.1 }
            #expect(found[qi].map(\.id) == scored.prefix(5).map(\.0))
            for (n, e) in zip(found[qi], scored) { #expect(abs(n.score - e.1) < 1e-4) }
        }
    }

    @Test func removeAndBadInput() throws {
        var flat = FlatIndex(dimension: 4, metric: .l2)
        try flat.add([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2])
        flat.remove([1])
        #expect(flat.count == 2)
        #expect(try flat.search([1, 1, 1, 1], k: 5).map(\.id) == [0, 2])
        #expect(throws: VectorIndexError.self) { try flat.add([1, 2, 3]) }
        #expect(throws: VectorIndexError.self) { try flat.search([1, 2, 3], k: 1) }
        #expect(throws: VectorIndexError.self) { try flat.search([1, 2, 3, 4], k: 0, options: SearchOptions()) }
    }
}
