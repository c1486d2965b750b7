/// Global average pooling over an NHWC feature map: `out[c] = mean over pixels of in[p][c]`.
public enum GlobalAveragePool {
    public static func apply(input: FeatureMap, output: UnsafeMutablePointer<Float>) {
        let channels = input.channels
        output.update(repeating: 0, count: channels)
        let vectorEnd = channels & ~7
        for p in 0..<input.pixelCount {
            let row = input.base + p * channels
            var c = 0
            while c < vectorEnd {
                let sum = UnsafeRawPointer(output + c).loadUnaligned(as: SIMD8<Float>.self)
                    + UnsafeRawPointer(row + c).loadUnaligned(as: SIMD8<Float>.self)
                UnsafeMutableRawPointer(output + c).storeBytes(of: sum, as: SIMD8<Float>.self)
                c += 8
            }
            while c < channels { output[c] += row[c]; c += 1 }
        }
        let scale = 1 / Float(input.pixelCount)
        for c in 0..<channels { output[c] *= scale }
    }
}

/// A fully connected layer on a batch of rows: `out[n] = x[n] · Wᵀ + bias`, with `W` stored
/// `[outputs × inputs]` row-major (PyTorch's `Linear` layout) and `x` `[batch × inputs]`.
public enum FullyConnected {
    public static func apply(
        input: UnsafePointer<Float>, batch: Int, inputs: Int, weights: [Float], bias: [Float],
        output: UnsafeMutablePointer<Float>
    ) {
        let outputs = bias.count
        precondition(weights.count == outputs * inputs)
        guard batch > 0 else { return }
        for n in 0..<batch { bias.withUnsafeBufferPointer { (output + n * outputs).update(from: $0.baseAddress!, count: outputs) } }
        weights.withUnsafeBufferPointer { w in
            BLAS.gemm(transposeB: true, m: batch, n: outputs, k: inputs, a: input, lda: inputs,
                      b: w.baseAddress!, ldb: inputs, beta: 1, c: output, ldc: outputs)
        }
    }
}
