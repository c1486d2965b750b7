import Dispatch

extension TransformerKernels {
    /// Below this many rows `linear` multiplies directly instead of calling BLAS: OpenBLAS packs the
    /// whole weight matrix on every call, which for a handful of tokens (a one-sentence query) costs as
    /// much as the multiplication itself. ONNX Runtime avoids the same cost by pre-packing weights.
    public static let smallBatchRows = 24

    /// `output[rows, out] (+)= input[rows, in] · weightᵀ` (weight `out × in` row-major) for few rows:
    /// each weight row is streamed from memory once and dotted with every input row while it is in
    /// registers/L1. Blocks of 4 weight rows × 2 input rows keep 8 `SIMD8` accumulators (FMA) live.
    /// Output columns are split across `threads` (Dispatch) when more than one.
    public static func smallBatchLinear(
        rows m: Int, inFeatures k: Int, outFeatures n: Int,
        input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        output: UnsafeMutablePointer<Float>, accumulate: Bool, threads: Int = 1
    ) {
        let parts = max(1, min(threads, n / 64))
        if parts == 1 {
            smallBatchLinearColumns(0..<n, m: m, k: k, n: n, input: input, weight: weight, output: output, accumulate: accumulate)
            return
        }
        // Each part writes its own disjoint column range of `output`.
        let chunk = ((n + parts - 1) / parts + 3) / 4 * 4  // covers n; multiples of 4 keep blocks whole
        let shared = SharedBuffers(input: input, weight: weight, output: output)
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            let columns = min(n, part * chunk)..<min(n, (part + 1) * chunk)
            smallBatchLinearColumns(columns, m: m, k: k, n: n, input: shared.input, weight: shared.weight,
                                    output: shared.output, accumulate: accumulate)
        }
    }

    static func smallBatchLinearColumns(
        _ columns: Range<Int>, m: Int, k: Int, n: Int,
        input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        output: UnsafeMutablePointer<Float>, accumulate: Bool
    ) {
        let vectorK = k / 8 * 8
        /// Dot product tail (k not a multiple of 8) of input row `r` with weight row `c`.
        @inline(__always) func tail(_ r: Int, _ c: Int) -> Float {
            var s: Float = 0
            var j = vectorK
            while j < k { s += input[r * k + j] * weight[c * k + j]; j += 1 }
            return s
        }
        @inline(__always) func store(_ r: Int, _ c: Int, _ value: Float) {
            let index = r * n + c
            output[index] = accumulate ? output[index] + value : value
        }
        var c = columns.lowerBound
        while c + 4 <= columns.upperBound {
            let w0 = weight + c * k, w1 = w0 + k, w2 = w1 + k, w3 = w2 + k
            var r = 0
            while r + 2 <= m {
                let x0 = input + r * k, x1 = x0 + k
                var a00 = SIMD8<Float>(), a01 = SIMD8<Float>(), a02 = SIMD8<Float>(), a03 = SIMD8<Float>()
                var a10 = SIMD8<Float>(), a11 = SIMD8<Float>(), a12 = SIMD8<Float>(), a13 = SIMD8<Float>()
                var j = 0
                while j < vectorK {
                    let v0 = load8(x0 + j), v1 = load8(x1 + j)
                    let u0 = load8(w0 + j), u1 = load8(w1 + j), u2 = load8(w2 + j), u3 = load8(w3 + j)
                    a00.addProduct(v0, u0); a01.addProduct(v0, u1); a02.addProduct(v0, u2); a03.addProduct(v0, u3)
                    a10.addProduct(v1, u0); a11.addProduct(v1, u1); a12.addProduct(v1, u2); a13.addProduct(v1, u3)
                    j += 8
                }
                store(r, c, a00.sum() + tail(r, c)); store(r, c + 1, a01.sum() + tail(r, c + 1))
                store(r, c + 2, a02.sum() + tail(r, c + 2)); store(r, c + 3, a03.sum() + tail(r, c + 3))
                store(r + 1, c, a10.sum() + tail(r + 1, c)); store(r + 1, c + 1, a11.sum() + tail(r + 1, c + 1))
                store(r + 1, c + 2, a12.sum() + tail(r + 1, c + 2)); store(r + 1, c + 3, a13.sum() + tail(r + 1, c + 3))
                r += 2
            }
            if r < m {
                let x0 = input + r * k
                var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>(), a3 = SIMD8<Float>()
                var j = 0
                while j < vectorK {
                    let v0 = load8(x0 + j)
                    a0.addProduct(v0, load8(w0 + j)); a1.addProduct(v0, load8(w1 + j))
                    a2.addProduct(v0, load8(w2 + j)); a3.addProduct(v0, load8(w3 + j))
                    j += 8
                }
                store(r, c, a0.sum() + tail(r, c)); store(r, c + 1, a1.sum() + tail(r, c + 1))
                store(r, c + 2, a2.sum() + tail(r, c + 2)); store(r, c + 3, a3.sum() + tail(r, c + 3))
            }
            c += 4
        }
        while c < columns.upperBound {
            let w = weight + c * k
            for r in 0..<m {
                let x = input + r * k
                var a = SIMD8<Float>()
                var j = 0
                while j < vectorK { a.addProduct(load8(x + j), load8(w + j)); j += 8 }
                store(r, c, a.sum() + tail(r, c))
            }
            c += 1
        }
    }
}

/// The buffers handed to `concurrentPerform` workers.
/// `@unchecked Sendable`: the inputs are only read, each worker writes a disjoint column range of
/// `output`, and all buffers outlive the (synchronous) `concurrentPerform` call.
private struct SharedBuffers: @unchecked Sendable {
    let input: UnsafePointer<Float>
    let weight: UnsafePointer<Float>
    let output: UnsafeMutablePointer<Float>
}
