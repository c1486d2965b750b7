/// Weights of a 1×1 convolution in the layout the GEMM wants: `weights` is `[inputChannels ×
/// outputChannels]` row-major (so `out[p] = in[p] · W + bias`), `bias` has `outputChannels` values.
public struct PointwiseWeights: Sendable {
    public let inputChannels: Int
    public let outputChannels: Int
    public let weights: [Float]
    public let bias: [Float]

    public init(inputChannels: Int, outputChannels: Int, weights: [Float], bias: [Float]) {
        precondition(weights.count == inputChannels * outputChannels && bias.count == outputChannels)
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        self.weights = weights
        self.bias = bias
    }
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

/// Weights of a dense k×k convolution for im2col + GEMM: `weights` is `[(kernel · kernel ·
/// inputChannels) × outputChannels]` row-major with patch rows ordered `(ky, kx, ci)`, matching the
/// NHWC im2col buffer; `bias` has `outputChannels` values.
public struct ConvolutionWeights: Sendable {
    public let kernel: Int
    public let inputChannels: Int
    public let outputChannels: Int
    public let weights: [Float]
    public let bias: [Float]

    public init(kernel: Int, inputChannels: Int, outputChannels: Int, weights: [Float], bias: [Float]) {
        precondition(weights.count == kernel * kernel * inputChannels * outputChannels && bias.count == outputChannels)
        self.kernel = kernel
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        self.weights = weights
        self.bias = bias
    }

    /// Rows of the GEMM's `B` matrix (`kernel · kernel · inputChannels`).
    public var patchLength: Int { kernel * kernel * inputChannels }
}
