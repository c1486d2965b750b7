/// Classic product quantisation: `m` sub-quantisers of 8 bits (256 centroids each), one byte per
/// sub-quantiser, of the residual `x − c(list)`. Scanning reads one float table entry per byte (tables of
/// `m × 256` floats per probed list and query). Scores are approximate; with stored fp32 vectors the
/// best candidates are re-ranked exactly. Parameters section: see ``ProductQuantizer``, then the optional
/// ``PQRotation`` (codes, tables and `residuals` then live in the rotated space; `residuals` holds the
/// rotated centroids, and queries are rotated once).
struct PQEncoding: RotatingPQEncoding {
    let pq: ProductQuantizer
    let residuals: Residuals
    var rotation: PQRotation? = nil
    var dimension: Int { pq.dimension }
    var kind: EncodingKind { .pq }
    var codeSize: Int { pq.m }
    var isExact: Bool { false }
    var needsListPreparation: Bool { true }

    func encode(_ vector: UnsafePointer<Float>, into code: UnsafeMutableRawPointer) {
        encode(vector, list: 0, into: code)
    }

    func encode(_ vector: UnsafePointer<Float>, list: Int, into code: UnsafeMutableRawPointer) {
        rotation.rotated(vector, dimension: dimension) { x in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: dimension) { r in
                residuals.residual(x, list: list, into: r.baseAddress!)
                pq.encode(r.baseAddress!, into: code.assumingMemoryBound(to: UInt8.self))
            }
        }
    }

    func decode(_ code: UnsafeRawPointer, into vector: UnsafeMutablePointer<Float>) {
        decode(code, list: 0, into: vector)
    }

    func decode(_ code: UnsafeRawPointer, list: Int, into vector: UnsafeMutablePointer<Float>) {
        rotation.unrotating(into: vector, dimension: dimension) { y in
            residuals.centroid(list, into: y)
            pq.addDecoded(code.assumingMemoryBound(to: UInt8.self), into: y)
        }
    }

    /// The (rotated) query itself; for inner product also its tables of `q·C` (they do not depend on the
    /// list; l2 tables are built per probed list).
    func prepareRotated(_ q: UnsafePointer<Float>, metric: Metric) -> PreparedQuery {
        var p = PreparedQuery(a: Array(UnsafeBufferPointer(start: q, count: dimension)), b: [], bias: 0)
        if metric == .innerProduct {
            p.b = [Float](repeating: 0, count: pq.m * pq.ksub)
            p.b.withUnsafeMutableBufferPointer { t in pq.tables(q, metric: metric, into: t.baseAddress!) }
        }
        return p
    }

    /// Tables for `list`: `‖(q − c)_s − C_sk‖²` (l2), or the query's `−q_s·C_sk` with bias `−q·c` (ip).
    func prepare(_ base: PreparedQuery, list: Int, metric: Metric, into out: inout PreparedQuery) {
        let d = dimension
        if metric == .innerProduct {
            out.b = base.b
            out.bias = base.a.withUnsafeBufferPointer { -residuals.dot($0.baseAddress!, list: list) }
            return
        }
        if out.b.count != pq.m * pq.ksub { out.b = [Float](repeating: 0, count: pq.m * pq.ksub) }
        if out.a.count != d { out.a = [Float](repeating: 0, count: d) }
        base.a.withUnsafeBufferPointer { q in
            out.a.withUnsafeMutableBufferPointer { y in
                residuals.residual(q.baseAddress!, list: list, into: y.baseAddress!)
                out.b.withUnsafeMutableBufferPointer { t in pq.tables(y.baseAddress!, metric: .l2, into: t.baseAddress!) }
            }
        }
        out.bias = 0
    }

    func score(_ prepared: PreparedQuery, metric: Metric, codes: UnsafeRawPointer, count: Int,
               into out: UnsafeMutablePointer<Float>) {
        let m = pq.m
        let c = codes.assumingMemoryBound(to: UInt8.self)
        prepared.b.withUnsafeBufferPointer { tp in
            let t = tp.baseAddress!
            for r in 0..<count {
                let row = c + r * m
                var s0: Float = 0, s1: Float = 0, s2: Float = 0, s3: Float = 0
                var s = 0
                while s + 4 <= m {
                    s0 += t[s * 256 + Int(row[s])]
                    s1 += t[(s + 1) * 256 + Int(row[s + 1])]
                    s2 += t[(s + 2) * 256 + Int(row[s + 2])]
                    s3 += t[(s + 3) * 256 + Int(row[s + 3])]
                    s += 4
                }
                while s < m { s0 += t[s * 256 + Int(row[s])]; s += 1 }
                out[r] = -(prepared.bias + (s0 + s1) + (s2 + s3))
            }
        }
    }
}
