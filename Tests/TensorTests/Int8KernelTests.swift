import Testing
import Tensor

/// The int8 1×1 kernels: every supported ``Int8KernelISA`` must equal a Swift model of the same
/// arithmetic (per-channel weight quantisation, per-row activation quantisation, exact int32 sums,
/// one fused multiply-add epilogue) bit for bit, and stay close to the float32 convolution.
struct Int8KernelTests {
    static let shapes = [(5, 7, 13, 21), (4, 4, 16, 24), (1, 1, 3, 1), (7, 7, 48, 32), (2, 12, 33, 56), (1, 13, 1152, 40),
                         (3, 3, 27, 32), (2, 5, 96, 24), (1, 3, 320, 1280)]

    /// The Swift model: what every kernel must compute exactly.
    static func model(input: [Float], rows: Int, k: Int, n: Int, weights: Int8PointwiseWeights, bias: [Float], clip: Float,
                      relu6: Bool, residual: [Float]?) -> [Float] {
        let scales = weights.channelScales, codes = weights.codes.map(Int32.init)
        var out = [Float](repeating: 0, count: rows * n)
        for p in 0..<rows {
            let row = input[(p * k)..<((p + 1) * k)]
            let minimum = row.min()!, maximum = row.max()!
            let low = min(minimum, 0), high = max(maximum, 0)
            let range = clip * (high - low)
            let top = Float(weights.activationLevels)
            let inv: Float = range > 0 ? top / range : 0
            let rowScale: Float = range > 0 ? range / top : 0
            let zero: Float = range > 0 ? ((-clip * low) * inv).rounded(.toNearestOrEven) : 0
            // q − zero: the zero point cancels exactly against the column sums.
            let q = row.map { Int32(min(max($0 * inv, -zero), top - zero).rounded(.toNearestOrEven)) }
            for j in 0..<n {
                var sum: Int32 = 0
                for i in 0..<k { sum += q[i] * codes[i * n + j] }
                var v = bias[j].addingProduct(Float(sum), rowScale * scales[j])
                if relu6 { v = min(max(v, 0), 6) }
                if let residual { v += residual[p * n + j] }
                out[p * n + j] = v
            }
        }
        return out
    }

    @Test(arguments: Int8KernelISA.allCases.filter(\.isSupported))
    func kernelEqualsTheModelBitForBit(isa: Int8KernelISA) {
        var rng = SeededValues(seed: 8)
        for (h, w, cin, cout) in Self.shapes {
            let matrix = rng.array(cin * cout)
            let bias = rng.array(cout)
            let residualValues = rng.array(h * w * cout)
            // Narrow (AVX2 vpmaddubsw) and wide (vpmaddwd) code ranges, signed and non-negative rows, clips.
            for (signed, relu6, useResidual, clip, limit, levels) in [(true, false, true, Float(1), 127, 127), (false, true, false, 1, 64, 255),
                                                                      (true, true, false, 0.8, 127, 255), (false, false, true, 0.9, 127, 127)] {
                let input = rng.array(h * w * cin, scale: 3).map { signed ? $0 : abs($0) }
                let weights = PointwiseWeights(inputChannels: cin, outputChannels: cout, weights: matrix, bias: bias)
                    .withInt8(clip: clip, weightLimit: limit, activationLevels: levels, isa: isa)
                let expected = Self.model(input: input, rows: h * w, k: cin, n: cout, weights: weights.int8!, bias: bias, clip: clip,
                                          relu6: relu6, residual: useResidual ? residualValues : nil)
                let x = OwnedMap(height: h, width: w, channels: cin, values: input)
                let residual = OwnedMap(height: h, width: w, channels: cout, values: residualValues)
                let y = OwnedMap(height: h, width: w, channels: cout)
                let split = h * w / 3
                let panels = PointwiseConvolution.panelCount(weights)
                // Rows in two parts, and the second part's panels in two parts (as threads split them).
                PointwiseConvolution.apply(input: x.map, weights: weights, activation: relu6 ? .relu6 : .none,
                                           residual: useResidual ? residual.map : nil, output: y.map, pixels: 0..<split)
                for part in [0..<(panels / 2), (panels / 2)..<panels] {
                    PointwiseConvolution.apply(input: x.map, weights: weights, activation: relu6 ? .relu6 : .none,
                                               residual: useResidual ? residual.map : nil, output: y.map,
                                               pixels: split..<(h * w), panels: part)
                }
                let got = y.map.toArray()
                let mismatches = zip(got, expected).filter { $0.bitPattern != $1.bitPattern }.count
                #expect(mismatches == 0, "\(isa) \(h)×\(w) \(cin)→\(cout) signed \(signed) clip \(clip) codes ±\(limit)×\(levels): \(mismatches) of \(got.count) differ")
            }
        }
    }

    /// Quantisation error against the float32 kernel stays small (a wrong scale or zero point would not).
    @Test func int8IsCloseToFloat32() {
        var rng = SeededValues(seed: 9)
        for (h, w, cin, cout) in Self.shapes where cin >= 13 {
            let matrix = rng.array(cin * cout), bias = rng.array(cout)
            for signed in [true, false] {
                let input = rng.array(h * w * cin, scale: 3).map { signed ? $0 : abs($0) }
                let float = PointwiseWeights(inputChannels: cin, outputChannels: cout, weights: matrix, bias: bias)
                let x = OwnedMap(height: h, width: w, channels: cin, values: input)
                let a = OwnedMap(height: h, width: w, channels: cout), b = OwnedMap(height: h, width: w, channels: cout)
                PointwiseConvolution.apply(input: x.map, weights: float, activation: .none, output: a.map, pixels: 0..<(h * w))
                PointwiseConvolution.apply(input: x.map, weights: float.withInt8(), activation: .none, output: b.map, pixels: 0..<(h * w))
                let exact = a.map.toArray(), quantised = b.map.toArray()
                let spread = exact.map(abs).max()!
                // Worst case per output: k · (½ input step · |w| + ½ weight step · |x|), far below for random data.
                #expect(maxAbsDifference(exact, quantised) < 0.03 * spread, "\(h)×\(w) \(cin)→\(cout) signed \(signed)")
                #expect(maxAbsDifference(exact, quantised) > 0, "int8 should not be bit-identical to float32")
            }
        }
    }

    /// Codes within the limit, and each channel's reconstruction error no worse than plain max scaling's.
    @Test(arguments: [(64, true), (127, false)])
    func weightQuantisationIsBoundedAndNoWorseThanMaxScaling(limit: Int, clippingPays: Bool) {
        var rng = SeededValues(seed: 11)
        let k = 96, n = 40
        // Heavy-tailed columns (a few large weights), where clipping pays.
        let matrix = rng.array(k * n).map { $0 * $0 * $0 }
        let weights = Int8PointwiseWeights(inputChannels: k, outputChannels: n, weights: matrix, bias: [Float](repeating: 0, count: n),
                                           weightLimit: limit)
        let codes = weights.codes, scales = weights.channelScales
        #expect(codes.allSatisfy { abs(Int($0)) <= limit })
        var improved = 0
        for j in 0..<n {
            let largest = (0..<k).map { abs(matrix[$0 * n + j]) }.max()!
            let plain = largest / Float(limit)
            var ours: Float = 0, maxScaled: Float = 0
            for i in 0..<k {
                let w = matrix[i * n + j]
                let a = w - Float(codes[i * n + j]) * scales[j], b = w - (w / plain).rounded(.toNearestOrEven) * plain
                ours += a * a
                maxScaled += b * b
            }
            #expect(ours <= maxScaled * 1.0001, "channel \(j)")
            if ours < maxScaled * 0.99 { improved += 1 }
        }
        // With 64 levels, clipping the few large weights of these columns must win somewhere.
        if clippingPays { #expect(improved > 0, "the search never beat max scaling on heavy-tailed weights") }
    }

    @Test func unpackedMatrixRoundTrips() {
        var rng = SeededValues(seed: 10)
        let matrix = rng.array(27 * 40)
        let weights = PointwiseWeights(inputChannels: 27, outputChannels: 40, weights: matrix, bias: rng.array(40))
        #expect(weights.matrix == matrix)
    }
}
