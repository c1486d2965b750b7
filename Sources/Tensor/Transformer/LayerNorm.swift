extension TransformerKernels {
    /// In place, per row: `x ← LayerNorm(x + bias) · gamma + beta`, with mean and (biased) variance
    /// over the row and `epsilon` added to the variance (BERT: 1e-12).
    ///
    /// - Parameters:
    ///   - data: `rows × width` row-major.
    ///   - bias: `width` values added before normalising (the preceding dense layer's bias), or nil.
    ///   - gamma, beta: `width` values each.
    public static func layerNorm(
        rows: Int, width: Int, data: UnsafeMutablePointer<Float>,
        bias: UnsafePointer<Float>?, gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>,
        epsilon: Float
    ) {
        let lanes = width / 8 * 8
        for r in 0..<rows {
            let row = data + r * width
            if let bias { add(count: width, from: bias, to: row) }
            var sum8 = SIMD8<Float>()
            var j = 0
            while j < lanes { sum8 += load8(row + j); j += 8 }
            var sum = sum8.sum()
            while j < width { sum += row[j]; j += 1 }
            let mean = sum / Float(width)
            var sq8 = SIMD8<Float>()
            j = 0
            while j < lanes { let d = load8(row + j) - mean; sq8 += d * d; j += 8 }
            var sq = sq8.sum()
            while j < width { let d = row[j] - mean; sq += d * d; j += 1 }
            let inverse = 1 / (sq / Float(width) + epsilon).squareRoot()
            j = 0
            while j < lanes {
                let y = (load8(row + j) - mean) * inverse * load8(gamma + j) + load8(beta + j)
                store8(y, row + j)
                j += 8
            }
            while j < width { row[j] = (row[j] - mean) * inverse * gamma[j] + beta[j]; j += 1 }
        }
    }

    /// `to[i] += from[i]` for `i < count`.
    @inlinable
    static func add(count: Int, from: UnsafePointer<Float>, to: UnsafeMutablePointer<Float>) {
        var j = 0
        while j + 8 <= count { store8(load8(to + j) + load8(from + j), to + j); j += 8 }
        while j < count { to[j] += from[j]; j += 1 }
    }

    @inlinable @inline(__always)
    static func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inlinable @inline(__always)
    static func load8(_ p: UnsafeMutablePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inlinable @inline(__always)
    static func store8(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
    }
}
