// Distance kernels: the innermost loops of every search, written with Swift SIMD types so they compile to
// AVX2/FMA on x86-64 (see Package.swift `vectorIndexSettings`). Hand-written because they are the product's
// core; BLAS is used where a matrix product wins (coarse quantizer for batches, k-means).
// All pointers here are valid for the stated element counts; callers own the memory.

// `acc += a · b` lane by lane: one fused multiply-add per lane where the build enables FMA.
#if VECTORINDEX_FMA
@inline(__always) func fusedAdd(_ acc: inout SIMD16<Float>, _ a: SIMD16<Float>, _ b: SIMD16<Float>) { acc.addProduct(a, b) }
@inline(__always) func fusedAdd(_ acc: inout SIMD8<Float>, _ a: SIMD8<Float>, _ b: SIMD8<Float>) { acc.addProduct(a, b) }
#else
@inline(__always) func fusedAdd(_ acc: inout SIMD16<Float>, _ a: SIMD16<Float>, _ b: SIMD16<Float>) { acc += a * b }
@inline(__always) func fusedAdd(_ acc: inout SIMD8<Float>, _ a: SIMD8<Float>, _ b: SIMD8<Float>) { acc += a * b }
#endif

@inline(__always)
func load16(_ p: UnsafePointer<Float>, _ i: Int) -> SIMD16<Float> {
    UnsafeRawPointer(p + i).loadUnaligned(as: SIMD16<Float>.self)
}

/// Eight bytes widened to eight floats. Written lane by lane on purpose: LLVM folds this into one
/// `vpmovzxbd ymm, [mem]` + `vcvtdq2ps`, whereas the stdlib's generic `SIMD8<Float>(SIMD8<UInt8>)`
/// is an out-of-line call that splits into 128-bit pieces (measured: 4× slower SQ8 scans).
@inline(__always)
func widen8(_ p: UnsafePointer<UInt8>, _ i: Int) -> SIMD8<Float> {
    let v = UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<UInt8>.self)
    var w = SIMD8<Int32>()
    for j in 0..<8 { w[j] = Int32(v[j]) }
    var f = SIMD8<Float>()
    for j in 0..<8 { f[j] = Float(w[j]) }
    return f
}

@inline(__always)
func load8(_ p: UnsafePointer<Float>, _ i: Int) -> SIMD8<Float> {
    UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Float>.self)
}

/// Horizontal sum as a tree (the stdlib's `sum()` adds lane by lane in sequence).
@inline(__always)
func horizontalSum(_ v: SIMD16<Float>) -> Float { horizontalSum(v.lowHalf + v.highHalf) }

@inline(__always)
func horizontalSum(_ v: SIMD8<Float>) -> Float {
    let h = v.lowHalf + v.highHalf
    let t = h.lowHalf + h.highHalf
    return t[0] + t[1]
}

enum Kernels {
    /// `Σ a[i]·b[i]` over `d` floats.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ d: Int) -> Float {
        var acc0 = SIMD16<Float>(), acc1 = SIMD16<Float>()
        var i = 0
        while i + 32 <= d {
            fusedAdd(&acc0, load16(a, i), load16(b, i))
            fusedAdd(&acc1, load16(a, i + 16), load16(b, i + 16))
            i += 32
        }
        if i + 16 <= d { fusedAdd(&acc0, load16(a, i), load16(b, i)); i += 16 }
        var s = horizontalSum(acc0 + acc1)
        while i < d { s += a[i] * b[i]; i += 1 }
        return s
    }

    /// `Σ (a[i]−b[i])²` over `d` floats.
    @inline(__always)
    static func l2Squared(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ d: Int) -> Float {
        var acc0 = SIMD16<Float>(), acc1 = SIMD16<Float>()
        var i = 0
        while i + 32 <= d {
            let x = load16(a, i) - load16(b, i), y = load16(a, i + 16) - load16(b, i + 16)
            fusedAdd(&acc0, x, x)
            fusedAdd(&acc1, y, y)
            i += 32
        }
        if i + 16 <= d { let x = load16(a, i) - load16(b, i); fusedAdd(&acc0, x, x); i += 16 }
        var s = horizontalSum(acc0 + acc1)
        while i < d { let x = a[i] - b[i]; s += x * x; i += 1 }
        return s
    }

    /// The score (higher is better) of one fp32 vector for `metric`.
    @inline(__always)
    static func score(_ metric: Metric, _ q: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ d: Int) -> Float {
        metric == .innerProduct ? dot(q, x, d) : -l2Squared(q, x, d)
    }

    /// Scores of `count` consecutive fp32 rows of `d` floats against `q` into `out[0..<count]`.
    static func scoreRows(_ metric: Metric, _ q: UnsafePointer<Float>, _ rows: UnsafePointer<Float>, count: Int, d: Int,
                          into out: UnsafeMutablePointer<Float>) {
        if metric == .innerProduct {
            for r in 0..<count { out[r] = dot(q, rows + r * d, d) }
        } else {
            for r in 0..<count { out[r] = -l2Squared(q, rows + r * d, d) }
        }
    }

    /// SQ8 inner product, decoded on the fly: `bias + Σ qs[i]·code[i]` for `count` rows of `d` bytes,
    /// where the caller folded the per-dimension scale into `qs` and `q·min` into `bias`.
    static func scoreSQ8InnerProduct(_ qs: UnsafePointer<Float>, bias: Float, _ codes: UnsafePointer<UInt8>,
                                     count: Int, d: Int, into out: UnsafeMutablePointer<Float>) {
        for r in 0..<count {
            let c = codes + r * d
            var acc0 = SIMD8<Float>(), acc1 = SIMD8<Float>(), acc2 = SIMD8<Float>(), acc3 = SIMD8<Float>()
            var i = 0
            while i + 32 <= d {
                fusedAdd(&acc0, load8(qs, i), widen8(c, i))
                fusedAdd(&acc1, load8(qs, i + 8), widen8(c, i + 8))
                fusedAdd(&acc2, load8(qs, i + 16), widen8(c, i + 16))
                fusedAdd(&acc3, load8(qs, i + 24), widen8(c, i + 24))
                i += 32
            }
            while i + 8 <= d { fusedAdd(&acc0, load8(qs, i), widen8(c, i)); i += 8 }
            var s = horizontalSum((acc0 + acc1) + (acc2 + acc3))
            while i < d { s += qs[i] * Float(c[i]); i += 1 }
            out[r] = bias + s
        }
    }

    /// SQ8 negated squared L2, decoded on the fly: `−Σ (qm[i] − scale[i]·code[i])²` where `qm = q − min`.
    static func scoreSQ8L2(_ qm: UnsafePointer<Float>, _ scale: UnsafePointer<Float>, _ codes: UnsafePointer<UInt8>,
                           count: Int, d: Int, into out: UnsafeMutablePointer<Float>) {
        for r in 0..<count {
            let c = codes + r * d
            var acc0 = SIMD8<Float>(), acc1 = SIMD8<Float>()
            var i = 0
            while i + 16 <= d {
                let x = load8(qm, i) - load8(scale, i) * widen8(c, i)
                let y = load8(qm, i + 8) - load8(scale, i + 8) * widen8(c, i + 8)
                fusedAdd(&acc0, x, x)
                fusedAdd(&acc1, y, y)
                i += 16
            }
            while i + 8 <= d { let x = load8(qm, i) - load8(scale, i) * widen8(c, i); fusedAdd(&acc0, x, x); i += 8 }
            var s = horizontalSum(acc0 + acc1)
            while i < d { let x = qm[i] - scale[i] * Float(c[i]); s += x * x; i += 1 }
            out[r] = -s
        }
    }
}
