/// Weights of a 1×1 convolution, `out[p] = in[p] · W + bias` with `W` given as `[inputChannels ×
/// outputChannels]` row-major, stored **packed** for ``PointwiseConvolution``'s register-tiled kernel:
/// column panels of 16 output channels (the last one 8 wide when `outputChannels % 16 ≤ 8`), each
/// `[inputChannels][width]` contiguous, so the kernel streams one panel with unit stride. Columns
/// past `outputChannels` in the last panel are zero.
public struct PointwiseWeights: Sendable {
    public let inputChannels: Int
    public let outputChannels: Int
    public let bias: [Float]
    /// The panels, back to back; panel `j` starts at `j · 16 · inputChannels`.
    let panels: [Float]
    /// Bias padded with zeros to the packed width.
    let paddedBias: [Float]

    public init(inputChannels: Int, outputChannels: Int, weights: [Float], bias: [Float]) {
        precondition(weights.count == inputChannels * outputChannels && bias.count == outputChannels)
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        self.bias = bias
        let padded = Self.paddedWidth(outputChannels)
        var panels = [Float](repeating: 0, count: padded * inputChannels)
        var start = 0
        while start < outputChannels {
            let width = min(16, padded - start)
            let base = start * inputChannels
            for k in 0..<inputChannels {
                for j in 0..<width where start + j < outputChannels {
                    panels[base + k * width + j] = weights[k * outputChannels + start + j]
                }
            }
            start += width
        }
        self.panels = panels
        self.paddedBias = bias + [Float](repeating: 0, count: padded - outputChannels)
    }

    /// `outputChannels` rounded up to a multiple of 8.
    static func paddedWidth(_ n: Int) -> Int { (n + 7) & ~7 }
}

/// Weights of a depthwise convolution: `taps` is `[kernel · kernel][channels]` (tap-major, tap
/// `ky · kernel + kx`, channels contiguous so one vector load serves 8 channels), `bias` has
/// `channels` values.
public struct DepthwiseWeights: Sendable {
    public let kernel: Int
    public let channels: Int
    public let taps: [Float]
    public let bias: [Float]

    public init(kernel: Int, channels: Int, taps: [Float], bias: [Float]) {
        precondition(taps.count == kernel * kernel * channels && bias.count == channels)
        self.kernel = kernel
        self.channels = channels
        self.taps = taps
        self.bias = bias
    }
}

/// Weights of a dense k×k convolution for im2col + GEMM: the matrix is `[(kernel · kernel ·
/// inputChannels) × outputChannels]` row-major with patch rows ordered `(ky, kx, ci)`, matching the
/// NHWC im2col buffer; `bias` has `outputChannels` values. Stored as the ``PointwiseWeights`` of the
/// equivalent 1×1 convolution over patches.
public struct ConvolutionWeights: Sendable {
    public let kernel: Int
    public let inputChannels: Int
    public var outputChannels: Int { matrix.outputChannels }
    let matrix: PointwiseWeights

    public init(kernel: Int, inputChannels: Int, outputChannels: Int, weights: [Float], bias: [Float]) {
        precondition(weights.count == kernel * kernel * inputChannels * outputChannels && bias.count == outputChannels)
        self.kernel = kernel
        self.inputChannels = inputChannels
        matrix = PointwiseWeights(inputChannels: kernel * kernel * inputChannels, outputChannels: outputChannels,
                                  weights: weights, bias: bias)
    }

    /// Rows of the GEMM's `B` matrix (`kernel · kernel · inputChannels`).
    public var patchLength: Int { kernel * kernel * inputChannels }
}
