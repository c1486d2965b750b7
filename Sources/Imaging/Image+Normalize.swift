extension Image {
    /// Float planes for a CNN: channel-major (CHW), `3 × height × width` values, plane `c` holding
    /// `(pixel[c] − mean[c]) / std[c]` for every pixel in row-major order. Samples are 0…255 (not 0…1),
    /// so EfficientNet-Lite's normalisation is `mean: [127, 127, 127], std: [128, 128, 128]`.
    public func normalizedPlanes(mean: [Float], std: [Float]) -> [Float] {
        [Float](unsafeUninitializedCapacity: 3 * width * height) { buffer, count in
            writeNormalizedPlanes(mean: mean, std: std, into: buffer)
            count = 3 * width * height
        }
    }

    /// Writes `normalizedPlanes(mean:std:)` into `destination` (at least `3 × height × width` floats),
    /// e.g. one slot of a batch tensor.
    public func writeNormalizedPlanes(mean: [Float], std: [Float], into destination: UnsafeMutableBufferPointer<Float>) {
        precondition(mean.count == 3 && std.count == 3, "mean and std need 3 values each")
        precondition(destination.count >= 3 * width * height, "destination too small")
        // One lookup table per channel: 768 divisions instead of one per sample.
        var table = [Float](repeating: 0, count: 768)
        for c in 0..<3 { for v in 0..<256 { table[c * 256 + v] = (Float(v) - mean[c]) / std[c] } }
        let plane = width * height
        table.withUnsafeBufferPointer { lut in
            pixels.withUnsafeBufferPointer { src in
                let out = destination.baseAddress!
                let r = lut.baseAddress!, g = r + 256, b = r + 512
                for i in 0..<plane {
                    out[i] = r[Int(src[3 * i])]
                    out[plane + i] = g[Int(src[3 * i + 1])]
                    out[2 * plane + i] = b[Int(src[3 * i + 2])]
                }
            }
        }
    }
}
