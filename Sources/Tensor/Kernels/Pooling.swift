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

