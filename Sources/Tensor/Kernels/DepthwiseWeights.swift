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
