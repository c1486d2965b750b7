import Catalog
import SearchEngine
import Testing

@Suite struct FlatVectorStoreTests {
    func randomUnitVectors(_ count: Int, _ dimension: Int, seed: UInt64) -> [[Float]] {
        var state = seed
        func next() -> Float {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(bitPattern: state >> 11) % 2_000_000) / 1_000_000 - 1
        }
        return (0..<count).map { _ in
            let v = (0..<dimension).map { _ in next() }
            let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return v.map { $0 / norm }
        }
    }

    @Test func matchesBruteForceWithAndWithoutAllowedKeys() {
        let vectors = randomUnitVectors(300, 16, seed: 7)
        var store = FlatVectorStore(dimension: 16)
        for (i, v) in vectors.enumerated() { store.set(v, for: ItemKey(1000 + i)) }
        for query in randomUnitVectors(5, 16, seed: 99) {
            let exact = vectors.enumerated().map { (ItemKey(1000 + $0.offset), zip($0.element, query).reduce(Float(0)) { $0 + $1.0 * $1.1 }) }
                .sorted { $0.1 > $1.1 }
            let found = store.search(query, k: 10)
            #expect(found.map(\.key) == exact.prefix(10).map(\.0))
            let allowed = Set(exact.suffix(50).map(\.0))
            let filtered = store.search(query, k: 10, allowed: allowed)
            #expect(filtered.map(\.key) == exact.filter { allowed.contains($0.0) }.prefix(10).map(\.0))
        }
    }

    @Test func replaceAndRemoveKeepRowsConsistent() {
        var store = FlatVectorStore(dimension: 2)
        store.set([1, 0], for: 1)
        store.set([0, 1], for: 2)
        store.set([-1, 0], for: 3)
        store.set([0.6, 0.8], for: 1)
        #expect(store.count == 3)
        store.remove(1)
        store.remove(42)
        #expect(store.count == 2)
        #expect(store.search([0, 1], k: 5).map(\.key) == [2, 3])
        #expect(store.search([-1, 0], k: 1).map(\.key) == [3])
        #expect(store.search([1, 0], k: 0).isEmpty)
    }

    /// Past the threshold the int8 first pass + exact rescoring must give the exact answer.
    @Test func quantizedScanAgreesWithExactSearch() {
        let count = FlatVectorStore.quantizedScanThreshold + 500
        let vectors = randomUnitVectors(count, 48, seed: 3)
        var store = FlatVectorStore(dimension: 48)
        for (i, v) in vectors.enumerated() { store.set(v, for: ItemKey(i)) }
        store.remove(17)
        store.set(vectors[0].map { -$0 }, for: 5)
        let allowed = Set((0..<ItemKey(count)).filter { $0 % 3 == 0 })
        for query in randomUnitVectors(10, 48, seed: 11) {
            let fast = store.search(query, k: 10)
            let exact = store.exactSearch(query, k: 10)
            #expect(fast.map(\.key) == exact.map(\.key))
            #expect(zip(fast, exact).allSatisfy { abs($0.score - $1.score) < 1e-5 })
            #expect(store.search(query, k: 5, allowed: allowed).map(\.key) == store.exactSearch(query, k: 5, allowed: allowed).map(\.key))
        }
    }
}
