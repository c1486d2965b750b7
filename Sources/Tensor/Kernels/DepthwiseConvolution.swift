import CConvKernels

/// Depthwise k×k convolution (one filter per channel), stride 1 or 2, TensorFlow SAME padding, on
/// NHWC activations, with the bias and activation fused: `out[oy][ox][c] = act(bias[c] +
/// Σ_{ky,kx} in[oy·s − padTop + ky][ox·s − padLeft + kx][c] · taps[ky·k + kx][c])`.
///
/// Hand-written rather than im2col + GEMM: each output needs only k² multiply-adds per channel, so
/// the work is memory traffic, and NHWC lets one 8-wide vector cover 8 channels with no gathers.
/// Taps that fall in the padding are skipped rather than read as zeros.
public enum DepthwiseConvolution {
    /// Computes output rows `rows`, channels `channelRange` (default all; a sub-range must start and
    /// end on multiples of 8, so threads can split small maps by channels instead of rows). With
    /// `isa: .avx512` (which must be supported on this CPU) the rows' interiors run in the AVX-512
    /// kernel (`vs_depthwise_row_avx512`, 16 channels per vector, masked tails); edge pixels are the same.
    public static func apply(
        input: FeatureMap, weights: DepthwiseWeights, stride: Int, activation: Activation,
        output: FeatureMap, rows: Range<Int>, channelRange: Range<Int>? = nil, isa: KernelISA = .preferred
    ) {
        let k = weights.kernel, channels = weights.channels
        let range = channelRange ?? 0..<channels
        precondition(range.lowerBound >= 0 && range.upperBound <= channels
                     && (range == 0..<channels || (range.lowerBound % 8 == 0 && range.upperBound % 8 == 0)))
        let padY = SamePadding(inputSize: input.height, kernel: k, stride: stride)
        let padX = SamePadding(inputSize: input.width, kernel: k, stride: stride)
        precondition(input.channels == channels && output.channels == channels)
        precondition(output.height == padY.outputSize && output.width == padX.outputSize)
        precondition(rows.lowerBound >= 0 && rows.upperBound <= output.height)
        let relu6 = activation == .relu6
        precondition(isa.isSupported, "\(isa) kernels are not supported on this CPU")
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
                              taps: taps, bias: bias, channels: channels, range: range, relu6: relu6, out: outRow + ox * channels)
                    }
                    for ox in 0..<interiorStart { edge(ox) }
                    if isa.usesAVX512 {
                        vs_depthwise_row_avx512(input.base + iy0 * input.width * channels, input.width * channels, channels,
                                                range.lowerBound, range.upperBound, taps, bias, ky.lowerBound, ky.upperBound,
                                                relu6 ? 1 : 0, outRow, interiorStart, interiorEnd, padX.before, k, stride)
                    } else if channels % 8 == 0 {
                        let row = Row(input: UnsafePointer(input.base + iy0 * input.width * channels), rowStride: input.width * channels,
                                      channels: channels, channelRange: range, taps: taps, bias: bias, ky: ky, relu6: relu6, out: outRow)
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
        /// The channels computed (multiples of 8).
        let channelRange: Range<Int>
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
            // Wrapping arithmetic (`&+`, `&*`): indices are bounded by the map size, and overflow
            // checks would keep the tap loop from unrolling.
            var ox = columns.lowerBound
            while ox &+ 4 <= columns.upperBound {
                tile(ox: ox, count: 4, padLeft: padLeft, k: k, s: s)
                ox &+= 4
            }
            // 1–3 columns left (a 7×7 map's 5×5 interior is exactly 3): one narrower tile rather
            // than single pixels, which would need two loads per multiply-add.
            switch columns.upperBound &- ox {
            case 3: tile(ox: ox, count: 3, padLeft: padLeft, k: k, s: s)
            case 2: tile(ox: ox, count: 2, padLeft: padLeft, k: k, s: s)
            case 1: tile(ox: ox, count: 1, padLeft: padLeft, k: k, s: s)
            default: break
            }
        }

        /// Output pixels `ox ..< ox + count` (count ≤ 4, a literal at every call) × all channel blocks.
        @inline(__always)
        func tile(ox: Int, count: Int, padLeft: Int, k: Int, s: Int) {
            let c = channels
            let base = input + (ox &* s &- padLeft) &* c
            var cb = channelRange.lowerBound
            while cb < channelRange.upperBound {
                var quad = Quad(bias: load(bias + cb))
                for y in ky {
                    let inRow = base + (y &* rowStride &+ cb)
                    let tapRow = taps + (y &* k &* c &+ cb)
                    // Taps written out for the two kernel sizes so each is straight-line code.
                    switch k {
                    case 3:
                        quad.tap(inRow, tapRow, x: 0, c: c, s: s, count: count); quad.tap(inRow, tapRow, x: 1, c: c, s: s, count: count)
                        quad.tap(inRow, tapRow, x: 2, c: c, s: s, count: count)
                    case 5:
                        quad.tap(inRow, tapRow, x: 0, c: c, s: s, count: count); quad.tap(inRow, tapRow, x: 1, c: c, s: s, count: count)
                        quad.tap(inRow, tapRow, x: 2, c: c, s: s, count: count); quad.tap(inRow, tapRow, x: 3, c: c, s: s, count: count)
                        quad.tap(inRow, tapRow, x: 4, c: c, s: s, count: count)
                    default:
                        for x in 0..<k { quad.tap(inRow, tapRow, x: x, c: c, s: s, count: count) }
                    }
                }
                let o = out + (ox &* c &+ cb)
                store(quad.a0, o)
                if count > 1 { store(quad.a1, o + c) }
                if count > 2 { store(quad.a2, o + 2 &* c) }
                if count > 3 { store(quad.a3, o + 3 &* c) }
                cb &+= 8
            }
        }

        /// Four neighbouring output pixels' accumulators for one 8-channel block.
        struct Quad {
            var a0: SIMD8<Float>, a1: SIMD8<Float>, a2: SIMD8<Float>, a3: SIMD8<Float>
            @inline(__always) init(bias: SIMD8<Float>) { a0 = bias; a1 = bias; a2 = bias; a3 = bias }

            /// Tap column `x`: one weight vector times the first `count` outputs' inputs (`s` pixels apart).
            @inline(__always)
            mutating func tap(_ inRow: UnsafePointer<Float>, _ tapRow: UnsafePointer<Float>, x: Int, c: Int, s: Int, count: Int) {
                let w = UnsafeRawPointer(tapRow + x &* c).loadUnaligned(as: SIMD8<Float>.self)
                let p = inRow + x &* c, step = s &* c
                a0.addProduct(UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self), w)
                if count > 1 { a1.addProduct(UnsafeRawPointer(p + step).loadUnaligned(as: SIMD8<Float>.self), w) }
                if count > 2 { a2.addProduct(UnsafeRawPointer(p + 2 &* step).loadUnaligned(as: SIMD8<Float>.self), w) }
                if count > 3 { a3.addProduct(UnsafeRawPointer(p + 3 &* step).loadUnaligned(as: SIMD8<Float>.self), w) }
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
        taps: UnsafePointer<Float>, bias: UnsafePointer<Float>, channels: Int, range: Range<Int>, relu6: Bool,
        out: UnsafeMutablePointer<Float>
    ) {
        let rowStride = input.width * channels
        let vectorStart = range.lowerBound
        let vectorEnd = range.lowerBound + (range.count & ~7)
        // Taps outermost, channels innermost: the output pixel's row (≤ 1152 floats, in L1) is the
        // accumulator, and each tap is one long, branch-free vector loop. (Edge pixels have a
        // varying number of taps, which the interior's unrolled tiles cannot take.)
        (out + vectorStart).update(from: bias + vectorStart, count: range.count)
        for y in ky {
            let inRow = input.base + (iy0 + y) * rowStride + ix0 * channels
            let tapRow = taps + y * k * channels
            for x in kx {
                let v = inRow + x * channels, w = tapRow + x * channels
                var c = vectorStart
                while c < vectorEnd {
                    var acc = UnsafeRawPointer(out + c).loadUnaligned(as: SIMD8<Float>.self)
                    acc.addProduct(UnsafeRawPointer(v + c).loadUnaligned(as: SIMD8<Float>.self),
                                   UnsafeRawPointer(w + c).loadUnaligned(as: SIMD8<Float>.self))
                    UnsafeMutableRawPointer(out + c).storeBytes(of: acc, as: SIMD8<Float>.self)
                    c += 8
                }
            }
        }
        var c = vectorStart
        if relu6 {
            while c < vectorEnd {
                let acc = UnsafeRawPointer(out + c).loadUnaligned(as: SIMD8<Float>.self)
                UnsafeMutableRawPointer(out + c).storeBytes(
                    of: acc.replacing(with: 0, where: acc .< 0).replacing(with: 6, where: acc .> 6), as: SIMD8<Float>.self)
                c += 8
            }
        }
        c = vectorEnd
        while c < range.upperBound {
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
