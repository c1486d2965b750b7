import Tensor

/// Deterministic pseudo-random values in [-1, 1) (SplitMix64), so failures reproduce.
struct SeededValues {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> Float {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Float(z >> 40) / Float(1 << 23) - 1
    }
    mutating func array(_ n: Int, scale: Float = 1) -> [Float] { (0..<n).map { _ in next() * scale } }
}

/// A feature map backed by its own arena, for tests.
struct OwnedMap {
    let arena: ScratchArena
    let map: FeatureMap
    init(height: Int, width: Int, channels: Int, values: [Float]? = nil) {
        arena = ScratchArena(capacity: max(1, height * width * channels))
        map = arena.featureMap(at: 0, height: height, width: width, channels: channels)
        if let values { map.assign(values) }
    }
}

/// Naive NHWC convolution with TF SAME padding and `groups` (1 = dense, channels = depthwise).
/// Weights `[Cout][Cin/groups][k][k]` (PyTorch layout), the oracle for the kernels.
func naiveConvolution(
    input: [Float], height: Int, width: Int, inputChannels: Int, weights: [Float], bias: [Float],
    kernel k: Int, stride: Int, groups: Int, activation: Activation
) -> (values: [Float], height: Int, width: Int) {
    let outputChannels = bias.count
    let padY = SamePadding(inputSize: height, kernel: k, stride: stride)
    let padX = SamePadding(inputSize: width, kernel: k, stride: stride)
    let oh = padY.outputSize, ow = padX.outputSize
    let cinPerGroup = inputChannels / groups, coutPerGroup = outputChannels / groups
    var out = [Float](repeating: 0, count: oh * ow * outputChannels)
    for oy in 0..<oh { for ox in 0..<ow { for co in 0..<outputChannels {
        let g = co / coutPerGroup
        var acc = Double(bias[co])
        for ci in 0..<cinPerGroup { for ky in 0..<k { for kx in 0..<k {
            let iy = oy * stride - padY.before + ky, ix = ox * stride - padX.before + kx
            guard iy >= 0, iy < height, ix >= 0, ix < width else { continue }
            let x = input[(iy * width + ix) * inputChannels + g * cinPerGroup + ci]
            acc += Double(x) * Double(weights[((co * cinPerGroup + ci) * k + ky) * k + kx])
        } } }
        out[(oy * ow + ox) * outputChannels + co] = activation(Float(acc))
    } } }
    return (out, oh, ow)
}

func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count)
    return zip(a, b).map { abs($0 - $1) }.max() ?? 0
}
