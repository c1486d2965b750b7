import CPQKernels
import SearchTesting
import Testing
@testable import VectorIndex

/// The SQ8 scan: query weights quantised to 16-bit integers, rows scored by exact integer dot products
/// (AVX-512, AVX2 and portable kernels bit-identical), and for L2 the expansion with per-row terms — all equal to
/// the direct float evaluation of the decoded vectors within float rounding.
@Suite struct SQ8ScanTests {
    /// Random codes and weights (dimensions that are and are not multiples of 16, the largest weights
    /// allowed): the AVX2 and AVX-512 kernels equal the portable one bit for bit, and both equal the sum in Int64.
    @Test func kernelsAreExactIntegerSums() {
        var rng = RandomVectors.Generator(seed: 11)
        for d in [1, 15, 16, 31, 32, 33, 63, 64, 65, 96, 384, 784, 1280, 4099] {
            let rows = 7
            let codes = (0..<(rows * d)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            let floats = (0..<d).map { i in i % 5 == 0 ? Float(-3.5) : Float(Int(rng.next() % 2001) - 1000) / 300 }
            var weights = [Int16](repeating: 0, count: d)
            let step = vs_sq8_quantise_weights(floats, d, &weights)
            #expect(step > 0)
            // Quantisation: within half a step, and the largest weight maps to the top value.
            for i in 0..<d { #expect(abs(Float(weights[i]) * step - floats[i]) <= 0.5 * step * 1.0001) }
            var portable = [Float](repeating: .nan, count: rows)
            vs_sq8_scan_portable(codes, rows, d, weights, step, 2, &portable)
            for r in 0..<rows {
                var sum: Int64 = 0
                for i in 0..<d { sum += Int64(codes[r * d + i]) * Int64(weights[i]) }
                #expect(portable[r] == 2 + step * Float(sum), "d \(d) row \(r)")
            }
            if PQKernelISA.avx2.isSupported {
                var avx2 = [Float](repeating: .nan, count: rows)
                vs_sq8_scan_avx2(codes, rows, d, weights, step, 2, &avx2)
                #expect(avx2 == portable, "d \(d)")
            }
            if PQKernelISA.avx512.isSupported {
                var avx512 = [Float](repeating: .nan, count: rows)
                vs_sq8_scan_avx512(codes, rows, d, weights, step, 2, &avx512)
                #expect(avx512 == portable, "d \(d)")
            }
        }
    }

    /// The largest sums the weight bound allows (every code 255, every weight at the top value): no kernel's
    /// int32 lanes overflow, so all equal the Int64 sum.
    @Test func largestSumsDoNotOverflow() {
        for d in [64, 1280, 4099, 65_535] {
            let codes = [UInt8](repeating: 255, count: d)
            var weights = [Int16](repeating: 0, count: d)
            let step = vs_sq8_quantise_weights([Float](repeating: -1, count: d), d, &weights)
            let exact = Float(Int64(d) * 255 * Int64(weights[0]))
            var portable: Float = .nan, avx2: Float = .nan, avx512: Float = .nan
            vs_sq8_scan_portable(codes, 1, d, weights, step, 0, &portable)
            #expect(portable == step * exact, "d \(d)")
            if PQKernelISA.avx2.isSupported {
                vs_sq8_scan_avx2(codes, 1, d, weights, step, 0, &avx2)
                #expect(avx2 == portable, "d \(d)")
            }
            if PQKernelISA.avx512.isSupported {
                vs_sq8_scan_avx512(codes, 1, d, weights, step, 0, &avx512)
                #expect(avx512 == portable, "d \(d)")
            }
        }
    }

    /// Scores of an SQ8 encoding for both metrics, through the integer scan (and the L2 row terms), against
    /// the exact score of each decoded vector.
    @Test(arguments: [Metric.innerProduct, .l2])
    func scoresMatchTheDecodedVectors(metric: Metric) {
        let d = TestData.dimension, rows = 300
        let sample = Array(TestData.base[0..<(2000 * d)])
        let encoding = SQ8Encoding.train(dimension: d, sample: sample)
        var codes = [UInt8](repeating: 0, count: rows * d)
        codes.withUnsafeMutableBytes { c in
            for r in 0..<rows { encoding.encode(TestData.base.withUnsafeBufferPointer { $0.baseAddress! + r * d }, into: c.baseAddress! + r * d) }
        }
        for q in 0..<5 {
            let query = Array(TestData.queries[(q * d)..<((q + 1) * d)])
            let prepared = query.withUnsafeBufferPointer { encoding.prepare($0.baseAddress!, metric: metric) }
            var scores = [Float](repeating: .nan, count: rows), withTerms = scores
            codes.withUnsafeBytes { c in
                encoding.score(prepared, metric: metric, codes: c.baseAddress!, count: rows, into: &scores)
                let terms = (0..<rows).map { encoding.rowTerm(c.baseAddress! + $0 * d) }
                encoding.score(prepared, metric: metric, codes: c.baseAddress!, count: rows, rowTerms: terms, into: &withTerms)
            }
            #expect(encoding.usesRowTerms(metric) == (metric == .l2))
            var decoded = [Float](repeating: 0, count: d)
            for r in 0..<rows {
                codes.withUnsafeBytes { encoding.decode($0.baseAddress! + r * d, into: &decoded) }
                let exact = query.withUnsafeBufferPointer { q in decoded.withUnsafeBufferPointer { Kernels.score(metric, q.baseAddress!, $0.baseAddress!, d) } }
                let tolerance = 1e-3 * max(1, abs(exact))
                #expect(abs(scores[r] - exact) <= tolerance, "\(metric) query \(q) row \(r): \(scores[r]) vs \(exact)")
                #expect(abs(withTerms[r] - exact) <= tolerance, "\(metric) query \(q) row \(r) with row terms: \(withTerms[r]) vs \(exact)")
            }
        }
    }

    /// An L2 sq8 index fills its row terms lazily on the first probe of each list, from several threads at
    /// once, or in `verify()`: whichever happens, every search scores the same (identical results, without
    /// re-ranking so the sq8 scores themselves are compared).
    @Test func rowTermsDoNotDependOnWhoComputesThem() throws {
        let dir = try TemporaryDirectory("sq8-row-terms")
        defer { dir.remove() }
        try TestData.build(dir.path, metric: .l2, encoding: .sq8)
        let options = SearchOptions(nprobe: 16, threads: 2, rerankFactor: 0)
        let lazy = try IVFIndex.open(directory: dir.path)
        let first = try lazy.search(batch: TestData.queries, k: 10, options: options)
        let again = try lazy.search(batch: TestData.queries, k: 10, options: options)
        let verified = try IVFIndex.open(directory: dir.path)
        try verified.verify(threads: 2)
        let afterVerify = try verified.search(batch: TestData.queries, k: 10, options: options)
        #expect(first.map { $0.map(\.id) } == again.map { $0.map(\.id) })
        #expect(first.map { $0.map(\.score) } == again.map { $0.map(\.score) })
        #expect(first.map { $0.map(\.score) } == afterVerify.map { $0.map(\.score) })
    }
}
