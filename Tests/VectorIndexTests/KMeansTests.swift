import SearchTesting
import Testing
import VectorIndex

@Suite struct KMeansTests {
    @Test func deterministicForASeedWhateverTheThreadCount() throws {
        let x = RandomVectors(dimension: 16, centers: 30, seed: 9).sample(3000, stream: 1)
        let source = try ArrayVectors(x, dimension: 16)
        let one = KMeans(clusters: 40, metric: .l2, iterations: 6, seed: 5, threads: 1).train(source)
        let two = KMeans(clusters: 40, metric: .l2, iterations: 6, seed: 5, threads: 2).train(source)
        let other = KMeans(clusters: 40, metric: .l2, iterations: 6, seed: 6, threads: 1).train(source)
        #expect(one == two)
        #expect(one != other)
        #expect(one.count == 40 * 16)
    }

    @Test func emptyClustersAreRepairedBySplitting() throws {
        // 200 points on only 5 distinct positions, 12 clusters: most clusters start or become empty.
        let distinct = RandomVectors.gaussian(5, dimension: 8, seed: 2)
        var x: [Float] = []
        for i in 0..<200 { x += distinct[((i % 5) * 8)..<((i % 5 + 1) * 8)] }
        for metric in Metric.allCases {
            let c = KMeans(clusters: 12, metric: metric, iterations: 5, seed: 1).train(try ArrayVectors(x, dimension: 8))
            #expect(c.count == 12 * 8)
            let finite = c.allSatisfy { $0.isFinite }
            #expect(finite)
            // Every distinct position has a centroid on it (within float noise of the split perturbation).
            for p in 0..<5 {
                let best = (0..<12).map { j in (0..<8).map { let t = c[j * 8 + $0] - distinct[p * 8 + $0]; return t * t }.reduce(0, +) }.min()!
                if metric == .l2 { #expect(best < 1e-3) }
            }
        }
    }

    @Test func centroidsAreUnitNormForInnerProduct() throws {
        let x = RandomVectors(dimension: 16, centers: 10, seed: 3).sample(1000, stream: 1)
        let c = KMeans(clusters: 20, metric: .innerProduct, iterations: 4).train(try ArrayVectors(x, dimension: 16))
        for j in 0..<20 {
            let n = (0..<16).map { c[j * 16 + $0] * c[j * 16 + $0] }.reduce(0, +)
            #expect(abs(n - 1) < 1e-4)
        }
    }
}
