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

    func prepare(_ query: UnsafePointer<Float>, metric: Metric) -> PreparedQuery {
        if metric == .innerProduct {
            var bias: Float = 0
            var qs = [Float](repeating: 0, count: dimension)
            for i in 0..<dimension {
                qs[i] = query[i] * scale[i]
                bias += query[i] * minimum[i]
            }
            return PreparedQuery(a: qs, b: [], bias: bias)
        }
        var qm = [Float](repeating: 0, count: dimension)
        for i in 0..<dimension { qm[i] = query[i] - minimum[i] }
        return PreparedQuery(a: qm, b: scale, bias: 0)
    }

    func score(_ prepared: PreparedQuery, metric: Metric, codes: UnsafeRawPointer, count: Int,
               into out: UnsafeMutablePointer<Float>) {
        let c = codes.assumingMemoryBound(to: UInt8.self)
        prepared.a.withUnsafeBufferPointer { a in
            if metric == .innerProduct {
                Kernels.scoreSQ8InnerProduct(a.baseAddress!, bias: prepared.bias, c, count: count, d: dimension, into: out)
            } else {
                prepared.b.withUnsafeBufferPointer { s in
                    Kernels.scoreSQ8L2(a.baseAddress!, s.baseAddress!, c, count: count, d: dimension, into: out)
                }
            }
        }
    }
}
