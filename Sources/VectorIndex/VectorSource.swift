/// Row-major fp32 vectors that can be read by row range, without requiring them all in memory at once
/// (an mmapped fvecs file, an array, a live index being compacted).
public protocol VectorSource: Sendable {
    var count: Int { get }
    var dimension: Int { get }
    /// Calls `body(rows, stride)` where `rows` points at the first vector of `range` and consecutive
    /// vectors are `stride` floats apart (`stride ≥ dimension`). The pointer is valid only inside `body`.
    func withRows<R>(_ range: Range<Int>, _ body: (UnsafePointer<Float>, Int) throws -> R) rethrows -> R
}

/// Vectors held in one flat array: `values.count == count × dimension`.
public struct ArrayVectors: VectorSource {
    public let values: [Float]
    public let dimension: Int
    public var count: Int { dimension == 0 ? 0 : values.count / dimension }

    public init(_ values: [Float], dimension: Int) throws {
        guard dimension > 0, values.count % dimension == 0 else {
            throw VectorIndexError.badInput("vectors", "\(values.count) values are not a whole number of \(dimension)-d vectors")
        }
        self.values = values
        self.dimension = dimension
    }

    public func withRows<R>(_ range: Range<Int>, _ body: (UnsafePointer<Float>, Int) throws -> R) rethrows -> R {
        try values.withUnsafeBufferPointer { try body($0.baseAddress! + range.lowerBound * dimension, dimension) }
    }
}
