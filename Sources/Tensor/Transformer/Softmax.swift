extension TransformerKernels {
    /// In place, per row: `x ← softmax(x)` over the first `count` elements of each row (max-subtracted).
    ///
    /// - Parameters:
    ///   - data: `rows` rows of `stride` elements; only the first `count` of each row are read and written.
    public static func softmax(rows: Int, count: Int, stride: Int, data: UnsafeMutablePointer<Float>) {
        for r in 0..<rows {
            let row = data + r * stride
            // Four running maxima so the compares do not form one serial dependency chain.
            var m0 = -Float.infinity, m1 = -Float.infinity, m2 = -Float.infinity, m3 = -Float.infinity
            var j = 0
            while j + 4 <= count {
                m0 = row[j] > m0 ? row[j] : m0
                m1 = row[j + 1] > m1 ? row[j + 1] : m1
                m2 = row[j + 2] > m2 ? row[j + 2] : m2
                m3 = row[j + 3] > m3 ? row[j + 3] : m3
                j += 4
            }
            while j < count { m0 = row[j] > m0 ? row[j] : m0; j += 1 }
            let maximum = max(max(m0, m1), max(m2, m3))
            for i in 0..<count { row[i] = exp(row[i] - maximum) }
            var sum8 = SIMD8<Float>()
            j = 0
            while j + 8 <= count { sum8 += load8(row + j); j += 8 }
            var sum = sum8.sum()
            while j < count { sum += row[j]; j += 1 }
            let scale = 1 / sum
            for i in 0..<count { row[i] *= scale }
        }
    }
}
