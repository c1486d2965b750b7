/// A dense k×k convolution with stride `s` and TensorFlow SAME padding on NHWC activations, as
/// im2col + GEMM (used for the stem, 3×3/2 over 3 channels: too few input channels for anything
/// but a GEMM over patches to be efficient).
///
/// For output rows `rows`, each output pixel's `k·k·Cin` input patch (zeros outside the image,
/// ordered `(ky, kx, ci)`) is copied into `scratch`, then `[pixels × k·k·Cin] · W` runs as one GEMM
/// (``PointwiseConvolution`` with the instruction set `isa`).
public enum DenseConvolution {
    /// Floats of scratch needed for `rows` output rows of `output`.
    public static func scratchCount(weights: ConvolutionWeights, outputWidth: Int, rows: Int) -> Int {
        rows * outputWidth * weights.patchLength
    }

    public static func apply(
        input: FeatureMap, weights: ConvolutionWeights, stride: Int, activation: Activation,
        output: FeatureMap, rows: Range<Int>, scratch: FeatureMap, isa: KernelISA = .preferred
    ) {
        let k = weights.kernel, cin = weights.inputChannels, cout = weights.outputChannels
        let padY = SamePadding(inputSize: input.height, kernel: k, stride: stride)
        let padX = SamePadding(inputSize: input.width, kernel: k, stride: stride)
        precondition(input.channels == cin && output.channels == cout)
        precondition(output.height == padY.outputSize && output.width == padX.outputSize)
        precondition(rows.lowerBound >= 0 && rows.upperBound <= output.height)
        let patch = weights.patchLength
        precondition(scratch.count >= rows.count * output.width * patch, "im2col scratch too small")
        guard !rows.isEmpty else { return }

        // im2col: one row of `patch` floats per output pixel.
        var dst = scratch.base
        for oy in rows {
            for ox in 0..<output.width {
                for ky in 0..<k {
                    let iy = oy * stride - padY.before + ky
                    for kx in 0..<k {
                        let ix = ox * stride - padX.before + kx
                        let inside = iy >= 0 && iy < input.height && ix >= 0 && ix < input.width
                        if cin == 3 {
                            // RGB stem: three scalar moves beat a memmove call per tap.
                            let src = input.base + (iy * input.width + ix) * 3
                            dst[0] = inside ? src[0] : 0
                            dst[1] = inside ? src[1] : 0
                            dst[2] = inside ? src[2] : 0
                        } else if inside {
                            dst.update(from: input.base + (iy * input.width + ix) * cin, count: cin)
                        } else {
                            dst.update(repeating: 0, count: cin)
                        }
                        dst += cin
                    }
                }
            }
        }
        let pixels = rows.count * output.width
        let patches = FeatureMap(base: scratch.base, height: 1, width: pixels, channels: patch)
        let outRows = FeatureMap(base: output.base + rows.lowerBound * output.width * cout, height: 1, width: pixels, channels: cout)
        PointwiseConvolution.apply(input: patches, weights: weights.matrix, activation: activation, output: outRows, pixels: 0..<pixels, isa: isa)
    }
}
