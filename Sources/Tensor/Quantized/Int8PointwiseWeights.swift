import CConvKernels

/// The int8 form of a 1×1 convolution's weights, for ``PointwiseConvolution`` when a
/// ``PointwiseWeights`` carries one (``PointwiseWeights/withInt8(clip:weightLimit:activationLevels:isa:)``).
///
/// Weights are quantised symmetrically per output channel (`scale_j` = a threshold / L chosen to
/// minimise the channel's squared error, see ``scale(_:limit:)``; values rounded to nearest in [−L, L],
/// `L` = ``weightLimit``: 64 by default, which lets the AVX2 kernel use
/// `vpmaddubsw` without saturating; 127 runs exactly too but slower on AVX2) and packed in panels of
/// 16 columns, each `[⌈K/4⌉][16][4]`, the layout `vpdpbusd` reads. Activations are quantised per row
/// (pixel) on the fly by the kernel, asymmetrically to 0…``activationLevels`` over `clip` ×
/// [min(x, 0), max(x, 0)] (all levels whatever the row's signs; 127 by default, which with ±127
/// weights keeps AVX2's `vpmaddubsw` from saturating — see ``isNarrow``; `clip` < 1 trades saturating outliers for finer steps; calibration
/// chooses it per layer). Sums are exact int32; the result is dequantised with the row and column
/// scales, the float bias added, ReLU6 and the residual applied before the single float store.
public struct Int8PointwiseWeights: Sendable {
    public let inputChannels: Int
    public let outputChannels: Int
    /// Activation threshold as a fraction of each row's largest magnitude (0 < clip ≤ 1).
    public let clip: Float
    /// The kernels that run these weights.
    public let isa: Int8KernelISA
    /// Largest weight code magnitude (1…127).
    public let weightLimit: Int
    /// Largest activation code: pixels are quantised to 0…`activationLevels` (255 or 127).
    public let activationLevels: Int
    let panels: [Int8]
    /// Per output channel, padded with zeros to 16 · panel count.
    let scales: [Float]
    let columnSums: [Int32]
    let paddedBias: [Float]

    /// Quantises `weights` (`[inputChannels × outputChannels]` row-major) and packs them.
    public init(inputChannels: Int, outputChannels: Int, weights: [Float], bias: [Float], clip: Float = 1,
                weightLimit: Int = 127, activationLevels: Int = 127, isa: Int8KernelISA = .preferred) {
        precondition(weightLimit >= 1 && weightLimit <= 127 && activationLevels >= 1 && activationLevels <= 255)
        precondition(weights.count == inputChannels * outputChannels && bias.count == outputChannels)
        precondition(inputChannels <= 4096, "the int8 kernel takes at most 4096 input channels")
        precondition(clip > 0 && clip <= 1)
        precondition(isa.isSupported, "\(isa) int8 kernels are not supported on this CPU")
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        self.clip = clip
        self.isa = isa
        self.weightLimit = weightLimit
        self.activationLevels = activationLevels
        let limit = Float(weightLimit)
        let k = inputChannels, n = outputChannels
        let panelCount = (n + 15) / 16, quads = (k + 3) / 4, width = panelCount * 16
        var scales = [Float](repeating: 0, count: width)
        var sums = [Int32](repeating: 0, count: width)
        var packed = [Int8](repeating: 0, count: panelCount * quads * 64)
        var column = [Float](repeating: 0, count: k)
        for j in 0..<n {
            for i in 0..<k { column[i] = weights[i * n + j] }
            let scale = Self.scale(column, limit: limit)
            scales[j] = scale
            let panel = j / 16, slot = j % 16
            var sum: Int32 = 0
            for i in 0..<k {
                let q = Self.code(column[i], scale: scale, limit: limit)
                packed[panel * quads * 64 + (i / 4) * 64 + slot * 4 + i % 4] = q
                sum += Int32(q)
            }
            sums[j] = sum
        }
        panels = packed
        self.scales = scales
        columnSums = sums
        paddedBias = bias + [Float](repeating: 0, count: width - n)
    }

    /// The code of `value` at `scale` (round to nearest even, saturated to ±`limit`); 0 for scale 0.
    @inline(__always)
    static func code(_ value: Float, scale: Float, limit: Float) -> Int8 {
        guard scale > 0 else { return 0 }
        return Int8(max(-limit, min(limit, (value / scale).rounded(.toNearestOrEven))))
    }

    /// The scale of one output channel: of the thresholds `r` × the largest magnitude, r = 1, 0.98, …,
    /// 0.6, the one whose codes reconstruct the column with the least squared error (with few levels,
    /// clipping a rare large weight buys finer steps for all the others). Deterministic.
    static func scale(_ column: [Float], limit: Float) -> Float {
        let largest = column.reduce(0) { max($0, abs($1)) }
        guard largest > 0 else { return 0 }
        var best = largest / limit, bestError = Float.infinity
        for step in 0...20 {
            let scale = largest * (1 - Float(step) * 0.02) / limit
            var error: Float = 0
            for w in column {
                let d = w - Float(code(w, scale: scale, limit: limit)) * scale
                error += d * d
            }
            if error < bestError {
                bestError = error
                best = scale
            }
        }
        return best
    }

    /// Per output channel scales (`outputChannels` values).
    public var channelScales: [Float] { Array(scales[0..<outputChannels]) }

    /// The weight codes unpacked to `[inputChannels × outputChannels]` row-major.
    public var codes: [Int8] {
        let quads = (inputChannels + 3) / 4
        var out = [Int8](repeating: 0, count: inputChannels * outputChannels)
        for i in 0..<inputChannels {
            for j in 0..<outputChannels { out[i * outputChannels + j] = panels[(j / 16) * quads * 64 + (i / 4) * 64 + (j % 16) * 4 + i % 4] }
        }
        return out
    }

    /// True when AVX2's `vpmaddubsw` cannot saturate on these codes (2 · weight limit · activation
    /// levels ≤ 32,767: ±127 with 0…127, or ±64 with 0…255), so the AVX2 kernel takes its fast path.
    public var isNarrow: Bool { 2 * weightLimit * activationLevels <= Int(Int16.max) }

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
                                                      levels: Int32(activationLevels), narrow: isNarrow ? 1 : 0)
                        vs_pointwise_int8(isa.code, input, weights, output, residual, relu6 ? 1 : 0, clip,
                                          pixels.lowerBound, pixels.upperBound, panelRange.lowerBound, panelRange.upperBound)
                    }
                }
            }
        }
    }
}
