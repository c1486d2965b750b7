import CBLAS

/// Row-major `C[m×n] = A[m×k] · B[n×k]ᵀ` (scores of `m` queries against `n` rows), single precision.
/// A local wrapper so `VectorIndex` depends only on `CBLAS`, not on `Tensor`.
@inline(__always)
func gemmABt(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
             c: UnsafeMutablePointer<Float>, ldc: Int) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(n), Int32(k),
                1, a, Int32(lda), b, Int32(ldb), 0, c, Int32(ldc))
}

/// Process-wide OpenBLAS thread count. The index runs its own threads and wants BLAS at 1 thread:
/// OpenBLAS's pthreads and ours would otherwise oversubscribe the cores.
public enum BLASThreads {
    public static func set(_ n: Int) { openblas_set_num_threads(Int32(max(1, n))) }
}
