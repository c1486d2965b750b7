import Tensor

extension ImageEncoder {
    /// Runs the network on the image already in `arena` at `plan.depthwise` (224×224×3 NHWC,
    /// normalised) and leaves the 1280 pooled head channels at `plan.pooled`. With a `team`, each
    /// layer is split over its threads by output rows; without, it runs on the calling thread.
    /// `scratch[m]` is the arena whose `fused` region team member `m` uses (`scratch[0]` = `arena`).
    func forward(arena: ScratchArena, team: WorkerTeam?, scratch: [ScratchArena]) {
        let plan = self.plan
        let size = EfficientNetLite0.inputSize
        let image = arena.featureMap(at: plan.depthwise, height: size, width: size, channels: 3)
        let stemPad = SamePadding(inputSize: size, kernel: 3, stride: 2)
        var x = arena.featureMap(at: plan.x, height: stemPad.outputSize, width: stemPad.outputSize,
                                 channels: weights.stem.outputChannels)
        let im2col = arena.slice(at: plan.expanded, count: x.pixelCount * weights.stem.patchLength)
        let rowFloats = x.width * weights.stem.patchLength
        split(x.height, team) { rows in
            DenseConvolution.apply(
                input: image, weights: weights.stem, stride: 2, activation: .relu6, output: x, rows: rows,
                scratch: FeatureMap(base: im2col.base + rows.lowerBound * rowFloats, height: 1, width: 1,
                                    channels: rows.count * rowFloats), isa: kernels)
        }
        var yOffset = plan.y
        var xOffset = plan.x
        for block in weights.blocks {
            let spec = block.spec
            if x.height >= ForwardPlan.fusedMinimumSide {
                let pad = SamePadding(inputSize: x.height, kernel: spec.kernel, stride: spec.stride)
                let y = arena.featureMap(at: yOffset, height: pad.outputSize, width: pad.outputSize, channels: spec.outputChannels)
                let bandRows = InvertedResidual.bandRows(outputWidth: y.width)
                let input = x
                let count = InvertedResidual.scratchCount(input: (x.height, x.width), expandedChannels: spec.expandedChannels,
                                                          kernel: spec.kernel, stride: spec.stride, bandRows: bandRows)
                splitWithMember(y.height, team) { member, rows in
                    InvertedResidual.apply(
                        input: input, expand: block.expand, depthwise: block.depthwise, stride: spec.stride,
                        project: block.project, residual: spec.hasResidual, output: y, rows: rows, bandRows: bandRows,
                        scratch: scratch[member].slice(at: plan.fused, count: count), isa: kernels)
                }
                x = y
                swap(&xOffset, &yOffset)
                continue
            }
            let pad = SamePadding(inputSize: x.height, kernel: spec.kernel, stride: spec.stride)
            let d = arena.featureMap(at: plan.depthwise, height: pad.outputSize, width: pad.outputSize,
                                     channels: spec.expandedChannels)
            if let expand = block.expand {
                let e = arena.featureMap(at: plan.expanded, height: x.height, width: x.width, channels: expand.outputChannels)
                let input = x
                if let team, team.size > 1, e.channels % 16 == 0 {
                    // Split by expanded channels: a thread's depthwise channels depend only on the
                    // same channels of the expansion, so expand and depthwise run as one job with
                    // no barrier between them, and every split is even.
                    team.split(PointwiseConvolution.panelCount(expand)) { panels in
                        PointwiseConvolution.apply(input: input, weights: expand, activation: .relu6, output: e,
                                                   pixels: 0..<e.pixelCount, panels: panels, isa: kernels)
                        DepthwiseConvolution.apply(input: e, weights: block.depthwise, stride: spec.stride, activation: .relu6,
                                                   output: d, rows: 0..<d.height,
                                                   channelRange: (panels.lowerBound * 16)..<(panels.upperBound * 16), isa: kernels)
                    }
                } else {
                    pointwise(input: input, weights: expand, activation: .relu6, output: e, team: team)
                    split(d.height, team) { rows in
                        DepthwiseConvolution.apply(input: e, weights: block.depthwise, stride: spec.stride,
                                                   activation: .relu6, output: d, rows: rows, isa: kernels)
                    }
                }
            } else {
                let input = x
                split(d.height, team) { rows in
                    DepthwiseConvolution.apply(input: input, weights: block.depthwise, stride: spec.stride,
                                               activation: .relu6, output: d, rows: rows, isa: kernels)
                }
            }
            let y = arena.featureMap(at: yOffset, height: d.height, width: d.width, channels: spec.outputChannels)
            let residual = spec.hasResidual ? x : nil
            pointwise(input: d, weights: block.project, activation: .none, residual: residual, output: y, team: team)
            x = y
            swap(&xOffset, &yOffset)
        }
        let head = arena.featureMap(at: plan.expanded, height: x.height, width: x.width, channels: weights.head.outputChannels)
        let headInput = x
        pointwise(input: headInput, weights: weights.head, activation: .relu6, output: head, team: team)
        GlobalAveragePool.apply(input: head, output: arena.slice(at: plan.pooled, count: head.channels).base)
    }

    /// A 1×1 convolution split across the team: by pixels when there are many, by output-channel
    /// panels when there are few (7×7 and 14×14 maps with up to 1152 channels), so each thread
    /// reads only its share of the weights.
    private func pointwise(
        input: FeatureMap, weights: PointwiseWeights, activation: Activation, residual: FeatureMap? = nil,
        output: FeatureMap, team: WorkerTeam?
    ) {
        let pixels = output.pixelCount
        guard let team, team.size > 1 else {
            PointwiseConvolution.apply(input: input, weights: weights, activation: activation, residual: residual,
                                       output: output, pixels: 0..<pixels, isa: kernels)
            return
        }
        if pixels >= 64 * team.size {
            team.split(pixels) { range in
                PointwiseConvolution.apply(input: input, weights: weights, activation: activation, residual: residual,
                                           output: output, pixels: range, isa: kernels)
            }
        } else {
            team.split(PointwiseConvolution.panelCount(weights)) { panels in
                PointwiseConvolution.apply(input: input, weights: weights, activation: activation, residual: residual,
                                           output: output, pixels: 0..<pixels, panels: panels, isa: kernels)
            }
        }
    }

    /// Splits `0..<count` across the team, telling each part which member runs it.
    private func splitWithMember(_ count: Int, _ team: WorkerTeam?, _ body: (Int, Range<Int>) -> Void) {
        guard let team, team.size > 1, count > 1 else {
            body(0, 0..<count)
            return
        }
        let parts = min(team.size, count)
        team.run { member in
            guard member < parts else { return }
            body(member, (count * member / parts)..<(count * (member + 1) / parts))
        }
    }

    @inline(__always)
    private func split(_ count: Int, _ team: WorkerTeam?, _ body: (Range<Int>) -> Void) {
        if let team { team.split(count, body) } else { body(0..<count) }
    }
}
