import Testing
import Tensor

@Suite struct SamePaddingTests {
    @Test(arguments: [(224, 3, 2, 0, 1, 112), (112, 5, 2, 1, 2, 56), (7, 3, 1, 1, 1, 7), (15, 5, 2, 2, 2, 8), (9, 3, 2, 1, 1, 5), (1, 5, 1, 2, 2, 1)])
    func matchesTensorFlow(size: Int, kernel: Int, stride: Int, before: Int, after: Int, output: Int) {
        let pad = SamePadding(inputSize: size, kernel: kernel, stride: stride)
        #expect(pad.before == before && pad.after == after && pad.outputSize == output)
    }
}

/// The kernels against naive loops. Each check takes the instruction set: `KernelTests` runs the
/// AVX2 kernels (every x86-64-v3 machine), `AVX512KernelTests` the AVX-512 ones where the CPU has them.
@Suite struct KernelTests {
    @Test(arguments: [(3, 1), (3, 2), (5, 1), (5, 2)])
    func depthwiseMatchesNaiveLoops(kernel: Int, stride: Int) {
        Self.checkDepthwise(kernel: kernel, stride: stride, isa: .avx2)
    }

    @Test func pointwiseMatchesNaiveLoopsWithBiasActivationAndResidual() {
        Self.checkPointwise(isa: .avx2)
    }

    @Test(arguments: [(3, 2), (3, 1), (5, 2)])
    func denseConvolutionMatchesNaiveLoops(kernel: Int, stride: Int) {
        Self.checkDense(kernel: kernel, stride: stride, isa: .avx2)
    }

    @Test func preferredKernelsRunOnThisCPU() {
        #expect(KernelISA.preferred.isSupported)
        #expect(KernelISA.avx2.isSupported)
        if !KernelISA.isAVX512Supported { #expect(KernelISA.preferred == .avx2) }
    }

    static func checkDepthwise(kernel: Int, stride: Int, isa: KernelISA) {
        var rng = SeededValues(seed: UInt64(kernel * 10 + stride))
        // Odd and even sizes, channel counts with and without a non-vector tail (8 and 16 lanes).
        for (h, w, c) in [(9, 7, 19), (8, 8, 16), (1, 3, 8), (6, 11, 5), (7, 13, 40), (10, 9, 24)] {
            let input = rng.array(h * w * c, scale: 3)
            let torchWeights = rng.array(c * kernel * kernel)
            let bias = rng.array(c)
            for activation in [Activation.none, .relu6] {
                let expected = naiveConvolution(input: input, height: h, width: w, inputChannels: c, weights: torchWeights, bias: bias,
                                                kernel: kernel, stride: stride, groups: c, activation: activation)
                var taps = [Float](repeating: 0, count: torchWeights.count)
                for ch in 0..<c { for t in 0..<(kernel * kernel) { taps[t * c + ch] = torchWeights[ch * kernel * kernel + t] } }
                let x = OwnedMap(height: h, width: w, channels: c, values: input)
                let y = OwnedMap(height: expected.height, width: expected.width, channels: c)
                let weights = DepthwiseWeights(kernel: kernel, channels: c, taps: taps, bias: bias)
                // Two row ranges, as when split across threads.
                let mid = expected.height / 2
                for rows in [0..<mid, mid..<expected.height] {
                    DepthwiseConvolution.apply(input: x.map, weights: weights, stride: stride, activation: activation, output: y.map,
                                               rows: rows, isa: isa)
                }
                #expect(maxAbsDifference(y.map.toArray(), expected.values) < 1e-5, "\(isa) \(h)×\(w)×\(c) k\(kernel) s\(stride) \(activation)")
                if c % 8 == 0 && c > 8 {
                    // Split by 8-channel blocks instead, as threads do on small maps.
                    let z = OwnedMap(height: expected.height, width: expected.width, channels: c)
                    for channels in [0..<8, 8..<c] {
                        DepthwiseConvolution.apply(input: x.map, weights: weights, stride: stride, activation: activation, output: z.map,
                                                   rows: 0..<expected.height, channelRange: channels, isa: isa)
                    }
                    #expect(maxAbsDifference(z.map.toArray(), expected.values) < 1e-5, "\(isa) channel split \(h)×\(w)×\(c) k\(kernel) s\(stride)")
                }
            }
        }
    }

    static func checkPointwise(isa: KernelISA) {
        var rng = SeededValues(seed: 7)
        // Pixel counts around the tile heights (6 for AVX2, up to 12 for AVX-512), widths with 8-wide
        // last panels and ragged right edges.
        for (h, w, cin, cout) in [(5, 7, 13, 21), (4, 4, 16, 24), (1, 1, 3, 1), (3, 5, 40, 40), (2, 7, 9, 32), (1, 3, 1280, 1000),
                                  (7, 7, 24, 40), (7, 7, 48, 32), (5, 5, 27, 32), (1, 13, 7, 5), (2, 12, 16, 56)] {
            let input = rng.array(h * w * cin, scale: 2)
            let torchWeights = rng.array(cout * cin)
            let bias = rng.array(cout)
            let residualValues = rng.array(h * w * cout)
            var matrix = [Float](repeating: 0, count: cin * cout)
            for o in 0..<cout { for i in 0..<cin { matrix[i * cout + o] = torchWeights[o * cin + i] } }
            let weights = PointwiseWeights(inputChannels: cin, outputChannels: cout, weights: matrix, bias: bias)
            let x = OwnedMap(height: h, width: w, channels: cin, values: input)
            let residual = OwnedMap(height: h, width: w, channels: cout, values: residualValues)
            for (activation, useResidual) in [(Activation.relu6, false), (.none, true), (.none, false)] {
                var expected = naiveConvolution(input: input, height: h, width: w, inputChannels: cin, weights: torchWeights, bias: bias,
                                                kernel: 1, stride: 1, groups: 1, activation: activation).values
                if useResidual { for i in expected.indices { expected[i] += residualValues[i] } }
                let y = OwnedMap(height: h, width: w, channels: cout)
                let split = h * w / 3
                for pixels in [0..<split, split..<(h * w)] {
                    PointwiseConvolution.apply(input: x.map, weights: weights, activation: activation,
                                               residual: useResidual ? residual.map : nil, output: y.map, pixels: pixels, isa: isa)
                }
                // Float32 sums of `cin` products: allow rounding that grows with the length.
                #expect(maxAbsDifference(y.map.toArray(), expected) < 1e-5 + 1e-6 * Float(cin), "\(isa) \(h)×\(w) \(cin)→\(cout) \(activation) residual \(useResidual)")
                // Split by column panels instead, as threads do for small maps.
                let panels = PointwiseConvolution.panelCount(weights)
                if panels > 1 {
                    let z = OwnedMap(height: h, width: w, channels: cout)
                    for part in [0..<(panels / 2), (panels / 2)..<panels] {
                        PointwiseConvolution.apply(input: x.map, weights: weights, activation: activation,
                                                   residual: useResidual ? residual.map : nil, output: z.map, pixels: 0..<(h * w),
                                                   panels: part, isa: isa)
                    }
                    #expect(maxAbsDifference(z.map.toArray(), expected) < 1e-5 + 1e-6 * Float(cin), "\(isa) panel split \(cin)→\(cout)")
                }
            }
        }
    }

    static func checkDense(kernel: Int, stride: Int, isa: KernelISA) {
        var rng = SeededValues(seed: 11)
        for (h, w, cin, cout) in [(13, 10, 3, 32), (8, 9, 4, 5)] {
            let input = rng.array(h * w * cin, scale: 1)
            let torchWeights = rng.array(cout * cin * kernel * kernel)
            let bias = rng.array(cout)
            let expected = naiveConvolution(input: input, height: h, width: w, inputChannels: cin, weights: torchWeights, bias: bias,
                                            kernel: kernel, stride: stride, groups: 1, activation: .relu6)
            var matrix = [Float](repeating: 0, count: torchWeights.count)
            for o in 0..<cout { for ci in 0..<cin { for ky in 0..<kernel { for kx in 0..<kernel {
                matrix[((ky * kernel + kx) * cin + ci) * cout + o] = torchWeights[((o * cin + ci) * kernel + ky) * kernel + kx]
            } } } }
            let weights = ConvolutionWeights(kernel: kernel, inputChannels: cin, outputChannels: cout, weights: matrix, bias: bias)
            let x = OwnedMap(height: h, width: w, channels: cin, values: input)
            let y = OwnedMap(height: expected.height, width: expected.width, channels: cout)
            let scratch = OwnedMap(height: 1, width: 1, channels: DenseConvolution.scratchCount(weights: weights, outputWidth: expected.width, rows: expected.height))
            DenseConvolution.apply(input: x.map, weights: weights, stride: stride, activation: .relu6, output: y.map,
                                   rows: 0..<expected.height, scratch: scratch.map, isa: isa)
            #expect(maxAbsDifference(y.map.toArray(), expected.values) < 1e-5, "\(isa) \(h)×\(w)×\(cin)→\(cout)")
        }
    }

    @Test func globalAveragePoolMatchesNaiveLoops() {
        var rng = SeededValues(seed: 3)
        let (h, w, c) = (3, 5, 21)
        let input = rng.array(h * w * c)
        let x = OwnedMap(height: h, width: w, channels: c, values: input)
        let pooled = OwnedMap(height: 1, width: 1, channels: c)
        GlobalAveragePool.apply(input: x.map, output: pooled.map.base)
        let expected = (0..<c).map { ch in (0..<(h * w)).reduce(Float(0)) { $0 + input[$1 * c + ch] } / Float(h * w) }
        #expect(maxAbsDifference(pooled.map.toArray(), expected) < 1e-6)

    }
}
