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
        weights.taps.withUnsafeBufferPointer { taps in
            weights.bias.withUnsafeBufferPointer { bias in
                let relu6 = activation == .relu6
                for oy in rows {
                    let iy0 = oy * stride - padY.before
                    let kyStart = max(0, -iy0), kyEnd = min(k, input.height - iy0)
                    for ox in 0..<output.width {
                        let ix0 = ox * stride - padX.before
                        let kxStart = max(0, -ix0), kxEnd = min(k, input.width - ix0)
                        pixel(
                            input: input, iy0: iy0, ix0: ix0, ky: kyStart..<kyEnd, kx: kxStart..<kxEnd, k: k,
                            taps: taps.baseAddress!, bias: bias.baseAddress!, channels: channels, relu6: relu6,
                            out: output.base + (oy * output.width + ox) * channels)
                    }
                }
            }
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
        var c = 0
        while c < vectorEnd {
            var acc = UnsafeRawPointer(bias + c).loadUnaligned(as: SIMD8<Float>.self)
            for y in ky {
                let inRow = input.base + (iy0 + y) * rowStride + c
                let tapRow = taps + y * k * channels + c
                for x in kx {
                    let v = UnsafeRawPointer(inRow + (ix0 + x) * channels).loadUnaligned(as: SIMD8<Float>.self)
                    let w = UnsafeRawPointer(tapRow + x * channels).loadUnaligned(as: SIMD8<Float>.self)
                    acc.addProduct(v, w)
                }
            }
            if relu6 { acc = acc.replacing(with: 0, where: acc .< 0).replacing(with: 6, where: acc .> 6) }
            UnsafeMutableRawPointer(out + c).storeBytes(of: acc, as: SIMD8<Float>.self)
            c += 8
        }
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
