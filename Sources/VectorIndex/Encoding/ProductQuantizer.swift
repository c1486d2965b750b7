import Parallelism

/// The codebooks of a product quantiser: the `d` dimensions are cut into `m` consecutive sub-vectors of
/// `dsub = d / m` values, each replaced by the index of its nearest of `ksub` centroids (16 for 4-bit
/// codes, 256 for 8-bit). Shared by ``PQEncoding`` (8-bit) and ``PQ4FastScanEncoding`` (4-bit).
///
/// Training: plain L2 k-means per sub-space (``KMeans`` with `.l2`, k-means++ seeding) on at most
/// `pointsPerCentroid × ksub` residuals of the coarse sample, so training memory is that sample
/// (`≤ 64·256·d` floats for 8-bit) and time is `O(iterations · n · ksub · d)` whatever `N` is.
///
/// Stored as `m × ksub × dsub` fp32 (little-endian) after the encoding section's two-word header.
struct ProductQuantizer: Sendable {
    let dimension: Int
    let m: Int
    let ksub: Int
    var dsub: Int { dimension / m }
    /// `m × ksub × dsub`, row-major.
    let codebooks: [Float]
    /// The same values as `m × dsub × ksub` (per sub-space, one row per coordinate), so tables and
    /// nearest-centroid searches run 16 centroids per SIMD operation.
    let transposed: [Float]

    init(dimension: Int, m: Int, ksub: Int, codebooks: [Float]) {
        precondition(m > 0 && dimension % m == 0 && codebooks.count == ksub * dimension && ksub % 16 == 0)
        self.dimension = dimension
        self.m = m
        self.ksub = ksub
        self.codebooks = codebooks
        let dsub = dimension / m
        var t = [Float](repeating: 0, count: codebooks.count)
        for s in 0..<m {
            for k in 0..<ksub {
                for j in 0..<dsub { t[(s * dsub + j) * ksub + k] = codebooks[(s * ksub + k) * dsub + j] }
            }
        }
        transposed = t
    }

    /// Trains the codebooks on `residuals` (`n × d`, row-major).
    static func train(dimension d: Int, m: Int, ksub: Int, residuals: [Float], seed: UInt64, threads: Int,
                      pointsPerCentroid: Int = 64, iterations: Int = 10) -> ProductQuantizer {
        let n = residuals.count / max(d, 1)
        let used = min(n, pointsPerCentroid * ksub)
        let dsub = d / m
        var codebooks = [Float](repeating: 0, count: ksub * d)
        for s in 0..<m {
            var sub = [Float](repeating: 0, count: used * dsub)
            for i in 0..<used {
                for j in 0..<dsub { sub[i * dsub + j] = residuals[i * d + s * dsub + j] }
            }
            let k = min(ksub, used)
            guard k > 0 else { break }
            var kmeans = KMeans(clusters: k, metric: .l2, iterations: iterations, seed: seed &+ UInt64(s), threads: threads)
            kmeans.seedingPointsPerCluster = 8
            let c = kmeans.train(sample: sub, dimension: dsub)
            // Fewer training points than centroids (tiny collections): repeat the trained ones.
            for kk in 0..<ksub {
                for j in 0..<dsub { codebooks[(s * ksub + kk) * dsub + j] = c[(kk % k) * dsub + j] }
            }
        }
        return ProductQuantizer(dimension: d, m: m, ksub: ksub, codebooks: codebooks)
    }

    /// The code (`m` centroid indexes) of the vector `x` into `codes[0..<m]`.
    func encode(_ x: UnsafePointer<Float>, into codes: UnsafeMutablePointer<UInt8>) {
        let dsub = self.dsub, ksub = self.ksub
        transposed.withUnsafeBufferPointer { tp in
            let t = tp.baseAddress!
            for s in 0..<m {
                var best = 0
                var bestDistance = Float.infinity
                var k0 = 0
                while k0 < ksub {
                    var acc = SIMD16<Float>()
                    for j in 0..<dsub {
                        let diff = SIMD16<Float>(repeating: x[s * dsub + j]) - load16(t + (s * dsub + j) * ksub, k0)
                        fusedAdd(&acc, diff, diff)
                    }
                    for l in 0..<16 where acc[l] < bestDistance { bestDistance = acc[l]; best = k0 + l }
                    k0 += 16
                }
                codes[s] = UInt8(best)
            }
        }
    }

    /// Each row of `x` (`n × d`) replaced by its nearest code's reconstruction (OPQ training).
    func reconstructRows(_ x: [Float], threads: Int) -> [Float] {
        let d = dimension, n = x.count / max(d, 1)
        var out = [Float](repeating: 0, count: n * d)
        x.withUnsafeBufferPointer { xp in
            out.withUnsafeMutableBufferPointer { op in
                let o = SendableBox(op.baseAddress!)
                let source = SendableBox(xp.baseAddress!)
                let pq = self
                Parallel.chunks(total: n, chunk: 256, threads: threads) { range, _ in
                    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: pq.m) { codes in
                        for i in range {
                            pq.encode(source.value + i * d, into: codes.baseAddress!)
                            pq.addDecoded(codes.baseAddress!, into: o.value + i * d)
                        }
                    }
                }
            }
        }
        return out
    }

    /// Adds the centroids named by `codes` into `out[0..<d]`.
    func addDecoded(_ codes: UnsafePointer<UInt8>, into out: UnsafeMutablePointer<Float>) {
        let dsub = self.dsub
        codebooks.withUnsafeBufferPointer { cb in
            for s in 0..<m {
                let c = cb.baseAddress! + (s * ksub + Int(codes[s])) * dsub
                for j in 0..<dsub { out[s * dsub + j] += c[j] }
            }
        }
    }

    /// Distance tables for `y` into `out[m × ksub]` (lower is better): `‖y_s − C_sk‖²` for `.l2`,
    /// `−y_s·C_sk` for inner product.
    func tables(_ y: UnsafePointer<Float>, metric: Metric, into out: UnsafeMutablePointer<Float>) {
        let dsub = self.dsub, ksub = self.ksub
        transposed.withUnsafeBufferPointer { tp in
            let t = tp.baseAddress!
            for s in 0..<m {
                var k0 = 0
                while k0 < ksub {
                    var acc = SIMD16<Float>()
                    if metric == .l2 {
                        for j in 0..<dsub {
                            let diff = SIMD16<Float>(repeating: y[s * dsub + j]) - load16(t + (s * dsub + j) * ksub, k0)
                            fusedAdd(&acc, diff, diff)
                        }
                    } else {
                        for j in 0..<dsub {
                            fusedAdd(&acc, SIMD16<Float>(repeating: -y[s * dsub + j]), load16(t + (s * dsub + j) * ksub, k0))
                        }
                    }
                    UnsafeMutableRawPointer(out + s * ksub + k0).storeBytes(of: acc, as: SIMD16<Float>.self)
                    k0 += 16
                }
            }
        }
    }

    // MARK: Storage

    /// `m u32, bits u32`, then the codebooks.
    var parameters: [UInt8] {
        var w = ByteWriter()
        w.u32(UInt32(m))
        w.u32(ksub == 16 ? 4 : 8)
        codebooks.withUnsafeBufferPointer { w.floats($0) }
        return w.bytes
    }

    static func parameterBytes(dimension d: Int, ksub: Int) -> Int { 8 + 4 * ksub * d }

    init(dimension d: Int, m: Int, ksub: Int, parameters: UnsafeRawBufferPointer, file: String) throws {
        guard parameters.count == Self.parameterBytes(dimension: d, ksub: ksub) else {
            throw VectorIndexError.corrupt(file, "pq parameters have \(parameters.count) bytes, expected \(Self.parameterBytes(dimension: d, ksub: ksub))")
        }
        var r = ByteReader(parameters.baseAddress!, count: parameters.count, subject: file)
        let storedM = Int(try r.u32()), bits = Int(try r.u32())
        guard storedM == m, bits == (ksub == 16 ? 4 : 8) else {
            throw VectorIndexError.corrupt(file, "pq parameters describe \(storedM) × \(bits)-bit codes, the header \(m) × \(ksub == 16 ? 4 : 8)")
        }
        var cb = [Float]()
        cb.reserveCapacity(ksub * d)
        for _ in 0..<(ksub * d) { cb.append(Float(bitPattern: try r.u32())) }
        guard cb.allSatisfy(\.isFinite) else { throw VectorIndexError.corrupt(file, "pq codebooks are not finite") }
        self.init(dimension: d, m: m, ksub: ksub, codebooks: cb)
    }
}
