/// Reconstruction filters for `Image.resized`. When shrinking, each filter is stretched by the reduction
/// factor (its support widens), so every source pixel contributes and large reductions do not alias —
/// the same convolution-based scheme as Pillow's `Image.resize`.
public enum ResizeFilter: Sendable, Equatable, CaseIterable {
    /// Area average (support ½).
    case box
    /// Triangle / bilinear (support 1). The default: what the reference crops in `shared/reference` use.
    case bilinear
    /// Cubic convolution with a = −0.5 (support 2), as Pillow's BICUBIC.
    case bicubic
    /// Lanczos, 3 lobes (support 3).
    case lanczos3

    /// Half-width of the filter at scale 1, in source pixels.
    var support: Double {
        switch self {
        case .box: 0.5
        case .bilinear: 1
        case .bicubic: 2
        case .lanczos3: 3
        }
    }

    /// The filter's weight at distance `x` (in units of output pixels).
    func weight(_ x: Double) -> Double {
        switch self {
        case .box:
            return x > -0.5 && x <= 0.5 ? 1 : 0  // half-open as Pillow's, so every output gets a tap
        case .bilinear:
            let d = abs(x)
            return d < 1 ? 1 - d : 0
        case .bicubic:
            let a = -0.5, d = abs(x)
            if d < 1 { return ((a + 2) * d - (a + 3)) * d * d + 1 }
            if d < 2 { return (((d - 5) * d + 8) * d - 4) * a }
            return 0
        case .lanczos3:
            let d = abs(x)
            return d < 3 ? sinc(d) * sinc(d / 3) : 0
        }
    }

    private func sinc(_ x: Double) -> Double {
        if x == 0 { return 1 }
        let px = Double.pi * x
        return sin(px) / px
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
