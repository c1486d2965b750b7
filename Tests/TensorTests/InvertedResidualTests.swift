import Testing
import Tensor

@Suite struct InvertedResidualTests {
    /// The banded, fused block equals expand → depthwise → project run layer by layer on whole maps,
    /// for odd sizes, both strides and kernels, several band heights, and rows split in two parts
    /// with separate scratch (as two threads run it).
    @Test(arguments: [(3, 1), (3, 2), (5, 1), (5, 2)])
    func matchesLayerByLayer(kernel: Int, stride: Int) {
        Self.check(kernel: kernel, stride: stride, isa: .avx2)
    }

    static func check(kernel: Int, stride: Int, isa: KernelISA) {
        var rng = SeededValues(seed: UInt64(100 + kernel * 10 + stride))
        for (h, w, cin, c, cout, withExpand) in [(13, 11, 8, 16, 8, true), (9, 10, 5, 12, 5, true), (12, 7, 16, 16, 16, false)] {
            let x = OwnedMap(height: h, width: w, channels: cin, values: rng.array(h * w * cin, scale: 2))
            let expand = withExpand ? PointwiseWeights(inputChannels: cin, outputChannels: c, weights: rng.array(cin * c), bias: rng.array(c)) : nil
            let dw = DepthwiseWeights(kernel: kernel, channels: c, taps: rng.array(kernel * kernel * c), bias: rng.array(c))
            let project = PointwiseWeights(inputChannels: c, outputChannels: cout, weights: rng.array(c * cout), bias: rng.array(cout))
            let residual = stride == 1 && cin == cout
            let pad = SamePadding(inputSize: h, kernel: kernel, stride: stride)
            let padX = SamePadding(inputSize: w, kernel: kernel, stride: stride)

            // Layer by layer.
            let e = OwnedMap(height: h, width: w, channels: c)
            if let expand {
                PointwiseConvolution.apply(input: x.map, weights: expand, activation: .relu6, output: e.map, pixels: 0..<(h * w), isa: isa)
            }
            let d = OwnedMap(height: pad.outputSize, width: padX.outputSize, channels: c)
            DepthwiseConvolution.apply(input: expand == nil ? x.map : e.map, weights: dw, stride: stride, activation: .relu6,
                                       output: d.map, rows: 0..<pad.outputSize, isa: isa)
            let expected = OwnedMap(height: pad.outputSize, width: padX.outputSize, channels: cout)
            PointwiseConvolution.apply(input: d.map, weights: project, activation: .none, residual: residual ? x.map : nil,
                                       output: expected.map, pixels: 0..<expected.map.pixelCount, isa: isa)

            for bandRows in [1, 2, 3, 7] {
                let y = OwnedMap(height: pad.outputSize, width: padX.outputSize, channels: cout)
                let count = InvertedResidual.scratchCount(input: (h, w), expandedChannels: c, kernel: kernel, stride: stride, bandRows: bandRows)
                let mid = pad.outputSize / 2
                for rows in [0..<mid, mid..<pad.outputSize] {
                    let scratch = OwnedMap(height: 1, width: 1, channels: count)
                    InvertedResidual.apply(input: x.map, expand: expand, depthwise: dw, stride: stride, project: project,
                                           residual: residual, output: y.map, rows: rows, bandRows: bandRows, scratch: scratch.map, isa: isa)
                }
                #expect(maxAbsDifference(y.map.toArray(), expected.map.toArray()) < 1e-4,
                        "\(isa) \(h)×\(w) \(cin)→\(c)→\(cout) k\(kernel) s\(stride) band \(bandRows)")
            }
        }
    }
}
