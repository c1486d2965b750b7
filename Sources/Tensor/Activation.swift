/// The activation a kernel applies to its output after adding the bias.
public enum Activation: Sendable, Equatable {
    /// Identity.
    case none
    /// `min(max(x, 0), 6)`, the activation of EfficientNet-Lite and MobileNet.
    case relu6

    /// Applies the activation to one value (the scalar reference for the vector kernels).
    @inlinable
    public func callAsFunction(_ x: Float) -> Float {
        switch self {
        case .none: x
        case .relu6: min(max(x, 0), 6)
        }
    }
}
