extension TransformerKernels {
    /// In place, per row: `x ← GELU(x + bias)` with the exact (erf) GELU,
    /// `GELU(x) = x/2 · (1 + erf(x/√2))` (BERT's `hidden_act: "gelu"`, not the tanh approximation).
    ///
    /// - Parameters:
    ///   - data: `rows × width` row-major.
    ///   - bias: `width` values, or nil.
    public static func biasGELU(rows: Int, width: Int, data: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>?) {
        let invSqrt2: Float = 0.70710678118654752
        for r in 0..<rows {
            let row = data + r * width
            var j = 0
            while j + 8 <= width {
                var x = load8(row + j)
                if let bias { x += load8(bias + j) }
                store8(0.5 * x * (1 + erf(x * invSqrt2)), row + j)
                j += 8
            }
            if j < width {
                // Tail: pad to one vector so the scalar path uses the same approximation.
                var lanes = SIMD8<Float>()
                for t in 0..<(width - j) { lanes[t] = row[j + t] + (bias?[j + t] ?? 0) }
                let y = 0.5 * lanes * (1 + erf(lanes * invSqrt2))
                for t in 0..<(width - j) { row[j + t] = y[t] }
            }
        }
    }
}
