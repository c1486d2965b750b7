/// A 16×16 grayscale thumbnail of a frame: the measure behind scene-cut and duplicate detection.
public struct FrameSignature: Sendable, Equatable {
    public static let side = 16
    /// `side × side` luma values, row-major.
    public let luma: [UInt8]

    public init(luma: [UInt8]) {
        precondition(luma.count == Self.side * Self.side, "a signature has 16×16 values")
        self.luma = luma
    }

    /// Mean absolute difference of the two thumbnails, scaled to 0…1.
    public func distance(to other: FrameSignature) -> Double {
        var total = 0
        for i in 0..<luma.count {
            total += abs(Int(luma[i]) - Int(other.luma[i]))
        }
        return Double(total) / Double(luma.count * 255)
    }
}
