import Tensor

/// EfficientNet-Lite0's weights with every BatchNorm folded into the convolution before it and laid
/// out for the kernels (see ``PointwiseWeights``, ``DepthwiseWeights``, ``ConvolutionWeights``).
struct EncoderWeights: Sendable {
    struct Block: Sendable {
        var spec: EfficientNetLite0.Block
        var expand: PointwiseWeights?
        var depthwise: DepthwiseWeights
        var project: PointwiseWeights
    }

    var stem: ConvolutionWeights
    var blocks: [Block]
    var head: PointwiseWeights
    /// The 1280 → 1000 classifier, run as a 1×1 convolution over the batch's pooled rows.
    var classifier: PointwiseWeights

    /// A copy whose 1×1 (and stem) weights also carry bfloat16 panels, for ``KernelISA/avx512bf16``.
    /// The classifier stays float32 (one small GEMM per batch; the logits rank the labels).
    func withBFloat16Panels() -> EncoderWeights {
        var copy = self
        copy.stem = stem.withBFloat16Panels()
        copy.blocks = blocks.map { block in
            var block = block
            block.expand = block.expand?.withBFloat16Panels()
            block.project = block.project.withBFloat16Panels()
            return block
        }
        copy.head = head.withBFloat16Panels()
        return copy
    }

    /// A copy whose 1×1 convolutions run in int8 as `calibration` says (layers in
    /// ``Int8Calibration/layerNames`` order), on `isa`'s kernels. Stem, depthwise and classifier stay float32.
    func withInt8(calibration: Int8Calibration, isa: Int8KernelISA) -> EncoderWeights {
        var copy = self
        var layer = 0
        func next(_ weights: PointwiseWeights) -> PointwiseWeights {
            defer { layer += 1 }
            return calibration.layers[layer].map {
                weights.withInt8(clip: $0.clip, weightLimit: $0.weightLimit, activationLevels: $0.activationLevels, isa: isa)
            } ?? weights
        }
        copy.blocks = blocks.map { block in
            var block = block
            block.expand = block.expand.map(next)
            block.project = next(block.project)
            return block
        }
        copy.head = next(head)
        precondition(layer == calibration.layers.count)
        return copy
    }

    /// Reads the checkpoint tensors (lukemelas naming: `_conv_stem`, `_bn0`, `_blocks.N._expand_conv`,
    /// `_bn0/1/2`, `_depthwise_conv`, `_project_conv`, `_conv_head`, `_bn1`, `_fc`), checks every shape
    /// and folds the BatchNorms: `W' = W · γ/√(σ² + ε)`, `b' = β − μ · γ/√(σ² + ε)`, in Double.
    init(file: SafeTensors) throws {
        let blocks = EfficientNetLite0.blocks
        func folded(conv: String, bn: String, shape: [Int]) throws -> (weights: [Float], bias: [Float], outputs: Int) {
            let w = try file.tensor(conv + ".weight", shape: shape)
            let outputs = shape[0]
            let gamma = try file.tensor(bn + ".weight", shape: [outputs]).values
            let beta = try file.tensor(bn + ".bias", shape: [outputs]).values
            let mean = try file.tensor(bn + ".running_mean", shape: [outputs]).values
            let variance = try file.tensor(bn + ".running_var", shape: [outputs]).values
            let perOutput = w.count / outputs
            var weights = [Float](repeating: 0, count: w.count)
            var bias = [Float](repeating: 0, count: outputs)
            for o in 0..<outputs {
                guard variance[o] >= 0 else {
                    throw WeightFileError(path: file.path, reason: .badTensor(name: bn + ".running_var", detail: "negative variance"))
                }
                let scale = Double(gamma[o]) / (Double(variance[o]) + EfficientNetLite0.batchNormEpsilon).squareRoot()
                for i in 0..<perOutput { weights[o * perOutput + i] = Float(Double(w.values[o * perOutput + i]) * scale) }
                bias[o] = Float(Double(beta[o]) - Double(mean[o]) * scale)
            }
            return (weights, bias, outputs)
        }
        /// `[Cout, Cin, 1, 1]` → `[Cin × Cout]`.
        func pointwise(conv: String, bn: String, cin: Int, cout: Int) throws -> PointwiseWeights {
            let f = try folded(conv: conv, bn: bn, shape: [cout, cin, 1, 1])
            var t = [Float](repeating: 0, count: cin * cout)
            for o in 0..<cout { for i in 0..<cin { t[i * cout + o] = f.weights[o * cin + i] } }
            return PointwiseWeights(inputChannels: cin, outputChannels: cout, weights: t, bias: f.bias)
        }

        // Stem: [32, 3, 3, 3] (Cout, Cin, ky, kx) → [(ky, kx, ci) × Cout].
        let stem = try folded(conv: "_conv_stem", bn: "_bn0", shape: [EfficientNetLite0.stemChannels, 3, 3, 3])
        var stemT = [Float](repeating: 0, count: stem.weights.count)
        for o in 0..<stem.outputs {
            for ci in 0..<3 { for ky in 0..<3 { for kx in 0..<3 {
                stemT[((ky * 3 + kx) * 3 + ci) * stem.outputs + o] = stem.weights[((o * 3 + ci) * 3 + ky) * 3 + kx]
            } } }
        }
        self.stem = ConvolutionWeights(kernel: 3, inputChannels: 3, outputChannels: stem.outputs, weights: stemT, bias: stem.bias)

        self.blocks = try blocks.enumerated().map { index, spec in
            let p = "_blocks.\(index)."
            let c = spec.expandedChannels, k = spec.kernel
            let expand = spec.expandRatio == 1 ? nil
                : try pointwise(conv: p + "_expand_conv", bn: p + "_bn0", cin: spec.inputChannels, cout: c)
            // Depthwise: [C, 1, k, k] → [k·k][C].
            let dw = try folded(conv: p + "_depthwise_conv", bn: p + "_bn1", shape: [c, 1, k, k])
            var taps = [Float](repeating: 0, count: dw.weights.count)
            for ch in 0..<c { for t in 0..<(k * k) { taps[t * c + ch] = dw.weights[ch * k * k + t] } }
            let project = try pointwise(conv: p + "_project_conv", bn: p + "_bn2", cin: c, cout: spec.outputChannels)
            return Block(spec: spec, expand: expand,
                         depthwise: DepthwiseWeights(kernel: k, channels: c, taps: taps, bias: dw.bias), project: project)
        }
        head = try pointwise(conv: "_conv_head", bn: "_bn1", cin: blocks.last!.outputChannels, cout: EfficientNetLite0.headChannels)
        // `_fc.weight` is PyTorch `Linear` layout `[1000 × 1280]` → `[1280 × 1000]`.
        let classes = EfficientNetLite0.classCount, features = EfficientNetLite0.headChannels
        let fc = try file.tensor("_fc.weight", shape: [classes, features]).values
        var fcT = [Float](repeating: 0, count: fc.count)
        for o in 0..<classes { for i in 0..<features { fcT[i * classes + o] = fc[o * features + i] } }
        classifier = PointwiseWeights(inputChannels: features, outputChannels: classes, weights: fcT,
                                      bias: try file.tensor("_fc.bias", shape: [classes]).values)
    }
}
