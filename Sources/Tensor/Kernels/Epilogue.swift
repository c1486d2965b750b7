/// The pass after a GEMM: `out[p][c] = act(out[p][c] + bias[c]) (+ residual[p][c])`, over `pixels`
/// rows of `channels` values, vectorised 8 channels at a time.
///
/// The residual is added *after* the activation (MBConv adds the block input to the linear project
/// output, which has `Activation.none`).
enum Epilogue {
    @inline(__always)
    static func apply(
        _ out: UnsafeMutablePointer<Float>, pixels: Int, channels: Int,
        bias: UnsafePointer<Float>, activation: Activation, residual: UnsafePointer<Float>?
    ) {
        switch (activation, residual) {
        case (.relu6, nil): run(out, pixels, channels, bias, residual, relu6: true, hasResidual: false)
        case (.relu6, _): run(out, pixels, channels, bias, residual, relu6: true, hasResidual: true)
        case (.none, nil): run(out, pixels, channels, bias, residual, relu6: false, hasResidual: false)
        case (.none, _): run(out, pixels, channels, bias, residual, relu6: false, hasResidual: true)
        }
    }

    @inline(__always)
    private static func run(
        _ out: UnsafeMutablePointer<Float>, _ pixels: Int, _ channels: Int, _ bias: UnsafePointer<Float>,
        _ residual: UnsafePointer<Float>?, relu6: Bool, hasResidual: Bool
    ) {
        let vectorEnd = channels & ~7
        let zero = SIMD8<Float>(repeating: 0), six = SIMD8<Float>(repeating: 6)
        for p in 0..<pixels {
            let row = out + p * channels
            let res = residual.map { $0 + p * channels }
            var c = 0
            while c < vectorEnd {
                var v = UnsafeRawPointer(row + c).loadUnaligned(as: SIMD8<Float>.self)
                v += UnsafeRawPointer(bias + c).loadUnaligned(as: SIMD8<Float>.self)
                if relu6 { v = v.replacing(with: zero, where: v .< zero).replacing(with: six, where: v .> six) }
                if hasResidual { v += UnsafeRawPointer(res.unsafelyUnwrapped + c).loadUnaligned(as: SIMD8<Float>.self) }
                UnsafeMutableRawPointer(row + c).storeBytes(of: v, as: SIMD8<Float>.self)
                c += 8
            }
            while c < channels {
                var v = row[c] + bias[c]
                if relu6 { v = min(max(v, 0), 6) }
                if hasResidual { v += res.unsafelyUnwrapped[c] }
                row[c] = v
                c += 1
            }
        }
    }
}
