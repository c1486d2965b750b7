import CPQKernels

/// Product quantisation with 4-bit codes in the fast-scan layout: `m` sub-quantisers (`m` even) of 16
/// centroids, `m/2` bytes per vector, of the residual `x − c(list)`.
///
/// Storage: each list's codes are its full blocks of 32 vectors in the interleaved block layout of
/// `CPQKernels.h` (`16·m` bytes per block), then its last `count % 32` codes as rows (`m/2` bytes, two
/// nibbles per byte), so the file holds exactly `m/2` bytes per vector (`IVFFileLayout.compactTails`;
/// files written before it pad the last block with zero codes, which searches score but never report).
/// Codes added through the log are rows too. Rows are scored by a portable loop: at most 31 a list.
///
/// Scanning: per probed list and query, the `m × 16` float distance tables are quantised to bytes
/// (per-table offset, one common scale, entries ≤ min(255, 65535 / m) so 16-bit sums cannot overflow) and
/// the blocks are scored by the `PQKernelISA.preferred` kernel; rows by a portable loop. Scores carry the
/// table quantisation error, so re-ranking with stored fp32 vectors is what makes results exact.
///
/// With an optional ``PQRotation`` (OPQ), codes, tables and `residuals` live in the rotated space:
/// `residuals` holds the rotated centroids, vectors are rotated before encoding and queries once.
struct PQ4FastScanEncoding: RotatingPQEncoding {
    let pq: ProductQuantizer
    let residuals: Residuals
    var rotation: PQRotation? = nil
    var kernel: PQKernelISA = .preferred
    var dimension: Int { pq.dimension }
    var kind: EncodingKind { .pq4fs }
    var codeSize: Int { pq.m / 2 }
    var isExact: Bool { false }
    var needsListPreparation: Bool { true }

    init(pq: ProductQuantizer, residuals: Residuals, rotation: PQRotation? = nil) {
        precondition(pq.ksub == 16 && pq.m % 2 == 0)
        self.pq = pq
        self.residuals = residuals
        self.rotation = rotation
    }

    // MARK: Codes

    func encode(_ vector: UnsafePointer<Float>, into code: UnsafeMutableRawPointer) {
        encode(vector, list: 0, into: code)
    }

    /// Row layout: sub-quantiser `2i` in the low nibble of byte `i`, `2i + 1` in the high nibble.
    func encode(_ vector: UnsafePointer<Float>, list: Int, into code: UnsafeMutableRawPointer) {
        let m = pq.m
        rotation.rotated(vector, dimension: dimension) { x in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: dimension) { r in
                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: m) { c in
                    residuals.residual(x, list: list, into: r.baseAddress!)
                    pq.encode(r.baseAddress!, into: c.baseAddress!)
                    let out = code.assumingMemoryBound(to: UInt8.self)
                    for i in 0..<(m / 2) { out[i] = c[2 * i] | c[2 * i + 1] << 4 }
                }
            }
        }
    }

    func decode(_ code: UnsafeRawPointer, into vector: UnsafeMutablePointer<Float>) {
        decode(code, list: 0, into: vector)
    }

    func decode(_ code: UnsafeRawPointer, list: Int, into vector: UnsafeMutablePointer<Float>) {
        let m = pq.m
        let b = code.assumingMemoryBound(to: UInt8.self)
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: m) { c in
            for i in 0..<(m / 2) { c[2 * i] = b[i] & 15; c[2 * i + 1] = b[i] >> 4 }
            rotation.unrotating(into: vector, dimension: dimension) { y in
                residuals.centroid(list, into: y)
                pq.addDecoded(c.baseAddress!, into: y)
            }
        }
    }

    /// Rewrites the full 32-row blocks of a list written row by row into the block layout, in place (the
    /// writer passes padded lists, so every row is in a block; a shorter tail would stay rows).
    func arrangeList(_ codes: UnsafeMutableRawPointer, count: Int) {
        let m = pq.m, blockBytes = 16 * m
        let p = codes.assumingMemoryBound(to: UInt8.self)
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: blockBytes) { tmp in
            for b in 0..<(count / 32) {
                let block = p + b * blockBytes
                tmp.baseAddress!.update(from: block, count: blockBytes)
                for s in 0..<m {
                    let shift = UInt8(4 * (s & 1))
                    for j in 0..<16 {
                        let lo = (tmp[j * (m / 2) + s / 2] >> shift) & 15
                        let hi = (tmp[(j + 16) * (m / 2) + s / 2] >> shift) & 15
                        block[s * 16 + j] = lo | hi << 4
                    }
                }
            }
        }
    }

    /// Decodes row `row` of a list of `count` codes stored by ``arrangeList(_:count:)``.
    func decode(listCodes: UnsafeRawPointer, row: Int, count: Int, list: Int, into vector: UnsafeMutablePointer<Float>) {
        let m = pq.m
        let full = count / 32 * 32
        guard row < full else { return decode(listCodes + row * codeSize, list: list, into: vector) }
        let block = listCodes.assumingMemoryBound(to: UInt8.self) + (row / 32) * 16 * m
        let j = row % 32
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: m / 2) { rowCode in
            for i in 0..<(m / 2) {
                let a = block[(2 * i) * 16 + j % 16], b = block[(2 * i + 1) * 16 + j % 16]
                let ca = j < 16 ? a & 15 : a >> 4, cb = j < 16 ? b & 15 : b >> 4
                rowCode[i] = ca | cb << 4
            }
            decode(UnsafeRawPointer(rowCode.baseAddress!), list: list, into: vector)
        }
    }

    // MARK: Queries

    /// The (rotated) query; for inner product also its byte tables (they do not depend on the list).
    func prepareRotated(_ q: UnsafePointer<Float>, metric: Metric) -> PreparedQuery {
        var p = PreparedQuery(a: Array(UnsafeBufferPointer(start: q, count: dimension)), b: [], bias: 0)
        if metric == .innerProduct { quantiseTables(q, metric: metric, into: &p) }
        return p
    }

    /// Byte tables for `list`: from `q − c` (l2), or the query's with bias `−q·c` added (ip).
    func prepare(_ base: PreparedQuery, list: Int, metric: Metric, into out: inout PreparedQuery) {
        if metric == .innerProduct {
            out.lut = base.lut
            out.scale = base.scale
            out.bias = base.bias - base.a.withUnsafeBufferPointer { residuals.dot($0.baseAddress!, list: list) }
            return
        }
        let d = dimension
        if out.a.count != d { out.a = [Float](repeating: 0, count: d) }
        base.a.withUnsafeBufferPointer { q in
            out.a.withUnsafeMutableBufferPointer { y in residuals.residual(q.baseAddress!, list: list, into: y.baseAddress!) }
        }
        let y = out.a
        y.withUnsafeBufferPointer { quantiseTables($0.baseAddress!, metric: .l2, into: &out) }
    }

    /// Float tables of `y` quantised to bytes: `lut[s][k] = round((T[s][k] − min_s) / scale)`, so that
    /// `Σ_s T[s][code_s] ≈ bias + scale · Σ_s lut[s][code_s]` with `bias = Σ_s min_s` (C, `CPQKernels.h`).
    func quantiseTables(_ y: UnsafePointer<Float>, metric: Metric, into out: inout PreparedQuery) {
        let m = pq.m
        if out.lut.count != m * 16 { out.lut = [UInt8](repeating: 0, count: m * 16) }
        var bias: Float = 0, scale: Float = 0
        withUnsafeTemporaryAllocation(of: Float.self, capacity: m * 16) { t in
            pq.transposed.withUnsafeBufferPointer { cbt in
                out.lut.withUnsafeMutableBufferPointer { lut in
                    if kernel == .portable {
                        vs_pq4_lut_portable(y, cbt.baseAddress!, m, pq.dsub, metric == .l2 ? 1 : 0, t.baseAddress!,
                                            lut.baseAddress!, &bias, &scale)
                    } else {
                        vs_pq4_lut_avx2(y, cbt.baseAddress!, m, pq.dsub, metric == .l2 ? 1 : 0, t.baseAddress!,
                                        lut.baseAddress!, &bias, &scale)
                    }
                }
            }
        }
        out.bias = bias
        out.scale = scale
    }

    /// Scores (`−(bias + scale·Σ lut)`) of a run of codes: its full blocks by the SIMD kernel, the rest
    /// as rows.
    func score(_ prepared: PreparedQuery, metric: Metric, codes: UnsafeRawPointer, count: Int,
               into out: UnsafeMutablePointer<Float>) {
        let m = pq.m, blocks = count / 32
        let c = codes.assumingMemoryBound(to: UInt8.self)
        prepared.lut.withUnsafeBufferPointer { lut in
            if blocks > 0 {
                kernel.scanBlocks(c, blocks: blocks, lut: lut.baseAddress!, m: m, bias: -prepared.bias, scale: prepared.scale,
                                  into: out)
            }
            if count > blocks * 32 {
                vs_pq4_scan_rows(c + blocks * 16 * m, count - blocks * 32, lut.baseAddress!, m, -prepared.bias,
                                 prepared.scale, out + blocks * 32)
            }
        }
    }
}
