/// TensorFlow "SAME" padding along one spatial axis: the output has `ceil(input / stride)` positions
/// and the total padding `max((output − 1) · stride + kernel − input, 0)` is split with the extra pixel
/// **after** (bottom/right). For stride 2 on an even size that is (0, 1) for k = 3 and (1, 2) for k = 5,
/// unlike PyTorch's symmetric `padding = k / 2`.
public struct SamePadding: Sendable, Equatable {
    /// Zero rows/columns added before the first input position.
    public var before: Int
    /// Zero rows/columns added after the last input position.
    public var after: Int
    /// Number of output positions.
    public var outputSize: Int

    public init(inputSize: Int, kernel: Int, stride: Int) {
        precondition(inputSize > 0 && kernel > 0 && stride > 0)
        outputSize = (inputSize + stride - 1) / stride
        let total = max((outputSize - 1) * stride + kernel - inputSize, 0)
        before = total / 2
        after = total - total / 2
    }
}
