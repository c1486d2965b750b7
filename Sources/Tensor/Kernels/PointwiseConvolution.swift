/// 1×1 convolution on NHWC activations as one GEMM: for the pixels `p` in `pixels`,
/// `output[p] = act(input[p] · W + bias) (+ residual[p])`, where `input[p]` is the row of `Cin`
/// channels of pixel `p` and `W` is `[Cin × Cout]`. Rows are independent, so callers split `pixels`
/// across threads.
public enum PointwiseConvolution {
    public static func apply(
        input: FeatureMap, weights: PointwiseWeights, activation: Activation,
        residual: FeatureMap? = nil, output: FeatureMap, pixels: Range<Int>
    ) {
        let cin = weights.inputChannels, cout = weights.outputChannels
        precondition(input.channels == cin && output.channels == cout && input.pixelCount == output.pixelCount)
        precondition(pixels.lowerBound >= 0 && pixels.upperBound <= output.pixelCount)
        if let residual { precondition(residual.channels == cout && residual.pixelCount == output.pixelCount) }
        guard !pixels.isEmpty else { return }
        let a = input.base + pixels.lowerBound * cin
        let c = output.base + pixels.lowerBound * cout
        weights.weights.withUnsafeBufferPointer { w in
            BLAS.gemm(m: pixels.count, n: cout, k: cin, a: a, lda: cin, b: w.baseAddress!, ldb: cout, c: c, ldc: cout)
        }
        weights.bias.withUnsafeBufferPointer { bias in
            Epilogue.apply(c, pixels: pixels.count, channels: cout, bias: bias.baseAddress!, activation: activation,
                           residual: residual.map { UnsafePointer($0.base + pixels.lowerBound * cout) })
        }
    }
}
