import Foundation
import SearchTesting
import Testing
@testable import VectorIndex

/// The product-quantised encodings (`pq`, `pq4fs`): recall against the exact oracle with and without
/// re-ranking, the fast-scan block layout and kernels, durability through add/remove/compact/retrain, and
/// the default encoding rule.
@Suite struct PQTests {
    static let d = TestData.dimension

    static func build(_ dir: String, encoding: EncodingKind, metric: Metric = .innerProduct, vectors: [Float] = TestData.base,
                      nlist: Int? = nil, m: Int? = nil, storeVectors: Bool = true, rotate: Bool = false) throws {
        let writer = try IVFIndexWriter(directory: dir)
        var options = IVFBuildOptions(nlist: nlist, metric: metric, encoding: encoding, storeVectors: storeVectors, threads: 2,
                                      pqSubquantizers: m)
        options.pqRotation = rotate
        try writer.build(from: ArrayVectors(vectors, dimension: d), options: options)
    }

    /// 20k × 32-d, nprobe 8 of 566 lists (flat reaches 0.967 there). With re-ranking ×10 both PQ encodings
    /// must match that operating point; PQ scores alone (m = 8: 8 or 4 bytes per vector) must be far above
    /// chance yet below the re-ranked recall, and scores after re-ranking must be exact.
    @Test(arguments: [(EncodingKind.pq, Metric.innerProduct), (.pq, .l2), (.pq4fs, .innerProduct), (.pq4fs, .l2)])
    func recallAgainstTheOracle(encoding: EncodingKind, metric: Metric) throws {
        let dir = try TemporaryDirectory("pq-recall")
        defer { dir.remove() }
        try Self.build(dir.path, encoding: encoding, metric: metric, m: 8)
        let index = try IVFIndex.open(directory: dir.path)
        #expect(index.encodingKind == encoding && index.subquantizers == 8)
        #expect(index.codeSize == (encoding == .pq ? 8 : 4))
        let truth = try TestData.oracle(metric).search(batch: TestData.queries, k: 10, options: SearchOptions())
        let reranked = try index.search(batch: TestData.queries, k: 10, options: SearchOptions(nprobe: 8, threads: 2, rerankFactor: 10))
        let r = TestData.recall(reranked, truth, k: 10)
        #expect(r >= 0.95, "re-ranked recall@10 = \(r) for \(encoding) \(metric)")
        let alone = try index.search(batch: TestData.queries, k: 10, options: SearchOptions(nprobe: 8, rerankFactor: 0))
        let a = TestData.recall(alone, truth, k: 10)
        #expect(a >= 0.3 && a < r, "PQ-only recall@10 = \(a) for \(encoding) \(metric)")
        for (f, t) in zip(reranked, truth) where f.first?.id == t.first?.id {
            #expect(abs(f[0].score - t[0].score) <= 1e-4 * max(1, abs(t[0].score)))
        }
    }

    /// The codes of a list in the fast-scan layout decode to the same vectors as the rows they came from,
    /// and every kernel the CPU supports scores them exactly like the portable row scan.
    @Test func blockLayoutAndKernelsAgreeWithTheRowScan() throws {
        let dir = try TemporaryDirectory("pq-layout")
        defer { dir.remove() }
        try Self.build(dir.path, encoding: .pq4fs, metric: .l2, vectors: Array(TestData.base[0..<(2000 * Self.d)]), nlist: 4, m: 16)
        let index = try IVFIndex.open(directory: dir.path)
        let enc = try #require(index.encoding as? PQ4FastScanEncoding)
        let codeSize = enc.codeSize
        var checkedBlocks = 0
        for list in 0..<index.nlist {
            // Lists are unpadded: full 32-vector blocks, then the tail as rows.
            let vectorCount = index.lists[list].count
            let count = index.codeRows(of: list)
            #expect(count == vectorCount && index.layout.compactTails)
            let stored = try index.codes(of: list)
            let vectors = try index.storedVectors(of: list)
            // Re-encode the list's vectors as rows: the stored codes are those rows, arranged.
            var rows = [UInt8](repeating: 0, count: count * codeSize)
            rows.withUnsafeMutableBytes { r in
                for i in 0..<vectorCount { enc.encode(vectors + i * Self.d, list: list, into: r.baseAddress! + i * codeSize) }
            }
            var arranged = rows
            arranged.withUnsafeMutableBytes { enc.arrangeList($0.baseAddress!, count: count) }
            #expect(arranged.withUnsafeBytes { Array($0) } == Array(UnsafeRawBufferPointer(start: stored, count: count * codeSize)))
            var a = [Float](repeating: 0, count: Self.d), b = a
            for i in stride(from: 0, to: vectorCount, by: 7) {
                rows.withUnsafeBytes { enc.decode($0.baseAddress! + i * codeSize, list: list, into: &a) }
                enc.decode(listCodes: stored, row: i, count: count, list: list, into: &b)
                #expect(a == b, "list \(list) row \(i)")
            }
            // Scores: rows (portable) vs blocks with each supported kernel.
            var prepared = PreparedQuery(a: [], b: [], bias: 0)
            enc.prepare(enc.prepare(TestData.queries, metric: .l2), list: list, metric: .l2, into: &prepared)
            // Runs of fewer than 32 codes are scored as rows by the portable loop.
            var expected = [Float](repeating: 0, count: count)
            rows.withUnsafeBytes { r in
                expected.withUnsafeMutableBufferPointer { out in
                    for i in stride(from: 0, to: count, by: 31) {
                        enc.score(prepared, metric: .l2, codes: r.baseAddress! + i * codeSize, count: min(31, count - i),
                                  into: out.baseAddress! + i)
                    }
                }
            }
            for isa in PQKernelISA.allCases where isa.isSupported {
                var e = enc
                e.kernel = isa
                var got = [Float](repeating: .nan, count: count)
                e.score(prepared, metric: .l2, codes: stored, count: count, into: &got)
                #expect(got == expected, "\(isa) list \(list)")
            }
            checkedBlocks += count / 32
        }
        #expect(checkedBlocks >= 40)
        #expect(PQKernelISA.avx2.isSupported || !PQKernelISA.avx512.isSupported)
    }

    /// Random codes and tables (including the largest entries allowed) through every supported kernel.
    @Test func kernelsMatchThePortableKernelOnRandomInput() {
        var rng = RandomVectors.Generator(seed: 7)
        for m in [2, 6, 8, 196] {
            let blocks = 5
            let codes = (0..<(blocks * 16 * m)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            let top = UInt64(min(255, 65535 / m))
            let lut = (0..<(16 * m)).map { _ in UInt8(rng.next() % (top + 1)) }
            var expected = [Float](repeating: 0, count: blocks * 32)
            PQKernelISA.portable.scanBlocks(codes, blocks: blocks, lut: lut, m: m, bias: 3, scale: 0.25, into: &expected)
            // The portable kernel against a direct evaluation of the documented layout.
            for v in [0, 5, 16, 31, 47, 159] {
                let block = v / 32, j = v % 32
                var sum = 0
                for s in 0..<m {
                    let byte = codes[block * 16 * m + s * 16 + j % 16]
                    sum += Int(lut[s * 16 + Int(j < 16 ? byte & 15 : byte >> 4)])
                }
                #expect(expected[v] == 3 - 0.25 * Float(sum), "m \(m) vector \(v)")
            }
            for isa in PQKernelISA.allCases where isa.isSupported && isa != .portable {
                var got = [Float](repeating: .nan, count: blocks * 32)
                isa.scanBlocks(codes, blocks: blocks, lut: lut, m: m, bias: 3, scale: 0.25, into: &got)
                #expect(got == expected, "\(isa) m \(m)")
            }
        }
    }

    /// Add, remove, reopen, compact and retrain a pq4fs index (with and without stored vectors, with an
    /// OPQ rotation): a fresh reader sees each durable write, removed ids never come back, added vectors
    /// are found, and the rotation stays through compaction and retraining.
    @Test(arguments: [(EncodingKind.pq4fs, true, false), (.pq4fs, false, false), (.pq, true, false), (.pq4fs, true, true)])
    func mutationsAreDurable(encoding: EncodingKind, storeVectors: Bool, rotate: Bool) throws {
        let dir = try TemporaryDirectory("pq-mutate")
        defer { dir.remove() }
        let base = Array(TestData.base[0..<(5000 * Self.d)])
        try Self.build(dir.path, encoding: encoding, vectors: base, nlist: 32, m: 16, storeVectors: storeVectors, rotate: rotate)
        let extra = TestData.generator.sample(500, stream: 9)
        let addedIDs = (0..<500).map { Int64(100_000 + $0) }
        let removed: [Int64] = Array(0..<200) + Array(100_000..<100_100)
        let options = SearchOptions(nprobe: 32, rerankFactor: 10)
        var oracle = try TestData.oracle(.innerProduct, vectors: base)
        try oracle.add(extra, ids: addedIDs)
        oracle.remove(Set(removed))
        let queries = Array(TestData.queries[0..<(50 * Self.d)])
        let truth = try oracle.search(batch: queries, k: 10, options: SearchOptions())
        do {
            let writer = try IVFIndexWriter(directory: dir.path)
            try writer.add(extra, ids: addedIDs)
            #expect(try writer.remove(removed) == 300)
        }
        func check(_ label: String, minimum: Double) throws {
            let index = try IVFIndex.open(directory: dir.path)
            #expect(index.count == 5200, "\(label)")
            #expect(index.encodingKind == encoding && index.subquantizers == 16 && index.hasPQRotation == rotate, "\(label)")
            let found = try index.search(batch: queries, k: 10, options: options)
            let r = TestData.recall(found, truth, k: 10)
            #expect(r >= minimum, "\(label): recall \(r)")
            let dead = Set(removed)
            #expect(found.allSatisfy { $0.allSatisfy { !dead.contains($0.id) } }, "\(label): removed id returned")
            // An added vector (kept, not removed) is its own nearest neighbour.
            if storeVectors {
                let probe = Array(extra[(300 * Self.d)..<(301 * Self.d)])
                #expect(try index.search(probe, k: 1, options: options).first?.id == 100_300, "\(label)")
            }
        }
        // Exhaustive nprobe: re-ranked results are near exact (0.98–1.0 measured); without stored vectors
        // PQ scores only (0.49–0.64 measured; chance is 0.002), and compaction re-encodes decoded vectors.
        let minimum = storeVectors ? 0.95 : 0.4
        try check("after add/remove", minimum: minimum)
        let writer = try IVFIndexWriter(directory: dir.path)
        try writer.compact(threads: 2)
        try check("after compact", minimum: minimum)
        #expect(try IVFIndex.open(directory: dir.path).listSizes.reduce(0, +) == 5200)
        try writer.retrain(nlist: 16, threads: 2)
        try check("after retrain", minimum: minimum)
    }

    /// Files written before unpadded lists (each list padded to whole blocks with zero codes) still open
    /// and answer exactly like the unpadded file of the same vectors, whether a list's tail is scored as
    /// a block (several queries probe it) or as rows (one query); the unpadded codes are m/2 bytes a vector.
    @Test(arguments: [Metric.l2, .innerProduct])
    func paddedAndUnpaddedListsAnswerAlike(metric: Metric) throws {
        let padded = try TemporaryDirectory("pq-padded"), compact = try TemporaryDirectory("pq-compact")
        defer { padded.remove(); compact.remove() }
        let vectors = Array(TestData.base[0..<(3000 * Self.d)])
        let options = IVFBuildOptions(nlist: 40, metric: metric, encoding: .pq4fs, threads: 2, pqSubquantizers: 16)
        let old = try IVFIndexWriter(directory: padded.path)
        old.padsFastScanLists = true
        try old.build(from: ArrayVectors(vectors, dimension: Self.d), options: options)
        try IVFIndexWriter(directory: compact.path).build(from: ArrayVectors(vectors, dimension: Self.d), options: options)
        let a = try IVFIndex.open(directory: padded.path), b = try IVFIndex.open(directory: compact.path)
        #expect(!a.layout.compactTails && b.layout.compactTails)
        #expect(a.layout.codeRows > 3000 && b.layout.codeRows == 3000)
        #expect(b.layout[.codes].length == 3000 * 8)
        for rerank in [0, 4] {
            let search = SearchOptions(nprobe: 40, rerankFactor: rerank)
            let fromPadded = try a.search(batch: TestData.queries, k: 10, options: search)
            let fromCompact = try b.search(batch: TestData.queries, k: 10, options: search)
            #expect(fromPadded.map { $0.map(\.id) } == fromCompact.map { $0.map(\.id) }, "rerank \(rerank)")
            #expect(fromPadded.map { $0.map(\.score) } == fromCompact.map { $0.map(\.score) }, "rerank \(rerank)")
            // One query at a time, a list's tail is scanned as rows rather than as a block: the same answers.
            for qi in 0..<20 {
                let one = try b.search(Array(TestData.queries[(qi * Self.d)..<((qi + 1) * Self.d)]), k: 10, options: search)
                #expect(one.map(\.id) == fromCompact[qi].map(\.id) && one.map(\.score) == fromCompact[qi].map(\.score))
            }
        }
    }

    @Test func invalidSubquantizerCountsAreRejected() throws {
        let dir = try TemporaryDirectory("pq-bad-m")
        defer { dir.remove() }
        for (encoding, m) in [(EncodingKind.pq, 5), (.pq4fs, 5), (.pq4fs, 0), (.pq4fs, 1), (.pq, 64)] {
            #expect(throws: VectorIndexError.self, "\(encoding) m \(m)") {
                try Self.build(dir.path, encoding: encoding, vectors: Array(TestData.base[0..<(500 * Self.d)]), nlist: 4, m: m)
            }
        }
        #expect(EncodingKind.pq4fs.subquantizerProblem(dimension: 32, subquantizers: 16) == nil)
    }

    @Test func defaultEncodingFollowsSizeAndMemory() {
        let gib = 1 << 30
        #expect(EncodingChoice.choose(vectorCount: 10_000, dimension: 1280, availableMemoryBytes: 16 * gib).encoding == .flat)
        // 1M × 1280 flat is 4.9 GiB: sq8 under the 10M limit.
        #expect(EncodingChoice.choose(vectorCount: 1_000_000, dimension: 1280, availableMemoryBytes: 16 * gib).encoding == .sq8)
        // Small but the machine is tiny: flat does not fit a quarter of 256 MiB (100k × 5 KiB).
        #expect(EncodingChoice.choose(vectorCount: 100_000, dimension: 1280, availableMemoryBytes: 256 << 20).encoding == .pq4fs)
        #expect(EncodingChoice.choose(vectorCount: 100_000, dimension: 256, availableMemoryBytes: 256 << 20).encoding == .sq8)
        #expect(EncodingChoice.choose(vectorCount: 100_000, dimension: 128, availableMemoryBytes: 256 << 20).encoding == .flat)
        let big = EncodingChoice.choose(vectorCount: 30_000_000, dimension: 1280, availableMemoryBytes: 1 << 40)
        #expect(big.encoding == .pq4fs && big.reason.contains("30000000"))
        #expect(EncodingChoice.defaultSubquantizers(.pq4fs, dimension: 784) == 196)
        #expect(EncodingChoice.defaultSubquantizers(.pq4fs, dimension: 1280) == 320)
        #expect(EncodingChoice.defaultSubquantizers(.pq, dimension: 784) == 98)
        #expect(EncodingChoice.defaultSubquantizers(.pq4fs, dimension: 30) == 10)  // dsub 3
        #expect(EncodingChoice.defaultSubquantizers(.flat, dimension: 784) == 0)
    }
}
