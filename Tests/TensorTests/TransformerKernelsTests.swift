import Foundation
import Testing
import Tensor

@Suite struct TransformerKernelsTests {
    @Test func vectorisedErfAndExpMatchLibm() {
        var worstErf: Float = 0, worstExp: Float = 0
        var x: Float = -6
        while x <= 6 {
            worstErf = max(worstErf, abs(TransformerKernels.erf(x) - Foundation.erf(x)))
            let exact = Foundation.exp(x * 10)
            worstExp = max(worstExp, abs(TransformerKernels.exp(x * 10) - exact) / exact)
            x += 0.00137
        }
        #expect(TransformerKernels.exp(-200) < 1e-37)
        #expect(TransformerKernels.erf(-9) == -1 && TransformerKernels.erf(9) == 1)
        #expect(worstErf < 1e-6)
        #expect(worstExp < 1e-6)
    }

    @Test func layerNormWithBiasMatchesDefinition() {
        let rows = 3, width = 13
        var data = (0..<(rows * width)).map { Float(sin(Double($0) * 0.7)) * 3 }
        let original = data
        let bias = (0..<width).map { Float($0) * 0.1 }
        let gamma = (0..<width).map { 1 + Float($0) * 0.01 }
        let beta = (0..<width).map { Float($0) * -0.02 }
        data.withUnsafeMutableBufferPointer {
            TransformerKernels.layerNorm(rows: rows, width: width, data: $0.baseAddress!, bias: bias,
                                         gamma: gamma, beta: beta, epsilon: 1e-12)
        }
        for r in 0..<rows {
            let x = (0..<width).map { Double(original[r * width + $0] + bias[$0]) }
            let mean = x.reduce(0, +) / Double(width)
            let variance = x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(width)
            for j in 0..<width {
                let expected = (x[j] - mean) / variance.squareRoot() * Double(gamma[j]) + Double(beta[j])
                #expect(abs(Double(data[r * width + j]) - expected) < 1e-5)
            }
        }
    }

    @Test func softmaxRowsSumToOneAndPreserveOrder() {
        var data: [Float] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 99, -1000, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 99]
        data.withUnsafeMutableBufferPointer {
            TransformerKernels.softmax(rows: 2, count: 11, stride: 12, data: $0.baseAddress!)
        }
        for r in 0..<2 {
            let row = data[(r * 12)..<(r * 12 + 11)]
            #expect(abs(row.reduce(0, +) - 1) < 1e-6)
            #expect(data[r * 12 + 11] == 99)  // beyond `count`: untouched
        }
        #expect(data[10] > data[9] && data[9] > data[0])
        #expect(data[12] < 1e-30)
        let expected = Foundation.exp(Float(1 - 11)) / (1...11).map { Foundation.exp(Float($0 - 11)) }.reduce(0, +)
        #expect(abs(data[0] - expected) < 1e-7)
    }

    @Test func geluIsExactErfForm() {
        var data: [Float] = [-3, -1, -0.5, 0, 0.5, 1, 3, 10, -10, 0.1]
        let bias: [Float] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 1]
        let input = zip(data, bias).map { $0 + $1 }
        data.withUnsafeMutableBufferPointer {
            TransformerKernels.biasGELU(rows: 1, width: 10, data: $0.baseAddress!, bias: bias)
        }
        for (x, y) in zip(input, data) {
            let exact = 0.5 * Double(x) * (1 + Foundation.erf(Double(x) / 2.0.squareRoot()))
            #expect(abs(Double(y) - exact) < 2e-6 * max(1, abs(exact)))
        }
    }

    /// Attention against a direct computation, on the BLAS path and (where the CPU has it) the AVX-512
    /// kernel: lengths around its 4-row and 16-key blocks, head widths that are not multiples of 16.
    @Test(arguments: [(5, 2, 3), (1, 3, 32), (4, 2, 32), (15, 12, 32), (17, 2, 20), (37, 3, 48)])
    func selfAttentionMatchesDirectComputation(length: Int, heads: Int, width: Int) {
        for isa in [TransformerKernels.KernelISA.avx2, .avx512] where isa.isSupported {
            checkSelfAttention(length: length, heads: heads, width: width, isa: isa)
        }
    }

    func checkSelfAttention(length: Int, heads: Int, width: Int, isa: TransformerKernels.KernelISA) {
        let hidden = heads * width
        let qkv = (0..<(length * 3 * hidden)).map { Float(cos(Double($0) * 1.3)) * 2 }
        var output = [Float](repeating: .nan, count: length * hidden)
        var scores = [Float](repeating: 0, count: TransformerKernels.attentionScratchCount(length: length, headWidth: width))
        qkv.withUnsafeBufferPointer { q in
            output.withUnsafeMutableBufferPointer { o in
                scores.withUnsafeMutableBufferPointer { s in
                    TransformerKernels.selfAttention(length: length, heads: heads, headWidth: width,
                                                     qkv: q.baseAddress!, qkvStride: 3 * hidden,
                                                     output: o.baseAddress!, outputStride: hidden,
                                                     scores: s.baseAddress!, isa: isa)
                }
            }
        }
        for h in 0..<heads {
            for i in 0..<length {
                var logits = [Double](repeating: 0, count: length)
                for j in 0..<length {
                    for d in 0..<width {
                        logits[j] += Double(qkv[i * 3 * hidden + h * width + d] * qkv[j * 3 * hidden + hidden + h * width + d])
                    }
                    logits[j] /= Double(width).squareRoot()
                }
                let top = logits.max()!
                let weights = logits.map { Foundation.exp($0 - top) }
                let total = weights.reduce(0, +)
                for d in 0..<width {
                    var value = 0.0
                    for j in 0..<length { value += weights[j] / total * Double(qkv[j * 3 * hidden + 2 * hidden + h * width + d]) }
                    #expect(abs(Double(output[i * hidden + h * width + d]) - value) < 1e-5, "\(isa) L \(length) head \(h) row \(i)")
                }
            }
        }
    }

    /// fp16 subnormals (slow to widen on x86) become zero; everything else rounds to the nearest half.
    @Test func packingFlushesHalfSubnormalsToZero() {
        let weight: [Float] = [1e-6, -3e-7, 1e-3, -0.02, 7e-5, 0, 70_000, 0.1]
        let packed = weight.withUnsafeBufferPointer {
            TransformerKernels.PackedWeights(weight: $0.baseAddress!, outFeatures: 1, inFeatures: weight.count)
        }
        let values = (0..<weight.count).map { packed.value(row: 0, column: $0) }
        #expect(values == [0, 0, Float(Float16(1e-3)), Float(Float16(-0.02)), Float(Float16(7e-5)), 0, .infinity, Float(Float16(0.1))])
    }

    /// The fp16-weight dense layer, every variant this CPU runs (portable, AVX2, AVX-512), against a
    /// naive loop over the same fp16-rounded weights: row blocks of 1–8 and 6-row runs with every
    /// remainder, partial panels, panel ranges, accumulate or not, and 2 threads.
    @Test(arguments: [(1, 8, 4), (3, 13, 7), (5, 384, 130), (8, 40, 257), (9, 17, 48), (14, 384, 1152),
                      (15, 64, 33), (23, 40, 257), (40, 96, 80)])
    func packedLinearMatchesNaiveLoops(rows: Int, inFeatures: Int, outFeatures: Int) {
        let input = (0..<(rows * inFeatures)).map { Float(sin(Double($0) * 0.37)) }
        let weight = (0..<(outFeatures * inFeatures)).map { Float(cos(Double($0) * 0.11)) }
        let residual = (0..<(rows * outFeatures)).map { Float($0 % 7) - 3 }
        let packed = weight.withUnsafeBufferPointer {
            TransformerKernels.PackedWeights(weight: $0.baseAddress!, outFeatures: outFeatures, inFeatures: inFeatures)
        }
        // Packing rounds each weight to the nearest fp16 and flushes fp16 subnormals to zero, nothing else.
        for (index, value) in weight.enumerated() {
            let half = Float16(value)
            #expect(packed.value(row: index / inFeatures, column: index % inFeatures) == (half.isSubnormal ? 0 : Float(half)))
        }
        var product = [Double](repeating: 0, count: rows * outFeatures)
        for r in 0..<rows {
            for c in 0..<outFeatures {
                var sum = 0.0
                for j in 0..<inFeatures { sum += Double(input[r * inFeatures + j]) * Double(packed.value(row: c, column: j)) }
                product[r * outFeatures + c] = sum
            }
        }
        let isas = TransformerKernels.KernelISA.allCases.filter(\.isSupported)
        #expect(isas.contains(.portable))
        var reference: [Float]?
        for isa in isas {
            for (accumulate, threads) in [(false, 1), (true, 1), (true, 2)] {
                var actual = accumulate ? residual : [Float](repeating: .nan, count: rows * outFeatures)
                input.withUnsafeBufferPointer { x in
                    actual.withUnsafeMutableBufferPointer { a in
                        TransformerKernels.linear(rows: rows, input: x.baseAddress!, weights: packed, output: a.baseAddress!,
                                                  accumulate: accumulate, threads: threads, isa: isa)
                    }
                }
                let expected = product.enumerated().map { Float($0.element) + (accumulate ? residual[$0.offset] : 0) }
                let worst = zip(expected, actual).map { abs($0 - $1) }.max()!
                #expect(worst < 1e-4 * Float(inFeatures).squareRoot(), "\(isa) accumulate \(accumulate) threads \(threads): max |diff| \(worst)")
                // The SIMD variants sum in the same order: bit-identical to each other, whatever the threads.
                if isa != .portable, !accumulate {
                    if let reference { #expect(actual == reference, "\(isa) differs from the other SIMD variant") }
                    reference = actual
                }
            }
        }
    }
}
