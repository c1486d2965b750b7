/// Vectorised `exp` and `erf` for eight lanes at a time.
///
/// Hand-written because Glibc's `expf`/`erff` are scalar calls (≈10–20 ns each) and GELU alone needs
/// ~1536 of them per token per layer; ONNX Runtime's MLAS uses the same kind of polynomial kernels.
extension TransformerKernels {
    /// `e^x` per lane, relative error ≈ 2e-7 (Cephes `expf` polynomial; range reduction by ln 2).
    /// Inputs are clamped to [-87.3, 88.7]: below, the result is ≈ 1e-38 rather than 0.
    @inlinable
    public static func exp(_ v: SIMD8<Float>) -> SIMD8<Float> {
        var x = v.clamped(lowerBound: SIMD8(repeating: -87.3), upperBound: SIMD8(repeating: 88.7))
        let n = (x * 1.44269504088896341 + 0.5).rounded(.down)
        x = x - n * 0.693359375
        x = x - n * -2.12194440e-4
        var y = SIMD8<Float>(repeating: 1.9875691500e-4)
        y = y * x + 1.3981999507e-3
        y = y * x + 8.3334519073e-3
        y = y * x + 4.1665795894e-2
        y = y * x + 1.6666665459e-1
        y = y * x + 5.0000001201e-1
        y = y * (x * x) + x + 1
        let exponent = (SIMD8<Int32>(n, rounding: .towardZero) &+ 127) &<< 23
        return y * unsafeBitCast(exponent, to: SIMD8<Float>.self)
    }

    /// `erf(x)` per lane, absolute error < 2e-7: the rational approximation Eigen and XLA use for
    /// float32 (odd degree-13 numerator over even degree-8 denominator on [-4, 4]; ±1 outside).
    @inlinable
    public static func erf(_ v: SIMD8<Float>) -> SIMD8<Float> {
        let x = v.clamped(lowerBound: SIMD8(repeating: -4), upperBound: SIMD8(repeating: 4))
        let x2 = x * x
        var p = x2 * -2.72614225801306e-10 + 2.77068142495902e-08
        p = x2 * p + -2.10102402082508e-06
        p = x2 * p + -5.69250639462346e-05
        p = x2 * p + -7.34990630326855e-04
        p = x2 * p + -2.95459980854025e-03
        p = x2 * p + -1.60960333262415e-02
        p = x * p
        var q = x2 * -1.45660718464996e-05 + -2.13374055278905e-04
        q = x2 * q + -1.68282697438203e-03
        q = x2 * q + -7.37332916720468e-03
        q = x2 * q + -1.42647390514189e-02
        return p / q
    }
}
