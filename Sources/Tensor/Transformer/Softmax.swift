extension TransformerKernels {
    /// In place, per row: `x ← softmax(x)` over the first `count` elements of each row (max-subtracted).
    ///
    /// - Parameters:
    ///   - data: `rows` rows of `stride` elements; only the first `count` of each row are read and written.
    public static func softmax(rows: Int, count: Int, stride: Int, data: UnsafeMutablePointer<Float>) {
        let lanes = count / 8 * 8
        for r in 0..<rows {
            let row = data + r * stride
            var max8 = SIMD8<Float>(repeating: -.infinity)
            var j = 0
            while j < lanes { max8 = pointwiseMax(max8, load8(row + j)); j += 8 }
            var maximum = max8.max()
            while j < count { maximum = Swift.max(maximum, row[j]); j += 1 }
            var sum8 = SIMD8<Float>()
            j = 0
            while j < lanes {
                let e = exp(load8(row + j) - maximum)
                store8(e, row + j)
                sum8 += e
                j += 8
            }
            var sum = sum8.sum()
            if j < count {
                var tail = SIMD8<Float>(repeating: -.infinity)
                for t in 0..<(count - j) { tail[t] = row[j + t] - maximum }
                let e = exp(tail)
                for t in 0..<(count - j) { row[j + t] = e[t]; sum += e[t] }
            }
            let scale = 1 / sum
            j = 0
            while j < lanes { store8(load8(row + j) * scale, row + j); j += 8 }
            while j < count { row[j] *= scale; j += 1 }
        }
    }
}
