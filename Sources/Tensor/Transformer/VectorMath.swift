/// Fast `exp` and `erf` for the transformer kernels.
///
/// Hand-written because Glibc's `expf`/`erff` are opaque calls (≈10–20 ns each) and GELU alone needs
/// ~1536 of them per token per layer; ONNX Runtime's MLAS uses the same kind of polynomial kernels.
/// They are scalar, branch-free and call-free on purpose: loops over them auto-vectorise (8 lanes with
/// the Tensor target's AVX2 baseline), whereas `SIMD8` float↔int conversions and `pointwiseMin/Max`
/// lower to per-lane generic calls in Swift 6.
extension TransformerKernels {
    /// `e^x`, relative error ≈ 2e-7 (Cephes `expf` polynomial; range reduction by ln 2).
    /// Inputs are clamped to [-87.3, 88.7]: below, the result is ≈ 1e-38 rather than 0.
    @inlinable @inline(__always)
    public static func exp(_ v: Float) -> Float {
        var x = v < -87.3 ? -87.3 : (v > 88.7 ? 88.7 : v)
        let n = (x * 1.44269504088896341 + 0.5).rounded(.down)
        x = x - n * 0.693359375
        x = x - n * -2.12194440e-4
        var y: Float = 1.9875691500e-4
        y = y * x + 1.3981999507e-3
        y = y * x + 8.3334519073e-3
        y = y * x + 4.1665795894e-2
        y = y * x + 1.6666665459e-1
        y = y * x + 5.0000001201e-1
        y = y * (x * x) + x + 1
        // 2^n from the bits: adding 1.5·2^23 puts the integer n in the low mantissa bits (|n| ≤ 127),
        // avoiding a trapping Float→Int conversion.
        let integer = (n + 12_582_912).bitPattern &- 0x4B40_0000
        return y * Float(bitPattern: (integer &+ 127) &<< 23)
    }

    /// `erf(x)`, absolute error < 2e-7: the rational approximation Eigen and XLA use for float32
    /// (odd degree-13 numerator over even degree-8 denominator on [-4, 4]; ±1 outside).
    @inlinable @inline(__always)
    public static func erf(_ v: Float) -> Float {
        let x = v < -4 ? -4 : (v > 4 ? 4 : v)
        let x2 = x * x
        var p: Float = x2 * -2.72614225801306e-10 + 2.77068142495902e-08
        p = x2 * p + -2.10102402082508e-06
        p = x2 * p + -5.69250639462346e-05
        p = x2 * p + -7.34990630326855e-04
        p = x2 * p + -2.95459980854025e-03
        p = x2 * p + -1.60960333262415e-02
        p = x * p
        var q: Float = x2 * -1.45660718464996e-05 + -2.13374055278905e-04
        q = x2 * q + -1.68282697438203e-03
        q = x2 * q + -7.37332916720468e-03
        q = x2 * q + -1.42647390514189e-02
        return p / q
    }
}
