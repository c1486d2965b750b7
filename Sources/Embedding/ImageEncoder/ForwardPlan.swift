import Tensor

/// Where each activation of one forward pass lives in a ``ScratchArena``, sized once from the
/// architecture so a pass allocates nothing.
///
/// Four regions, reused block after block: `x` (block input), `y` (block output; swapped with `x`
/// after each block so the residual input is still there), `expanded` (1×1 expand output; the stem's
/// im2col buffer before that) and `depthwise` (depthwise output; the normalised input image before
/// that). `pooled` holds the 1280 averaged head channels. Blocks on maps of at least
/// ``fusedMinimumSide`` run fused (``InvertedResidual``) and use only `fused`, the band scratch of
/// one thread, instead of `expanded` and `depthwise`.
struct ForwardPlan: Sendable {
    /// Blocks whose input map is at least this many pixels on a side run as one fused kernel: their
    /// expanded maps (0.75–4.8 MB) would not fit in L2. Smaller maps fit, and run layer by layer so
    /// threads can split the 1×1 convolutions by output channels.
    static let fusedMinimumSide = 28

    var x = 0, y = 0, expanded = 0, depthwise = 0, fused = 0, pooled = 0
    var fusedCount = 0
    var capacity = 0

    init() {
        let size = EfficientNetLite0.inputSize
        var side = SamePadding(inputSize: size, kernel: 3, stride: 2).outputSize
        var maxBlockIO = side * side * EfficientNetLite0.stemChannels
        var maxExpanded = side * side * 3 * 3 * 3 // stem im2col
        var maxDepthwise = size * size * 3 // input image
        for block in EfficientNetLite0.blocks {
            let c = block.expandedChannels
            let outSide = SamePadding(inputSize: side, kernel: block.kernel, stride: block.stride).outputSize
            if side >= Self.fusedMinimumSide {
                fusedCount = max(fusedCount, InvertedResidual.scratchCount(
                    input: (side, side), expandedChannels: c, kernel: block.kernel, stride: block.stride,
                    bandRows: InvertedResidual.bandRows(outputWidth: outSide)))
            } else {
                if block.expandRatio != 1 { maxExpanded = max(maxExpanded, side * side * c) }
                maxDepthwise = max(maxDepthwise, outSide * outSide * c)
            }
            side = outSide
            maxBlockIO = max(maxBlockIO, side * side * block.outputChannels)
        }
        maxExpanded = max(maxExpanded, side * side * EfficientNetLite0.headChannels) // head output
        // Round every region up to 16 floats (64 bytes) so each starts cache-line aligned.
        func round(_ n: Int) -> Int { (n + 15) & ~15 }
        x = 0
        y = x + round(maxBlockIO)
        expanded = y + round(maxBlockIO)
        depthwise = expanded + round(maxExpanded)
        fused = depthwise + round(maxDepthwise)
        pooled = fused + round(fusedCount)
        capacity = pooled + round(EfficientNetLite0.headChannels)
    }
}
