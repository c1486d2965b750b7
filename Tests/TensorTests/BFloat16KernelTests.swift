import Testing
import Tensor

/// The opt-in bfloat16 1×1 kernel against naive loops over the same bf16-rounded activations and
/// weights (so only the float32 summation order differs), plus the rounding itself.
@Suite(.enabled(if: KernelISA.isAVX512BF16Supported, "this CPU has no AVX512_BF16: the bf16 kernel is not tested here"))
struct BFloat16KernelTests {
    /// Round to nearest even to bfloat16, as a Float (the oracle's rounding).
    static func rounded(_ x: Float) -> Float {
        let bits = x.bitPattern
        return Float(bitPattern: ((bits &+ 0x7FFF &+ ((bits >> 16) & 1)) >> 16) << 16)
    }

    @Test func pointwiseMatchesNaiveLoopsOnRoundedValues() {
        var rng = SeededValues(seed: 21)
        for (h, w, cin, cout) in [(5, 7, 13, 21), (4, 4, 16, 24), (1, 1, 3, 1), (7, 7, 48, 32), (2, 12, 33, 56), (1, 13, 1152, 40), (3, 3, 27, 32)] {
            let input = rng.array(h * w * cin, scale: 2)
            let matrix = rng.array(cin * cout)
            let bias = rng.array(cout)
            let residualValues = rng.array(h * w * cout)
            let weights = PointwiseWeights(inputChannels: cin, outputChannels: cout, weights: matrix, bias: bias).withBFloat16Panels()
            let x = OwnedMap(height: h, width: w, channels: cin, values: input)
            let residual = OwnedMap(height: h, width: w, channels: cout, values: residualValues)
            for (activation, useResidual) in [(Activation.relu6, false), (.none, true)] {
                var expected = [Float](repeating: 0, count: h * w * cout)
                for p in 0..<(h * w) {
                    for o in 0..<cout {
                        var sum = Double(bias[o])
                        for i in 0..<cin { sum += Double(Self.rounded(input[p * cin + i])) * Double(Self.rounded(matrix[i * cout + o])) }
                        expected[p * cout + o] = activation(Float(sum)) + (useResidual ? residualValues[p * cout + o] : 0)
                    }
                }
                let y = OwnedMap(height: h, width: w, channels: cout)
                let split = h * w / 3
                for pixels in [0..<split, split..<(h * w)] {
                    PointwiseConvolution.apply(input: x.map, weights: weights, activation: activation,
                                               residual: useResidual ? residual.map : nil, output: y.map, pixels: pixels, isa: .avx512bf16)
                }
                #expect(maxAbsDifference(y.map.toArray(), expected) < 1e-5 + 1e-6 * Float(cin), "bf16 \(h)×\(w) \(cin)→\(cout) \(activation)")
            }
        }
    }
}
