extension TransformerKernels {
    /// In place: `data[r, j] += bias[j]` for a `rows × width` matrix.
    public static func addBias(rows: Int, width: Int, data: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>) {
        for r in 0..<rows { add(count: width, from: bias, to: data + r * width) }
    }
}
