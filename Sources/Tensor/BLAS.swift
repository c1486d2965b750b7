import CBLAS

/// A thin, typed front to OpenBLAS: the one place the Tensor kernels and their callers reach BLAS.
///
/// All matrices are **row-major**. `gemm` computes `C = alpha · op(A) · op(B) + beta · C` where
/// `op(A)` is `m×k`, `op(B)` is `k×n` and `C` is `m×n`; `lda`, `ldb`, `ldc` are the row strides in
/// elements of the matrices as stored (before any transpose).
public enum BLAS {
    /// Single-precision general matrix multiply (`cblas_sgemm`, row-major).
    @inlinable
    public static func gemm(
        transposeA: Bool = false, transposeB: Bool = false,
        m: Int, n: Int, k: Int,
        alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        cblas_sgemm(
            CblasRowMajor,
            transposeA ? CblasTrans : CblasNoTrans,
            transposeB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k),
            alpha, a, Int32(lda), b, Int32(ldb),
            beta, c, Int32(ldc))
    }

    /// The number of threads OpenBLAS uses for one call. Process-wide: set it once at start-up
    /// (the CNN and the index choose their own parallelism and usually want BLAS at 1 thread).
    public static var threadCount: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(max(1, newValue))) }
    }
}
