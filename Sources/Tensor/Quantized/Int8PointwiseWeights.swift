import CConvKernels

/// The int8 form of a 1×1 convolution's weights, for ``PointwiseConvolution`` when a
/// ``PointwiseWeights`` carries one (``PointwiseWeights/withInt8(clip:isa:)``).
///
/// Weights are quantised symmetrically per output channel (`scale_j = max_k |W[k][j]| / L`, values
/// rounded to nearest in [−L, L], `L` = ``weightLimit``: 64 by default, which lets the AVX2 kernel use
/// `vpmaddubsw` without saturating; 127 runs exactly too but slower on AVX2) and packed in panels of 16 columns, each `[⌈K/4⌉][16][4]`, the
/// layout `vpdpbusd` reads. Activations are quantised per row (pixel) on the fly by the kernel — to
/// [0, 255] when the row has no negative value, else [−127, 127] — with the threshold `clip` × the
/// row's largest magnitude (`clip` ≤ 1 trades saturating outliers for finer steps; calibration
/// chooses it per layer). Sums are exact int32; the result is dequantised with the row and column
/// scales, the float bias added, ReLU6 and the residual applied before the single float store.
public struct Int8PointwiseWeights: Sendable {
    public let inputChannels: Int
    public let outputChannels: Int
    /// Activation threshold as a fraction of each row's largest magnitude (0 < clip ≤ 1).
    public let clip: Float
    /// The kernels that run these weights.
    public let isa: Int8KernelISA
    /// Largest weight code magnitude (64 or 127).
    public let weightLimit: Int
    let panels: [Int8]
    /// Per output channel, padded with zeros to 16 · panel count.
    let scales: [Float]
    let columnSums: [Int32]
    let paddedBias: [Float]

    /// Quantises `weights` (`[inputChannels × outputChannels]` row-major) and packs them.
    public init(inputChannels: Int, outputChannels: Int, weights: [Float], bias: [Float], clip: Float = 1,
                weightLimit: Int = Int8PointwiseWeights.narrowLimit, isa: Int8KernelISA = .preferred) {
        precondition(weightLimit >= 1 && weightLimit <= 127)
        precondition(weights.count == inputChannels * outputChannels && bias.count == outputChannels)
        precondition(inputChannels <= 4096, "the int8 kernel takes at most 4096 input channels")
        precondition(clip > 0 && clip <= 1)
        precondition(isa.isSupported, "\(isa) int8 kernels are not supported on this CPU")
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        self.clip = clip
        self.isa = isa
        self.weightLimit = weightLimit
        let limit = Float(weightLimit)
        let k = inputChannels, n = outputChannels
        let panelCount = (n + 15) / 16, quads = (k + 3) / 4, width = panelCount * 16
        var scales = [Float](repeating: 0, count: width)
        var sums = [Int32](repeating: 0, count: width)
        var packed = [Int8](repeating: 0, count: panelCount * quads * 64)
        for j in 0..<n {
            var largest: Float = 0
            for i in 0..<k { largest = max(largest, abs(weights[i * n + j])) }
            let scale = largest > 0 ? largest / limit : 1
            scales[j] = largest > 0 ? scale : 0
            let panel = j / 16, column = j % 16
            var sum: Int32 = 0
            for i in 0..<k {
                let q = Int8(max(-limit, min(limit, (weights[i * n + j] / scale).rounded(.toNearestOrEven))))
                packed[panel * quads * 64 + (i / 4) * 64 + column * 4 + i % 4] = q
                sum += Int32(q)
            }
            sums[j] = sum
        }
        panels = packed
        self.scales = scales
        columnSums = sums
        paddedBias = bias + [Float](repeating: 0, count: width - n)
    }

    /// Weight codes within ±64 keep AVX2's `vpmaddubsw` exact (2 · 255 · 64 < 2¹⁵).
    public static let narrowLimit = Int(VS_INT8_NARROW_LIMIT)

    /// Number of 16-column panels (the same split as the float weights' ``PointwiseConvolution/panelCount(_:)``).
    public var panelCount: Int { (outputChannels + 15) / 16 }

    /// Runs the kernel on rows `pixels` × panels `panels` (see ``PointwiseConvolution/apply``).
    func apply(input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, residual: UnsafePointer<Float>?,
               relu6: Bool, pixels: Range<Int>, panels panelRange: Range<Int>) {
        panels.withUnsafeBufferPointer { packed in
            scales.withUnsafeBufferPointer { scales in
                columnSums.withUnsafeBufferPointer { sums in
                    paddedBias.withUnsafeBufferPointer { bias in
                        let weights = vs_int8_weights(panels: packed.baseAddress!, scales: scales.baseAddress!,
                                                      column_sums: sums.baseAddress!, bias: bias.baseAddress!,
                                                      k: inputChannels, n: outputChannels,
                                                      narrow: weightLimit <= Self.narrowLimit ? 1 : 0)
                        vs_pointwise_int8(isa.code, input, weights, output, residual, relu6 ? 1 : 0, clip,
                                          pixels.lowerBound, pixels.upperBound, panelRange.lowerBound, panelRange.upperBound)
                    }
                }
            }
        }
    }
}
