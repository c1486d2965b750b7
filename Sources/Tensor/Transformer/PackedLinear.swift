extension TransformerKernels {
    /// A dense layer's weights re-laid out once for the few-row kernel (as ONNX Runtime pre-packs its
    /// GEMM weights): panels of 8 output columns, each panel `inFeatures × 8` contiguous, so one aligned
    /// vector load serves 8 outputs and no horizontal sums are needed.
    ///
    /// Layout: `panels[p·k·8 + j·8 + i] = weight[8p + i, j]` (zero where `8p + i ≥ outFeatures`).
    public struct PackedWeights: Sendable {
        public let inFeatures: Int
        public let outFeatures: Int
        public let panels: [Float]

        /// Packs `weight` (`outFeatures × inFeatures` row-major, PyTorch `nn.Linear` layout).
        public init(weight: UnsafePointer<Float>, outFeatures n: Int, inFeatures k: Int) {
            let panelCount = (n + 7) / 8
            var panels = [Float](repeating: 0, count: panelCount * k * 8)
            for p in 0..<panelCount {
                for i in 0..<8 where 8 * p + i < n {
                    let row = weight + (8 * p + i) * k
                    for j in 0..<k { panels[p * k * 8 + j * 8 + i] = row[j] }
                }
            }
            self.inFeatures = k
            self.outFeatures = n
            self.panels = panels
        }
    }

    /// `output[rows, out] (+)= input[rows, in] · weightᵀ` with pre-packed weights: register blocks of
    /// 6 rows × 16 columns (12 `SIMD8` FMA accumulators, 2 weight loads and 6 broadcasts per step), then
    /// 3-row blocks and single rows for the remainder.
    public static func packedLinear(rows m: Int, input: UnsafePointer<Float>, weights: PackedWeights,
                                    output: UnsafeMutablePointer<Float>, accumulate: Bool) {
        let k = weights.inFeatures, n = weights.outFeatures
        let panelCount = (n + 7) / 8
        weights.panels.withUnsafeBufferPointer { buffer in
            let base = buffer.baseAddress!
            /// Writes one accumulator to row `r`, panel `p` (partial last panel handled lane by lane).
            @inline(__always) func put(_ acc: SIMD8<Float>, _ r: Int, _ p: Int) {
                let out = output + r * n + 8 * p
                if 8 * p + 8 <= n {
                    store8(accumulate ? acc + load8(out) : acc, out)
                } else {
                    for i in 0..<(n - 8 * p) { out[i] = accumulate ? out[i] + acc[i] : acc[i] }
                }
            }
            var p = 0
            while p < panelCount {
                let twoPanels = p + 1 < panelCount
                let w0 = base + p * k * 8
                let w1 = twoPanels ? w0 + k * 8 : w0
                var r = 0
                while r + 6 <= m {
                    let x0 = input + r * k, x1 = x0 + k, x2 = x1 + k, x3 = x2 + k, x4 = x3 + k, x5 = x4 + k
                    var a00 = SIMD8<Float>(), a01 = SIMD8<Float>(), a10 = SIMD8<Float>(), a11 = SIMD8<Float>()
                    var a20 = SIMD8<Float>(), a21 = SIMD8<Float>(), a30 = SIMD8<Float>(), a31 = SIMD8<Float>()
                    var a40 = SIMD8<Float>(), a41 = SIMD8<Float>(), a50 = SIMD8<Float>(), a51 = SIMD8<Float>()
                    for j in 0..<k {
                        let u0 = load8(w0 + j * 8), u1 = load8(w1 + j * 8)
                        var v = SIMD8<Float>(repeating: x0[j]); a00.addProduct(v, u0); a01.addProduct(v, u1)
                        v = SIMD8<Float>(repeating: x1[j]); a10.addProduct(v, u0); a11.addProduct(v, u1)
                        v = SIMD8<Float>(repeating: x2[j]); a20.addProduct(v, u0); a21.addProduct(v, u1)
                        v = SIMD8<Float>(repeating: x3[j]); a30.addProduct(v, u0); a31.addProduct(v, u1)
                        v = SIMD8<Float>(repeating: x4[j]); a40.addProduct(v, u0); a41.addProduct(v, u1)
                        v = SIMD8<Float>(repeating: x5[j]); a50.addProduct(v, u0); a51.addProduct(v, u1)
                    }
                    put(a00, r, p); put(a10, r + 1, p); put(a20, r + 2, p)
                    put(a30, r + 3, p); put(a40, r + 4, p); put(a50, r + 5, p)
                    if twoPanels {
                        put(a01, r, p + 1); put(a11, r + 1, p + 1); put(a21, r + 2, p + 1)
                        put(a31, r + 3, p + 1); put(a41, r + 4, p + 1); put(a51, r + 5, p + 1)
                    }
                    r += 6
                }
                while r + 3 <= m {
                    let x0 = input + r * k, x1 = x0 + k, x2 = x1 + k
                    var a00 = SIMD8<Float>(), a01 = SIMD8<Float>(), a10 = SIMD8<Float>(), a11 = SIMD8<Float>()
                    var a20 = SIMD8<Float>(), a21 = SIMD8<Float>()
                    for j in 0..<k {
                        let u0 = load8(w0 + j * 8), u1 = load8(w1 + j * 8)
                        var v = SIMD8<Float>(repeating: x0[j]); a00.addProduct(v, u0); a01.addProduct(v, u1)
                        v = SIMD8<Float>(repeating: x1[j]); a10.addProduct(v, u0); a11.addProduct(v, u1)
                        v = SIMD8<Float>(repeating: x2[j]); a20.addProduct(v, u0); a21.addProduct(v, u1)
                    }
                    put(a00, r, p); put(a10, r + 1, p); put(a20, r + 2, p)
                    if twoPanels { put(a01, r, p + 1); put(a11, r + 1, p + 1); put(a21, r + 2, p + 1) }
                    r += 3
                }
                while r < m {
                    let x0 = input + r * k
                    var a0 = SIMD8<Float>(), a1 = SIMD8<Float>()
                    for j in 0..<k {
                        let v = SIMD8<Float>(repeating: x0[j])
                        a0.addProduct(v, load8(w0 + j * 8)); a1.addProduct(v, load8(w1 + j * 8))
                    }
                    put(a0, r, p)
                    if twoPanels { put(a1, r, p + 1) }
                    r += 1
                }
                p += twoPanels ? 2 : 1
            }
        }
    }
}
