/// The EfficientNet-Lite0 architecture (`efficientnet_lite_builder.py`, width = depth = 1.0): a 3×3/2
/// stem to 32 channels, 16 MBConv blocks without squeeze-excite, a 1×1 head to 1280 channels, global
/// average pooling and a 1000-way classifier. ReLU6 after the stem, expand, depthwise and head convs;
/// the project conv is linear; residual when stride 1 and `in == out`.
enum EfficientNetLite0 {
    static let inputSize = 224
    static let stemChannels = 32
    static let headChannels = 1280
    static let classCount = 1000
    /// BatchNorm epsilon of the TensorFlow checkpoint the weights were converted from.
    static let batchNormEpsilon = 1e-3

    struct Block: Sendable {
        var kernel: Int
        var stride: Int
        var expandRatio: Int
        var inputChannels: Int
        var outputChannels: Int
        var expandedChannels: Int { inputChannels * expandRatio }
        var hasResidual: Bool { stride == 1 && inputChannels == outputChannels }
    }

    /// (repeats, kernel, stride, expand ratio, in, out) per stage; the stride applies to the first repeat.
    static let stages: [(Int, Int, Int, Int, Int, Int)] = [
        (1, 3, 1, 1, 32, 16), (2, 3, 2, 6, 16, 24), (2, 5, 2, 6, 24, 40), (3, 3, 2, 6, 40, 80),
        (3, 5, 1, 6, 80, 112), (4, 5, 2, 6, 112, 192), (1, 3, 1, 6, 192, 320),
    ]

    static let blocks: [Block] = stages.flatMap { repeats, kernel, stride, expand, cin, cout in
        (0..<repeats).map { j in
            Block(kernel: kernel, stride: j == 0 ? stride : 1, expandRatio: expand,
                  inputChannels: j == 0 ? cin : cout, outputChannels: cout)
        }
    }
}
