/// Integer kernels for scanning int8-quantised vectors.
public enum QuantizedKernels {
    /// `scores[r] = Σ_j codes[r·d + j] · query[j]` for `rows` rows of `d` int8 codes, exact in Int32.
    ///
    /// Plain loops on purpose: LLVM vectorises integer multiply-add reductions (with this target's AVX2
    /// baseline, 16 codes per instruction), which it may not do for float sums without reassociation.
    /// `d · 127² < 2³¹` must hold (any d < 133,000).
    public static func int8Scores(rows: Int, dimension d: Int, codes: UnsafePointer<Int8>,
                                  query: UnsafePointer<Int8>, scores: UnsafeMutablePointer<Int32>) {
        for r in 0..<rows {
            let row = codes + r * d
            var sum: Int32 = 0
            for j in 0..<d { sum &+= Int32(row[j]) &* Int32(query[j]) }
            scores[r] = sum
        }
    }
}
