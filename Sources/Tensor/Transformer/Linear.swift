extension TransformerKernels {
    /// A dense layer in PyTorch's weight layout (BLAS, or ``smallBatchLinear`` below ``smallBatchRows`` rows): `output[rows, out] (+)= input[rows, in] · weightᵀ`,
    /// where `weight` is `out × in` row-major (as `nn.Linear` stores it).
    ///
    /// - Parameters:
    ///   - accumulate: when true the product is added to what `output` holds (a residual), else it
    ///     overwrites it. The bias is not applied here: the fused `layerNorm(bias:)` / `biasGELU`
    ///     kernels that follow add it in the same pass over the data.
    public static func linear(
        rows: Int, inFeatures: Int, outFeatures: Int,
        input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        output: UnsafeMutablePointer<Float>, accumulate: Bool
    ) {
        if rows < smallBatchRows {
            smallBatchLinear(rows: rows, inFeatures: inFeatures, outFeatures: outFeatures, input: input,
                             weight: weight, output: output, accumulate: accumulate, threads: BLAS.threadCount)
            return
        }
        BLAS.gemm(transposeB: true, m: rows, n: outFeatures, k: inFeatures,
                  a: input, lda: inFeatures, b: weight, ldb: inFeatures,
                  beta: accumulate ? 1 : 0, c: output, ldc: outFeatures)
    }

    /// In place: `data[r, j] += bias[j]` for a `rows × width` matrix.
    public static func addBias(rows: Int, width: Int, data: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>) {
        for r in 0..<rows { add(count: width, from: bias, to: data + r * width) }
    }
}
