/// A view of one image's activations in **NHWC** layout (row-major `[height][width][channels]`,
/// channels contiguous) inside scratch memory owned by a ``ScratchArena``.
///
/// NHWC because every layer of a MobileNet-style network is cheap in it: a 1×1 convolution is one
/// GEMM of `[pixels × Cin] · [Cin × Cout]` with no transposes, the depthwise convolution vectorises
/// across contiguous channels (all channel counts are multiples of 8, one AVX register), and bias,
/// ReLU6 and residual adds are straight passes over rows.
///
/// `@unchecked Sendable`: a view is a pointer plus a shape. Kernels running on several threads write
/// disjoint row ranges of the same view; the arena outlives every view handed out from it.
public struct FeatureMap: @unchecked Sendable {
    public let base: UnsafeMutablePointer<Float>
    public let height: Int
    public let width: Int
    public let channels: Int

    public init(base: UnsafeMutablePointer<Float>, height: Int, width: Int, channels: Int) {
        self.base = base
        self.height = height
        self.width = width
        self.channels = channels
    }

    /// `height · width`.
    @inlinable public var pixelCount: Int { height * width }
    /// `height · width · channels`.
    @inlinable public var count: Int { height * width * channels }

    /// Copies the values out (row-major NHWC), for tests and outputs.
    public func toArray() -> [Float] { Array(UnsafeBufferPointer(start: base, count: count)) }

    /// Overwrites the values from `values` (row-major NHWC, exactly `count` elements).
    public func assign(_ values: [Float]) {
        precondition(values.count == count, "expected \(count) values, got \(values.count)")
        values.withUnsafeBufferPointer { base.update(from: $0.baseAddress!, count: count) }
    }
}
