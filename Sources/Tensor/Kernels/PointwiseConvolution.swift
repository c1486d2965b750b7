import CConvKernels

/// 1×1 convolution on NHWC activations as a matrix product with a fused epilogue: for the pixels
/// `p` in `pixels`, `output[p] = act(input[p] · W + bias) (+ residual[p])`, where `input[p]` is the
/// row of `Cin` channels of pixel `p` and `W` is `[Cin × Cout]`.
///
/// Hand-written rather than `cblas_sgemm`: the shapes are skinny (K = 16…1152 against up to 12,544
/// rows): with `cblas_sgemm`, OpenBLAS's packing copies and C zeroing took ~15% of the whole network's
/// time, plus a separate bias/ReLU6 pass over every output; here the weights are
/// packed once at load (``PointwiseWeights``), activation rows are read in place, and bias, ReLU6 and
/// the residual are applied in registers before the single store. The register tile is 6 pixels ×
/// 16 channels (12 AVX accumulators, FMA-bound). Rows are independent, so callers split `pixels`
/// across threads. With `isa: .avx512` the same packed weights go to the AVX-512 kernel
/// (`vs_pointwise_avx512`: tiles of up to 12 pixels × 16 channels in ZMM registers); with
/// `.avx512bf16` and weights that carry bf16 panels, to the bfloat16 dot-product kernel. Weights that
/// carry an int8 form (``PointwiseWeights/withInt8(clip:weightLimit:activationLevels:isa:)``) run the int8 kernel of that form's
/// ``Int8KernelISA`` whatever `isa` says.
public enum PointwiseConvolution {
    /// Number of 16-channel column panels of `weights` (the last may be 8 wide); callers may split
    /// these across threads instead of pixels when there are few pixels and many weights.
    public static func panelCount(_ weights: PointwiseWeights) -> Int {
        (PointwiseWeights.paddedWidth(weights.outputChannels) + 15) / 16
    }

    /// Computes the outputs of `pixels` × the output channels of column panels `panels` (default: all),
    /// with the kernels of `isa` (which must be supported on this CPU).
    public static func apply(
        input: FeatureMap, weights: PointwiseWeights, activation: Activation,
        residual: FeatureMap? = nil, output: FeatureMap, pixels: Range<Int>, panels: Range<Int>? = nil,
        isa: KernelISA = .preferred
    ) {
        let cin = weights.inputChannels, cout = weights.outputChannels
        precondition(input.channels == cin && output.channels == cout && input.pixelCount == output.pixelCount)
        precondition(pixels.lowerBound >= 0 && pixels.upperBound <= output.pixelCount)
        if let residual { precondition(residual.channels == cout && residual.pixelCount == output.pixelCount) }
        guard !pixels.isEmpty else { return }
        let relu6 = activation == .relu6
        if let int8 = weights.int8 {
            let panels = panels ?? 0..<int8.panelCount
            precondition(panels.lowerBound >= 0 && panels.upperBound <= int8.panelCount)
            int8.apply(input: input.base, output: output.base, residual: residual.map { UnsafePointer($0.base) },
                       relu6: relu6, pixels: pixels, panels: panels)
            return
        }
        precondition(isa.isSupported, "\(isa) kernels are not supported on this CPU")
        weights.panels.withUnsafeBufferPointer { packed in
            weights.paddedBias.withUnsafeBufferPointer { bias in
                if isa.usesAVX512 {
                    let panels = panels ?? 0..<Self.panelCount(weights)
                    precondition(panels.lowerBound >= 0 && panels.upperBound <= Self.panelCount(weights))
                    if isa == .avx512bf16, let bf16 = weights.bf16Panels {
                        bf16.withUnsafeBufferPointer { bf16 in
                            vs_pointwise_bf16(input.base, cin, cout, bf16.baseAddress!, bias.baseAddress!, output.base,
                                              residual.map { UnsafePointer($0.base) }, relu6 ? 1 : 0,
                                              pixels.lowerBound, pixels.upperBound, panels.lowerBound, panels.upperBound)
                        }
                        return
                    }
                    vs_pointwise_avx512(input.base, cin, cout, packed.baseAddress!, bias.baseAddress!, output.base,
                                        residual.map { UnsafePointer($0.base) }, relu6 ? 1 : 0,
                                        pixels.lowerBound, pixels.upperBound, panels.lowerBound, panels.upperBound)
                    return
                }
                let job = Job(a: input.base, k: cin, n: cout, panels: packed.baseAddress!, bias: bias.baseAddress!,
                              c: output.base, residual: residual.map { UnsafePointer($0.base) }, relu6: relu6)
                let panels = panels ?? 0..<Self.panelCount(weights)
                precondition(panels.lowerBound >= 0 && panels.upperBound <= Self.panelCount(weights))
                // Keep the smaller operand in cache: with few pixels and many weights (late layers),
                // sweep every row block for one panel before the next; otherwise one row block against
                // every panel.
                if pixels.count * cin < cin * panels.count * 16 {
                    for panel in panels {
                        var row = pixels.lowerBound
                        while row < pixels.upperBound {
                            job.tile(row: row, rows: min(6, pixels.upperBound - row), panel: panel)
                            row += 6
                        }
                    }
                } else {
                    var row = pixels.lowerBound
                    while row < pixels.upperBound {
                        let rows = min(6, pixels.upperBound - row)
                        for panel in panels { job.tile(row: row, rows: rows, panel: panel) }
                        row += 6
                    }
                }
            }
        }
    }

    /// One GEMM's operands: `a` `[P × k]`, packed `panels`, output `c` `[P × n]`, optional residual `[P × n]`.
    private struct Job {
        let a: UnsafePointer<Float>
        let k: Int
        let n: Int
        let panels: UnsafePointer<Float>
        let bias: UnsafePointer<Float>
        let c: UnsafeMutablePointer<Float>
        let residual: UnsafePointer<Float>?
        let relu6: Bool

        init(a: UnsafeMutablePointer<Float>, k: Int, n: Int, panels: UnsafePointer<Float>, bias: UnsafePointer<Float>,
             c: UnsafeMutablePointer<Float>, residual: UnsafePointer<Float>?, relu6: Bool) {
            self.a = UnsafePointer(a)
            self.k = k
            self.n = n
            self.panels = panels
            self.bias = bias
            self.c = c
            self.residual = residual
            self.relu6 = relu6
        }

        /// Output rows `row ..< row + rows` (rows ≤ 6) × the 16 (or 8) columns of `panel`. Out of line:
        /// one call per tile is cheap next to its k-loop, and a small function keeps every load inlined.
        @inline(never)
        func tile(row: Int, rows: Int, panel: Int) {
            let column = panel * 16
            let width = min(16, PointwiseWeights.paddedWidth(n) - column)
            let b = panels + column * k
            // Missing rows of a short tile re-read the last real row; their results are not stored.
            let last = row + rows - 1
            let a0 = a + row * k
            let a1 = a + min(row + 1, last) * k
            let a2 = a + min(row + 2, last) * k
            let a3 = a + min(row + 3, last) * k
            let a4 = a + min(row + 4, last) * k
            let a5 = a + min(row + 5, last) * k
            if rows == 1 {
                // A lone remainder row (a 7×7 map is 8 tiles of 6 and one of 1): a 1×16 tile costs a
                // quarter of a 6×16 one instead of the same.
                var c00 = load(bias + column), c01 = width == 16 ? load(bias + column + 8) : SIMD8<Float>()
                var bp = b
                if width == 16 {
                    for kk in 0..<k {
                        let x = SIMD8<Float>(repeating: a0[kk])
                        c00.addProduct(x, load(bp)); c01.addProduct(x, load(bp + 8))
                        bp += 16
                    }
                    store(c01, row: row, column: column + 8)
                } else {
                    for kk in 0..<k {
                        c00.addProduct(SIMD8<Float>(repeating: a0[kk]), load(bp))
                        bp += 8
                    }
                }
                store(c00, row: row, column: column)
            } else if width == 16 {
                let b0 = load(bias + column), b1 = load(bias + column + 8)
                var c00 = b0, c01 = b1, c10 = b0, c11 = b1, c20 = b0, c21 = b1
                var c30 = b0, c31 = b1, c40 = b0, c41 = b1, c50 = b0, c51 = b1
                var bp = b
                for kk in 0..<k {
                    let w0 = load(bp), w1 = load(bp + 8)
                    bp += 16
                    var x = SIMD8<Float>(repeating: a0[kk])
                    c00.addProduct(x, w0); c01.addProduct(x, w1)
                    x = SIMD8<Float>(repeating: a1[kk])
                    c10.addProduct(x, w0); c11.addProduct(x, w1)
                    x = SIMD8<Float>(repeating: a2[kk])
                    c20.addProduct(x, w0); c21.addProduct(x, w1)
                    x = SIMD8<Float>(repeating: a3[kk])
                    c30.addProduct(x, w0); c31.addProduct(x, w1)
                    x = SIMD8<Float>(repeating: a4[kk])
                    c40.addProduct(x, w0); c41.addProduct(x, w1)
                    x = SIMD8<Float>(repeating: a5[kk])
                    c50.addProduct(x, w0); c51.addProduct(x, w1)
                }
                store(c00, row: row, column: column); store(c01, row: row, column: column + 8)
                if rows > 1 { store(c10, row: row + 1, column: column); store(c11, row: row + 1, column: column + 8) }
                if rows > 2 { store(c20, row: row + 2, column: column); store(c21, row: row + 2, column: column + 8) }
                if rows > 3 { store(c30, row: row + 3, column: column); store(c31, row: row + 3, column: column + 8) }
                if rows > 4 { store(c40, row: row + 4, column: column); store(c41, row: row + 4, column: column + 8) }
                if rows > 5 { store(c50, row: row + 5, column: column); store(c51, row: row + 5, column: column + 8) }
            } else {
                let b0 = load(bias + column)
                var c0 = b0, c1 = b0, c2 = b0, c3 = b0, c4 = b0, c5 = b0
                var bp = b
                for kk in 0..<k {
                    let w0 = load(bp)
                    bp += 8
                    c0.addProduct(SIMD8<Float>(repeating: a0[kk]), w0)
                    c1.addProduct(SIMD8<Float>(repeating: a1[kk]), w0)
                    c2.addProduct(SIMD8<Float>(repeating: a2[kk]), w0)
                    c3.addProduct(SIMD8<Float>(repeating: a3[kk]), w0)
                    c4.addProduct(SIMD8<Float>(repeating: a4[kk]), w0)
                    c5.addProduct(SIMD8<Float>(repeating: a5[kk]), w0)
                }
                store(c0, row: row, column: column)
                if rows > 1 { store(c1, row: row + 1, column: column) }
                if rows > 2 { store(c2, row: row + 2, column: column) }
                if rows > 3 { store(c3, row: row + 3, column: column) }
                if rows > 4 { store(c4, row: row + 4, column: column) }
                if rows > 5 { store(c5, row: row + 5, column: column) }
            }
        }

        @inline(__always)
        private func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
            UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
        }

        /// Activation, residual and the store of 8 columns (fewer at the matrix's right edge).
        @inline(__always)
        func store(_ value: SIMD8<Float>, row: Int, column: Int) {
            var v = value
            if relu6 { v = v.replacing(with: 0, where: v .< 0).replacing(with: 6, where: v .> 6) }
            let offset = row * n + column
            if column + 8 <= n {
                if let residual { v += UnsafeRawPointer(residual + offset).loadUnaligned(as: SIMD8<Float>.self) }
                UnsafeMutableRawPointer(c + offset).storeBytes(of: v, as: SIMD8<Float>.self)
            } else {
                storePartial(v, offset: offset, count: n - column)
            }
        }

        /// The right-edge columns of a matrix whose width is not a multiple of 8 (never in the CNN).
        @inline(never)
        func storePartial(_ v: SIMD8<Float>, offset: Int, count: Int) {
            for j in 0..<count {
                var value = v[j]
                if let residual { value += residual[offset + j] }
                c[offset + j] = value
            }
        }
    }
}
