import Tensor

extension ImageEncoder {
    /// Runs the network on the image already in `arena` at `plan.depthwise` (224×224×3 NHWC,
    /// normalised) and leaves the 1280 pooled head channels at `plan.pooled`. Each layer is split
    /// over `workers` threads by output rows (1 = run on the calling thread).
    func forward(arena: ScratchArena, workers: Int) {
        let plan = self.plan
        let size = EfficientNetLite0.inputSize
        let image = arena.featureMap(at: plan.depthwise, height: size, width: size, channels: 3)
        let stemPad = SamePadding(inputSize: size, kernel: 3, stride: 2)
        var x = arena.featureMap(at: plan.x, height: stemPad.outputSize, width: stemPad.outputSize,
                                 channels: weights.stem.outputChannels)
        let im2col = arena.slice(at: plan.expanded, count: x.pixelCount * weights.stem.patchLength)
        let rowFloats = x.width * weights.stem.patchLength
        Self.split(x.height, workers) { rows in
            DenseConvolution.apply(
                input: image, weights: weights.stem, stride: 2, activation: .relu6, output: x, rows: rows,
                scratch: FeatureMap(base: im2col.base + rows.lowerBound * rowFloats, height: 1, width: 1,
                                    channels: rows.count * rowFloats))
        }
        var yOffset = plan.y
        var xOffset = plan.x
        for block in weights.blocks {
            let spec = block.spec
            var expandedInput = x
            if let expand = block.expand {
                let e = arena.featureMap(at: plan.expanded, height: x.height, width: x.width, channels: expand.outputChannels)
                let input = x
                Self.split(x.pixelCount, workers) { pixels in
                    PointwiseConvolution.apply(input: input, weights: expand, activation: .relu6, output: e, pixels: pixels)
                }
                expandedInput = e
            }
            let pad = SamePadding(inputSize: x.height, kernel: spec.kernel, stride: spec.stride)
            let d = arena.featureMap(at: plan.depthwise, height: pad.outputSize, width: pad.outputSize,
                                     channels: spec.expandedChannels)
            let dwInput = expandedInput
            Self.split(d.height, workers) { rows in
                DepthwiseConvolution.apply(input: dwInput, weights: block.depthwise, stride: spec.stride,
                                           activation: .relu6, output: d, rows: rows)
            }
            let y = arena.featureMap(at: yOffset, height: d.height, width: d.width, channels: spec.outputChannels)
            let residual = spec.hasResidual ? x : nil
            Self.split(y.pixelCount, workers) { pixels in
                PointwiseConvolution.apply(input: d, weights: block.project, activation: .none, residual: residual,
                                           output: y, pixels: pixels)
            }
            x = y
            swap(&xOffset, &yOffset)
        }
        let head = arena.featureMap(at: plan.expanded, height: x.height, width: x.width, channels: weights.head.outputChannels)
        let headInput = x
        Self.split(x.pixelCount, workers) { pixels in
            PointwiseConvolution.apply(input: headInput, weights: weights.head, activation: .relu6, output: head, pixels: pixels)
        }
        GlobalAveragePool.apply(input: head, output: arena.slice(at: plan.pooled, count: head.channels).base)
    }

    static func split(_ count: Int, _ workers: Int, _ body: (Range<Int>) -> Void) {
        Parallel.split(count, parts: workers, body)
    }
}
