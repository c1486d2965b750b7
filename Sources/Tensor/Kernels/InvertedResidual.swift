#if canImport(Glibc)
import Glibc
#endif

/// A whole MBConv block (inverted residual: 1×1 expand + ReLU6 → depthwise k×k/s + ReLU6 → 1×1
/// project, plus the input when `residual`) computed in bands of output rows, so the expanded and
/// depthwise activations of a band stay in L2 instead of being written out as whole maps (the first
/// blocks' expanded maps are 1.8–4.8 MB each, larger than L2).
///
/// For each band of `bandRows` output rows it expands only the input rows the band's depthwise taps
/// need that the previous band did not already expand (they slide down a window buffer), runs the
/// depthwise convolution into a band buffer, and projects the band straight into `output`. The
/// three steps are the ordinary kernels (``PointwiseConvolution``, ``DepthwiseConvolution``), called
/// on views whose origin is shifted so the kernels' absolute row indices land in the buffers.
///
/// `isa` selects the kernels' instruction set (see ``KernelISA``).
///
/// Threads split `rows` (output rows); each needs its own `scratch` of ``scratchCount(input:expandedChannels:kernel:stride:bandRows:)`` floats.
public enum InvertedResidual {
    /// Output rows per band for an output map `outputWidth` wide: about 128 pixels, enough 6-pixel
    /// tiles to keep the 1×1 kernels efficient while the band's buffers stay in L2.
    public static func bandRows(outputWidth: Int) -> Int { max(1, (128 + outputWidth - 1) / outputWidth) }

    /// Scratch floats one thread needs.
    public static func scratchCount(input: (height: Int, width: Int), expandedChannels c: Int, kernel k: Int, stride s: Int, bandRows: Int) -> Int {
        let outWidth = SamePadding(inputSize: input.width, kernel: k, stride: s).outputSize
        let windowRows = min(input.height, (bandRows - 1) * s + k)
        return windowRows * input.width * c + bandRows * outWidth * c
    }

    public static func apply(
        input x: FeatureMap, expand: PointwiseWeights?, depthwise: DepthwiseWeights, stride s: Int,
        project: PointwiseWeights, residual: Bool, output y: FeatureMap, rows: Range<Int>, bandRows: Int, scratch: FeatureMap,
        isa: KernelISA = .preferred
    ) {
        let k = depthwise.kernel, c = depthwise.channels
        let padY = SamePadding(inputSize: x.height, kernel: k, stride: s)
        precondition(expand.map { $0.inputChannels == x.channels && $0.outputChannels == c } ?? (x.channels == c))
        precondition(project.inputChannels == c && project.outputChannels == y.channels)
        precondition(y.height == padY.outputSize && rows.lowerBound >= 0 && rows.upperBound <= y.height)
        precondition(scratch.count >= scratchCount(input: (x.height, x.width), expandedChannels: c, kernel: k, stride: s, bandRows: bandRows))
        let rowFloats = x.width * c
        let window = scratch.base
        let windowRows = min(x.height, (bandRows - 1) * s + k)
        let band = scratch.base + windowRows * rowFloats
        // Input rows [held.lowerBound, held.upperBound) are expanded in `window`, first row first.
        var held = 0..<0
        var oy0 = rows.lowerBound
        while oy0 < rows.upperBound {
            let oy1 = min(oy0 + bandRows, rows.upperBound)
            let needed = max(0, oy0 * s - padY.before)..<min(x.height, (oy1 - 1) * s - padY.before + k)
            let expanded: FeatureMap
            if let expand {
                if held.contains(needed.lowerBound) {
                    // Slide the rows this band shares with the previous one to the front.
                    memmove(window, window + (needed.lowerBound - held.lowerBound) * rowFloats,
                            (held.upperBound - needed.lowerBound) * rowFloats * MemoryLayout<Float>.stride)
                    held = needed.lowerBound..<held.upperBound
                } else {
                    held = needed.lowerBound..<needed.lowerBound
                }
                // A view of the whole expanded map whose row `held.lowerBound` is `window`'s first row:
                // only rows in `needed` are ever touched through it.
                expanded = FeatureMap(base: window - held.lowerBound * rowFloats, height: x.height, width: x.width, channels: c)
                if needed.upperBound > held.upperBound {
                    PointwiseConvolution.apply(input: x, weights: expand, activation: .relu6, output: expanded,
                                               pixels: (held.upperBound * x.width)..<(needed.upperBound * x.width), isa: isa)
                    held = held.lowerBound..<needed.upperBound
                }
            } else {
                expanded = x
            }
            // The band buffer seen as the whole depthwise output map (rows oy0..<oy1 are real).
            let depthwiseOut = FeatureMap(base: band - oy0 * y.width * c, height: y.height, width: y.width, channels: c)
            DepthwiseConvolution.apply(input: expanded, weights: depthwise, stride: s, activation: .relu6,
                                       output: depthwiseOut, rows: oy0..<oy1, isa: isa)
            PointwiseConvolution.apply(input: depthwiseOut, weights: project, activation: .none, residual: residual ? x : nil,
                                       output: y, pixels: (oy0 * y.width)..<(oy1 * y.width), isa: isa)
            oy0 = oy1
        }
    }
}
