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
    /// The weights rounded to bfloat16 for ``KernelISA/avx512bf16`` (nil until
    /// ``withBFloat16Panels()``): every panel 16 columns wide, `(inputChannels + 1) / 2` rows of 16
    /// column pairs, element `[p][j][t]` = `W[2p + t][16·panel + j]` (zero past the matrix).
    private(set) var bf16Panels: [UInt16]?
    /// The int8 form (nil until ``withInt8(clip:weightLimit:activationLevels:isa:)``); when present, ``PointwiseConvolution`` runs it
    /// instead of the float32 kernels.
    public private(set) var int8: Int8PointwiseWeights?

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

    /// A copy that also carries the weights rounded to bfloat16 (round to nearest even), for the
    /// opt-in ``KernelISA/avx512bf16`` kernels (+50% weight memory). Inputs of at most 4096 channels.
    public func withBFloat16Panels() -> PointwiseWeights {
        precondition(inputChannels <= 4096, "the bf16 kernel takes at most 4096 input channels")
        let k = inputChannels, pairs = (k + 1) / 2
        let panelCount = (Self.paddedWidth(outputChannels) + 15) / 16
        var packed = [UInt16](repeating: 0, count: panelCount * pairs * 32)
        for panel in 0..<panelCount {
            let column = panel * 16
            let width = min(16, Self.paddedWidth(outputChannels) - column)
            for kk in 0..<k {
                for j in 0..<width where column + j < outputChannels {
                    let value = panels[column * k + kk * width + j]
                    packed[panel * pairs * 32 + (kk / 2) * 32 + j * 2 + (kk % 2)] = Self.bfloat16(value)
                }
            }
        }
        var copy = self
        copy.bf16Panels = packed
        return copy
    }

    /// The weights unpacked to `[inputChannels × outputChannels]` row-major.
    public var matrix: [Float] {
        var matrix = [Float](repeating: 0, count: inputChannels * outputChannels)
        let padded = Self.paddedWidth(outputChannels)
        var start = 0
        while start < outputChannels {
            let width = min(16, padded - start)
            for k in 0..<inputChannels {
                for j in 0..<width where start + j < outputChannels {
                    matrix[k * outputChannels + start + j] = panels[start * inputChannels + k * width + j]
                }
            }
            start += width
        }
        return matrix
    }

    /// A copy that runs as int8 (``Int8PointwiseWeights``: per-channel int8 weights, activations
    /// quantised per pixel to 0…`activationLevels` over `clip` × the row's range, weight codes within
    /// ±`weightLimit`) on `isa`'s kernels.
    public func withInt8(clip: Float = 1, weightLimit: Int = 127, activationLevels: Int = 127,
                         isa: Int8KernelISA = .preferred) -> PointwiseWeights {
        var copy = self
        copy.int8 = Int8PointwiseWeights(inputChannels: inputChannels, outputChannels: outputChannels, weights: matrix,
                                         bias: bias, clip: clip, weightLimit: weightLimit, activationLevels: activationLevels,
                                         isa: isa)
        return copy
    }

    /// A copy without the int8 form (float32 again).
    public func withoutInt8() -> PointwiseWeights {
        var copy = self
        copy.int8 = nil
        return copy
    }

    /// `value` rounded to the nearest bfloat16 (ties to even), as its 16 bits.
    static func bfloat16(_ value: Float) -> UInt16 {
        let bits = value.bitPattern
        if value.isNaN { return UInt16(bits >> 16) | 0x40 }
        return UInt16((bits &+ 0x7FFF &+ ((bits >> 16) & 1)) >> 16)
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
    private(set) var matrix: PointwiseWeights

    public init(kernel: Int, inputChannels: Int, outputChannels: Int, weights: [Float], bias: [Float]) {
        precondition(weights.count == kernel * kernel * inputChannels * outputChannels && bias.count == outputChannels)
        self.kernel = kernel
        self.inputChannels = inputChannels
        matrix = PointwiseWeights(inputChannels: kernel * kernel * inputChannels, outputChannels: outputChannels,
                                  weights: weights, bias: bias)
    }

    /// Rows of the GEMM's `B` matrix (`kernel · kernel · inputChannels`).
    public var patchLength: Int { kernel * kernel * inputChannels }

    /// A copy whose GEMM weights also carry bf16 panels (see ``PointwiseWeights/withBFloat16Panels()``).
    public func withBFloat16Panels() -> ConvolutionWeights {
        var copy = self
        copy.matrix = matrix.withBFloat16Panels()
        return copy
    }
}
