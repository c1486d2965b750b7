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
            if let bias {
                for j in 0..<width {
                    let x = row[j] + bias[j]
                    row[j] = 0.5 * x * (1 + erf(x * invSqrt2))
                }
            } else {
                for j in 0..<width {
                    let x = row[j]
                    row[j] = 0.5 * x * (1 + erf(x * invSqrt2))
                }
            }
        }
    }
}
