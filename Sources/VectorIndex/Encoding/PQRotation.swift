import CBLAS
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A learned orthogonal rotation applied to residuals before product quantisation (OPQ: Ge, He, Ke, Sun,
/// "Optimized Product Quantization", TPAMI 2014; FAISS's `OPQMatrix`).
///
/// PQ cuts a vector into consecutive sub-vectors and spends the same bits on each. Real embeddings put
/// very different variance into different dimensions (ReLU features that are mostly zero, correlated
/// pixels), so some sub-quantisers waste their 16 or 256 centroids on nearly constant values while others
/// are starved. A rotation `R` spreads variance and decorrelates sub-spaces; because it is orthogonal,
/// `‖xR − yR‖ = ‖x − y‖` and `xR·yR = x·y`, so distances and inner products are unchanged and only the
/// quantisation error drops.
///
/// Training alternates (the non-parametric OPQ of the paper): rotate the residual sample, train the
/// codebooks on it, reconstruct, and set `R` to the orthogonal Procrustes solution `U·Vᵀ` of
/// `Xᵀ·Y = U·Σ·Vᵀ` (the rotation that brings `X` closest to its reconstruction `Y`). It starts from a
/// random rotation, which on its own already balances the sub-spaces. The SVD is LAPACK's `sgesdd` (in
/// OpenBLAS); the products are `sgemm`. Cost per iteration: three `n·d²` products and one `d³` SVD, e.g.
/// ~1 s at d = 784, n = 4,096 on one core.
///
/// Stored after the PQ codebooks in the encoding section: `d × d` fp32, row-major, flagged by bit 1 of the
/// index header's flags (see `IVFFileLayout`).
struct PQRotation: Sendable {
    let dimension: Int
    /// Row-major `d × d`; a vector `x` (a row) maps to `x·R`.
    let matrix: [Float]

    init(dimension: Int, matrix: [Float]) {
        precondition(matrix.count == dimension * dimension)
        self.dimension = dimension
        self.matrix = matrix
    }

    /// `x·R` into `out[0..<d]`.
    func rotate(_ x: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>) {
        let d = Int32(dimension)
        matrix.withUnsafeBufferPointer { r in
            cblas_sgemv(CblasRowMajor, CblasTrans, d, d, 1, r.baseAddress!, d, x, 1, 0, out, 1)
        }
    }

    /// `y·Rᵀ` (the inverse rotation) into `out[0..<d]`.
    func unrotate(_ y: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>) {
        let d = Int32(dimension)
        matrix.withUnsafeBufferPointer { r in
            cblas_sgemv(CblasRowMajor, CblasNoTrans, d, d, 1, r.baseAddress!, d, y, 1, 0, out, 1)
        }
    }

    /// The rows of `x` (`n × d`) rotated.
    func rotateRows(_ x: [Float]) -> [Float] {
        x.withUnsafeBufferPointer { rotateRows($0.baseAddress!, count: x.count / max(dimension, 1)) }
    }

    /// The `n` rows at `x` (`n × d`) rotated, with one matrix product (a batch of queries costs far less
    /// than `n` matrix-vector products, which read the whole matrix each).
    func rotateRows(_ x: UnsafePointer<Float>, count n: Int) -> [Float] {
        let d = dimension
        guard n > 0 else { return [] }
        var out = [Float](repeating: 0, count: n * d)
        matrix.withUnsafeBufferPointer { r in
            out.withUnsafeMutableBufferPointer { o in
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(d), Int32(d), 1,
                            x, Int32(d), r.baseAddress!, Int32(d), 0, o.baseAddress!, Int32(d))
            }
        }
        return out
    }

    // MARK: Training

    /// Learns a rotation and the codebooks that go with it from `residuals` (`n × d`, row-major):
    /// `iterations` rounds of (codebooks with `codebookIterations` k-means steps, then Procrustes), then
    /// the final codebooks trained as ``ProductQuantizer/train(dimension:m:ksub:residuals:seed:threads:pointsPerCentroid:)``
    /// trains them without a rotation.
    static func train(dimension d: Int, m: Int, ksub: Int, residuals x: [Float], seed: UInt64, threads: Int,
                      pointsPerCentroid: Int, iterations: Int = 8, codebookIterations: Int = 4) -> (PQRotation, ProductQuantizer) {
        var rotation = random(dimension: d, seed: seed)
        let n = x.count / max(d, 1)
        if n > 0 {
            for round in 0..<iterations {
                let rotated = rotation.rotateRows(x)
                let pq = ProductQuantizer.train(dimension: d, m: m, ksub: ksub, residuals: rotated, seed: seed &+ UInt64(round),
                                                threads: threads, pointsPerCentroid: pointsPerCentroid,
                                                iterations: codebookIterations)
                let reconstructed = pq.reconstructRows(rotated, threads: threads)
                // Procrustes: R = U·Vᵀ for Xᵀ·Y = U·Σ·Vᵀ minimises ‖X·R − Y‖ over rotations.
                var product = [Float](repeating: 0, count: d * d)
                x.withUnsafeBufferPointer { xp in
                    reconstructed.withUnsafeBufferPointer { yp in
                        product.withUnsafeMutableBufferPointer { p in
                            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(d), Int32(d), Int32(n), 1,
                                        xp.baseAddress!, Int32(d), yp.baseAddress!, Int32(d), 0, p.baseAddress!, Int32(d))
                        }
                    }
                }
                guard let next = orthogonalFactor(product, dimension: d) else { break }
                rotation = next
            }
        }
        let pq = ProductQuantizer.train(dimension: d, m: m, ksub: ksub, residuals: rotation.rotateRows(x), seed: seed,
                                        threads: threads, pointsPerCentroid: pointsPerCentroid)
        return (rotation, pq)
    }

    /// A random rotation (the orthogonal factor of a seeded Gaussian matrix).
    static func random(dimension d: Int, seed: UInt64) -> PQRotation {
        var generator = SplitMix64(seed: seed ^ 0x0BD1_5EED)
        var gaussian = [Float](repeating: 0, count: d * d)
        for i in stride(from: 0, to: d * d, by: 2) {
            // Box–Muller: two normal values from two uniform ones.
            let u = max(generator.unit(), 1e-300), v = generator.unit()
            let radius = (-2 * log(u)).squareRoot()
            gaussian[i] = Float(radius * cos(2 * .pi * v))
            if i + 1 < d * d { gaussian[i + 1] = Float(radius * sin(2 * .pi * v)) }
        }
        return orthogonalFactor(gaussian, dimension: d) ?? PQRotation(dimension: d, matrix: identity(d))
    }

    static func identity(_ d: Int) -> [Float] {
        var m = [Float](repeating: 0, count: d * d)
        for i in 0..<d { m[i * d + i] = 1 }
        return m
    }

    /// The orthogonal matrix `U·Vᵀ` nearest to `a` (`d × d`, row-major), from `a = U·Σ·Vᵀ`; nil when
    /// LAPACK fails.
    static func orthogonalFactor(_ a: [Float], dimension d: Int) -> PQRotation? {
        // LAPACK is column-major: it sees Aᵀ = V·Σ·Uᵀ, so its left vectors are V and its right ones Uᵀ, and
        // (its U)·(its Vᵀ) = V·Uᵀ = (U·Vᵀ)ᵀ in column-major order is U·Vᵀ in row-major order.
        var work = a
        var singular = [Float](repeating: 0, count: d)
        var left = [Float](repeating: 0, count: d * d), right = [Float](repeating: 0, count: d * d)
        var iwork = [Int32](repeating: 0, count: 8 * d)
        var size = Int32(d), info: Int32 = 0
        var query: Float = 0, lwork: Int32 = -1
        sgesdd_("A", &size, &size, &work, &size, &singular, &left, &size, &right, &size, &query, &lwork, &iwork, &info, 1)
        guard info == 0 else { return nil }
        lwork = Int32(query.rounded(.up))
        var scratch = [Float](repeating: 0, count: Int(max(1, lwork)))
        sgesdd_("A", &size, &size, &work, &size, &singular, &left, &size, &right, &size, &scratch, &lwork, &iwork, &info, 1)
        guard info == 0 else { return nil }
        var r = [Float](repeating: 0, count: d * d)
        cblas_sgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, size, size, size, 1, left, size, right, size, 0, &r, size)
        guard r.allSatisfy(\.isFinite) else { return nil }
        return PQRotation(dimension: d, matrix: r)
    }

    // MARK: Storage

    /// `d × d` fp32, little-endian.
    var bytes: [UInt8] {
        var w = ByteWriter()
        matrix.withUnsafeBufferPointer { w.floats($0) }
        return w.bytes
    }

    static func byteCount(dimension d: Int) -> Int { 4 * d * d }

    init(dimension d: Int, bytes: UnsafeRawBufferPointer, file: String) throws {
        guard bytes.count == Self.byteCount(dimension: d) else {
            throw VectorIndexError.corrupt(file, "the pq rotation has \(bytes.count) bytes, expected \(Self.byteCount(dimension: d))")
        }
        var r = ByteReader(bytes.baseAddress!, count: bytes.count, subject: file)
        var m = [Float]()
        m.reserveCapacity(d * d)
        for _ in 0..<(d * d) { m.append(Float(bitPattern: try r.u32())) }
        guard m.allSatisfy(\.isFinite) else { throw VectorIndexError.corrupt(file, "the pq rotation is not finite") }
        self.init(dimension: d, matrix: m)
    }
}

extension Optional where Wrapped == PQRotation {
    /// `body` given `x·R`, or `x` itself when there is no rotation.
    func rotated<T>(_ x: UnsafePointer<Float>, dimension d: Int, _ body: (UnsafePointer<Float>) -> T) -> T {
        guard let rotation = self else { return body(x) }
        return withUnsafeTemporaryAllocation(of: Float.self, capacity: d) { y in
            rotation.rotate(x, into: y.baseAddress!)
            return body(UnsafePointer(y.baseAddress!))
        }
    }

    /// `fill` writes a vector of the rotated space; `out` receives it rotated back (or `fill` writes `out`
    /// itself when there is no rotation).
    func unrotating(into out: UnsafeMutablePointer<Float>, dimension d: Int, _ fill: (UnsafeMutablePointer<Float>) -> Void) {
        guard let rotation = self else { return fill(out) }
        withUnsafeTemporaryAllocation(of: Float.self, capacity: d) { y in
            fill(y.baseAddress!)
            rotation.unrotate(y.baseAddress!, into: out)
        }
    }

    /// The encoding section's bytes after the codebooks: the matrix, or nothing.
    var bytes: [UInt8] { self?.bytes ?? [] }

    /// `prepare` applied to each of the `n` queries at `queries`, rotated first in one batch.
    func preparing(_ queries: UnsafePointer<Float>, count n: Int, dimension d: Int,
                   _ prepare: (UnsafePointer<Float>) -> PreparedQuery) -> [PreparedQuery] {
        guard let rotation = self else { return (0..<n).map { prepare(queries + $0 * d) } }
        let rotated = rotation.rotateRows(queries, count: n)
        return rotated.withUnsafeBufferPointer { r in (0..<n).map { prepare(r.baseAddress! + $0 * d) } }
    }
}
