import CPQKernels

/// Per-dimension 8-bit scalar quantisation: `code[i] = round((x[i] − min[i]) / scale[i])` clamped to
/// `0...255`, decoded as `min[i] + scale[i]·code[i]`. `min`/`scale` come from the training sample's
/// per-dimension range. Parameters section: `min[d]` then `scale[d]`, little-endian fp32.
struct SQ8Encoding: VectorEncoding {
    let dimension: Int
    let minimum: [Float]
    let scale: [Float]
    var kind: EncodingKind { .sq8 }
    var codeSize: Int { dimension }
    var isExact: Bool { false }

    init(dimension: Int, minimum: [Float], scale: [Float]) {
        self.dimension = dimension
        self.minimum = minimum
        self.scale = scale
    }

    static func train(dimension d: Int, sample: [Float]) -> SQ8Encoding {
        let n = sample.count / max(d, 1)
        var lo = [Float](repeating: .infinity, count: d), hi = [Float](repeating: -.infinity, count: d)
        for r in 0..<n {
            for i in 0..<d {
                let x = sample[r * d + i]
                lo[i] = min(lo[i], x)
                hi[i] = max(hi[i], x)
            }
        }
        var scale = [Float](repeating: 1, count: d)
        for i in 0..<d {
            if n == 0 || !lo[i].isFinite { lo[i] = 0; hi[i] = 0 }
            // Widen the trained range slightly: vectors added later may fall just outside the sample's range.
            let span = hi[i] - lo[i]
            lo[i] -= span * 0.001
            scale[i] = span > 0 ? span * 1.002 / 255 : 1e-12
        }
        return SQ8Encoding(dimension: d, minimum: lo, scale: scale)
    }

    init(dimension d: Int, parameters: UnsafeRawBufferPointer, file: String) throws {
        guard parameters.count == 8 * d else {
            throw VectorIndexError.corrupt(file, "sq8 parameters have \(parameters.count) bytes, expected \(8 * d)")
        }
        var r = ByteReader(parameters.baseAddress!, count: parameters.count, subject: file)
        var lo = [Float](), sc = [Float]()
        for _ in 0..<d { lo.append(Float(bitPattern: try r.u32())) }
        for _ in 0..<d { sc.append(Float(bitPattern: try r.u32())) }
        guard lo.allSatisfy(\.isFinite), sc.allSatisfy({ $0.isFinite && $0 > 0 }) else {
            throw VectorIndexError.corrupt(file, "sq8 parameters are not finite and positive")
        }
        self.init(dimension: d, minimum: lo, scale: sc)
    }

    var parameters: [UInt8] {
        var w = ByteWriter()
        for x in minimum { w.f32(x) }
        for x in scale { w.f32(x) }
        return w.bytes
    }

    func encode(_ vector: UnsafePointer<Float>, into code: UnsafeMutableRawPointer) {
        let c = code.assumingMemoryBound(to: UInt8.self)
        for i in 0..<dimension {
            let v = ((vector[i] - minimum[i]) / scale[i]).rounded()
            c[i] = v.isNaN ? 0 : UInt8(min(255, max(0, v)))
        }
    }

    func decode(_ code: UnsafeRawPointer, into vector: UnsafeMutablePointer<Float>) {
        let c = code.assumingMemoryBound(to: UInt8.self)
        for i in 0..<dimension { vector[i] = minimum[i] + scale[i] * Float(c[i]) }
    }

    /// Inner product: `q·x̂ = q·min + Σ (q_i·scale_i)·c_i`, weights `q·scale` and bias `q·min`.
    /// L2: `a = q − min`, `b = scale` for the direct scan (`−Σ (a_i − b_i·c_i)²`, used for rows without a row
    /// term), and for the scan with row terms (``rowTerm(_:)``) weights `2·a·scale` with `weightBias = −‖a‖²`.
    /// Weights are quantised to 16-bit integers once per query (relative error ≤ 2⁻¹⁶ of the largest), so
    /// each row is an exact integer dot product with its codes (`CPQKernels`' `vs_sq8_scan_*`).
    func prepare(_ query: UnsafePointer<Float>, metric: Metric) -> PreparedQuery {
        let d = dimension
        var prepared: PreparedQuery
        var weights = [Float](repeating: 0, count: d)
        if metric == .innerProduct {
            let bias = minimum.withUnsafeBufferPointer { Kernels.dot(query, $0.baseAddress!, d) }
            weights.withUnsafeMutableBufferPointer { w in
                scale.withUnsafeBufferPointer { s in for i in 0..<d { w[i] = query[i] * s[i] } }
            }
            prepared = PreparedQuery(a: [], b: [], bias: bias)
        } else {
            var qm = [Float](repeating: 0, count: d)
            qm.withUnsafeMutableBufferPointer { a in
                weights.withUnsafeMutableBufferPointer { w in
                    scale.withUnsafeBufferPointer { s in
                        minimum.withUnsafeBufferPointer { m in
                            for i in 0..<d {
                                a[i] = query[i] - m[i]
                                w[i] = 2 * a[i] * s[i]
                            }
                        }
                    }
                }
            }
            prepared = PreparedQuery(a: qm, b: scale, bias: 0)
            prepared.weightBias = qm.withUnsafeBufferPointer { -Kernels.dot($0.baseAddress!, $0.baseAddress!, d) }
        }
        var step: Float = 0
        prepared.integerWeights = [Int16](unsafeUninitializedCapacity: dimension) { out, n in
            step = vs_sq8_quantise_weights(weights, dimension, out.baseAddress!)
            n = dimension
        }
        prepared.weightStep = step
        return prepared
    }

    // L2 with row terms: ‖qm − scale∘c‖² = ‖qm‖² − 2·Σ qm_i·scale_i·c_i + Σ (scale_i·c_i)², the last sum a
    // constant of the row. The scan is then the inner-product scan, the same value up to float rounding.

    func usesRowTerms(_ metric: Metric) -> Bool { metric == .l2 }

    /// `Σ (scale_i·c_i)²`.
    func rowTerm(_ code: UnsafeRawPointer) -> Float {
        let c = code.assumingMemoryBound(to: UInt8.self)
        let d = dimension
        return scale.withUnsafeBufferPointer { sp in
            let s = sp.baseAddress!
            var acc = SIMD8<Float>()
            var i = 0
            while i + 8 <= d {
                let x = load8(s, i) * widen8(c, i)
                fusedAdd(&acc, x, x)
                i += 8
            }
            var sum = horizontalSum(acc)
            while i < d {
                let x = s[i] * Float(c[i])
                sum += x * x
                i += 1
            }
            return sum
        }
    }

    func score(_ prepared: PreparedQuery, metric: Metric, codes: UnsafeRawPointer, count: Int, rowTerms: UnsafePointer<Float>,
               into out: UnsafeMutablePointer<Float>) {
        guard metric == .l2 else { return score(prepared, metric: metric, codes: codes, count: count, into: out) }
        scan(prepared, codes: codes, count: count, bias: prepared.weightBias, into: out)
        for r in 0..<count { out[r] -= rowTerms[r] }
    }

    func score(_ prepared: PreparedQuery, metric: Metric, codes: UnsafeRawPointer, count: Int,
               into out: UnsafeMutablePointer<Float>) {
        if metric == .innerProduct { return scan(prepared, codes: codes, count: count, bias: prepared.bias, into: out) }
        prepared.a.withUnsafeBufferPointer { a in
            prepared.b.withUnsafeBufferPointer { s in
                Kernels.scoreSQ8L2(a.baseAddress!, s.baseAddress!, codes.assumingMemoryBound(to: UInt8.self), count: count,
                                   d: dimension, into: out)
            }
        }
    }

    /// `bias + weightStep · Σ integerWeights[i]·c_i` per row, with the widest kernel the CPU has (all
    /// three are bit-identical; ``PQKernelISA/preferred``, so `VSEARCH_PQ_KERNELS` picks one).
    private func scan(_ prepared: PreparedQuery, codes: UnsafeRawPointer, count: Int, bias: Float,
                      into out: UnsafeMutablePointer<Float>) {
        let c = codes.assumingMemoryBound(to: UInt8.self)
        prepared.integerWeights.withUnsafeBufferPointer { w in
            switch PQKernelISA.preferred {
            case .avx512: vs_sq8_scan_avx512(c, count, dimension, w.baseAddress!, prepared.weightStep, bias, out)
            case .avx2: vs_sq8_scan_avx2(c, count, dimension, w.baseAddress!, prepared.weightStep, bias, out)
            case .portable: vs_sq8_scan_portable(c, count, dimension, w.baseAddress!, prepared.weightStep, bias, out)
            }
        }
    }
}
