/// Depthwise k×k convolution (one filter per channel), stride 1 or 2, TensorFlow SAME padding, on
/// NHWC activations, with the bias and activation fused: `out[oy][ox][c] = act(bias[c] +
/// Σ_{ky,kx} in[oy·s − padTop + ky][ox·s − padLeft + kx][c] · taps[ky·k + kx][c])`.
///
/// Hand-written rather than im2col + GEMM: each output needs only k² multiply-adds per channel, so
/// the work is memory traffic, and NHWC lets one 8-wide vector cover 8 channels with no gathers.
/// Taps that fall in the padding are skipped rather than read as zeros.
public enum DepthwiseConvolution {
    public static func apply(
        input: FeatureMap, weights: DepthwiseWeights, stride: Int, activation: Activation,
        output: FeatureMap, rows: Range<Int>
    ) {
        let k = weights.kernel, channels = weights.channels
        let padY = SamePadding(inputSize: input.height, kernel: k, stride: stride)
        let padX = SamePadding(inputSize: input.width, kernel: k, stride: stride)
        precondition(input.channels == channels && output.channels == channels)
        precondition(output.height == padY.outputSize && output.width == padX.outputSize)
        precondition(rows.lowerBound >= 0 && rows.upperBound <= output.height)
        let relu6 = activation == .relu6
        // Output columns whose k taps all fall inside the image: no bounds checks there.
        let interiorStart = min(output.width, (padX.before + stride - 1) / stride)
        let interiorEnd = max(interiorStart, min(output.width, (input.width - k + padX.before) / stride + 1))
        weights.taps.withUnsafeBufferPointer { taps in
            weights.bias.withUnsafeBufferPointer { bias in
                let taps = taps.baseAddress!, bias = bias.baseAddress!
                for oy in rows {
                    let iy0 = oy * stride - padY.before
                    let ky = max(0, -iy0)..<min(k, input.height - iy0)
                    let outRow = output.base + oy * output.width * channels
                    func edge(_ ox: Int) {
                        let ix0 = ox * stride - padX.before
                        pixel(input: input, iy0: iy0, ix0: ix0, ky: ky, kx: max(0, -ix0)..<min(k, input.width - ix0), k: k,
                              taps: taps, bias: bias, channels: channels, relu6: relu6, out: outRow + ox * channels)
                    }
                    for ox in 0..<interiorStart { edge(ox) }
                    if channels % 8 == 0 {
                        let row = Row(input: UnsafePointer(input.base + iy0 * input.width * channels), rowStride: input.width * channels,
                                      channels: channels, taps: taps, bias: bias, ky: ky, relu6: relu6, out: outRow)
                        let columns = interiorStart..<interiorEnd
                        switch (k, stride) {
                        case (3, 1): row.interior3x3s1(columns, padLeft: padX.before)
                        case (3, 2): row.interior3x3s2(columns, padLeft: padX.before)
                        case (5, 1): row.interior5x5s1(columns, padLeft: padX.before)
                        case (5, 2): row.interior5x5s2(columns, padLeft: padX.before)
                        default: row.interiorGeneric(columns, padLeft: padX.before, k: k, s: stride)
                        }
                    } else {
                        for ox in interiorStart..<interiorEnd { edge(ox) }
                    }
                    for ox in interiorEnd..<output.width { edge(ox) }
                }
            }
        }
    }

    /// The interior of one output row (every tap inside the image), channels a multiple of 8: tiles
    /// of 4 output pixels × 8 channels, so each weight vector loaded serves 4 FMAs and, at stride 1,
    /// neighbouring outputs share input loads. `k` and `s` are literals at the call sites, so the tap
    /// loop unrolls.
    private struct Row {
        /// Input row `iy0` (the row of tap `ky = 0`, which may lie in the padding: only rows `ky` are read).
        let input: UnsafePointer<Float>
        let rowStride: Int
        let channels: Int
        let taps: UnsafePointer<Float>
        let bias: UnsafePointer<Float>
        let ky: Range<Int>
        let relu6: Bool
        let out: UnsafeMutablePointer<Float>

        // One out-of-line function per shape keeps each small enough for the optimiser to inline
        // every vector load and unroll the taps.
        @inline(never) func interior3x3s1(_ columns: Range<Int>, padLeft: Int) { interior(columns, padLeft: padLeft, k: 3, s: 1) }
        @inline(never) func interior3x3s2(_ columns: Range<Int>, padLeft: Int) { interior(columns, padLeft: padLeft, k: 3, s: 2) }
        @inline(never) func interior5x5s1(_ columns: Range<Int>, padLeft: Int) { interior(columns, padLeft: padLeft, k: 5, s: 1) }
        @inline(never) func interior5x5s2(_ columns: Range<Int>, padLeft: Int) { interior(columns, padLeft: padLeft, k: 5, s: 2) }
        @inline(never) func interiorGeneric(_ columns: Range<Int>, padLeft: Int, k: Int, s: Int) { interior(columns, padLeft: padLeft, k: k, s: s) }

        @inline(__always)
        func interior(_ columns: Range<Int>, padLeft: Int, k: Int, s: Int) {
            let c = channels
            var ox = columns.lowerBound
            while ox + 4 <= columns.upperBound {
                let base = input + (ox * s - padLeft) * c
                var cb = 0
                while cb < c {
                    let b = load(bias + cb)
                    var a0 = b, a1 = b, a2 = b, a3 = b
                    for y in ky {
                        let inRow = base + y * rowStride + cb
                        let tapRow = taps + y * k * c + cb
                        for x in 0..<k {
                            let w = load(tapRow + x * c)
                            a0.addProduct(load(inRow + x * c), w)
                            a1.addProduct(load(inRow + (s + x) * c), w)
                            a2.addProduct(load(inRow + (2 * s + x) * c), w)
                            a3.addProduct(load(inRow + (3 * s + x) * c), w)
                        }
                    }
                    let o = out + ox * c + cb
                    store(a0, o); store(a1, o + c); store(a2, o + 2 * c); store(a3, o + 3 * c)
                    cb += 8
                }
                ox += 4
            }
            while ox < columns.upperBound {
                let base = input + (ox * s - padLeft) * c
                var cb = 0
                while cb < c {
                    var a = load(bias + cb)
                    for y in ky {
                        for x in 0..<k { a.addProduct(load(base + y * rowStride + cb + x * c), load(taps + (y * k + x) * c + cb)) }
                    }
                    store(a, out + ox * c + cb)
                    cb += 8
                }
                ox += 1
            }
        }

        @inline(__always)
        func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> { UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self) }

        @inline(__always)
        func store(_ value: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
            var v = value
            if relu6 { v = v.replacing(with: 0, where: v .< 0).replacing(with: 6, where: v .> 6) }
            UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
        }
    }

    /// One output pixel, all channels: 8 channels per vector, a scalar tail for the rest.
    @inline(__always)
    private static func pixel(
        input: FeatureMap, iy0: Int, ix0: Int, ky: Range<Int>, kx: Range<Int>, k: Int,
        taps: UnsafePointer<Float>, bias: UnsafePointer<Float>, channels: Int, relu6: Bool,
        out: UnsafeMutablePointer<Float>
    ) {
        let rowStride = input.width * channels
        let vectorEnd = channels & ~7
        // Taps outermost, channels innermost: the output pixel's row (≤ 1152 floats, in L1) is the
        // accumulator, and each tap is one long, branch-free vector loop. (Edge pixels have a
        // varying number of taps, which the interior's unrolled tiles cannot take.)
        out.update(from: bias, count: channels)
        for y in ky {
            let inRow = input.base + (iy0 + y) * rowStride + ix0 * channels
            let tapRow = taps + y * k * channels
            for x in kx {
                let v = inRow + x * channels, w = tapRow + x * channels
                var c = 0
                while c < vectorEnd {
                    var acc = UnsafeRawPointer(out + c).loadUnaligned(as: SIMD8<Float>.self)
                    acc.addProduct(UnsafeRawPointer(v + c).loadUnaligned(as: SIMD8<Float>.self),
                                   UnsafeRawPointer(w + c).loadUnaligned(as: SIMD8<Float>.self))
                    UnsafeMutableRawPointer(out + c).storeBytes(of: acc, as: SIMD8<Float>.self)
                    c += 8
                }
            }
        }
        var c = 0
        if relu6 {
            while c < vectorEnd {
                let acc = UnsafeRawPointer(out + c).loadUnaligned(as: SIMD8<Float>.self)
                UnsafeMutableRawPointer(out + c).storeBytes(
                    of: acc.replacing(with: 0, where: acc .< 0).replacing(with: 6, where: acc .> 6), as: SIMD8<Float>.self)
                c += 8
            }
        }
        c = vectorEnd
        while c < channels {
            var acc = bias[c]
            for y in ky {
                for x in kx {
                    acc += input.base[((iy0 + y) * input.width + ix0 + x) * channels + c] * taps[(y * k + x) * channels + c]
                }
            }
            out[c] = relu6 ? min(max(acc, 0), 6) : acc
            c += 1
        }
    }
}
