/// One tensor read from a weight file, converted to `Float`.
///
/// `values` holds `shape.reduce(1, *)` elements in row-major (C) order: the last dimension varies
/// fastest, exactly as the tensor is stored in the file.
public struct WeightTensor: Sendable, Equatable {
    public var shape: [Int]
    public var values: [Float]

    public init(shape: [Int], values: [Float]) {
        precondition(shape.reduce(1, *) == values.count, "shape \(shape) does not match \(values.count) values")
        self.shape = shape
        self.values = values
    }

    /// The number of elements (`shape.reduce(1, *)`).
    public var count: Int { values.count }
}

/// The element types a safetensors file may declare that this reader converts to `Float`.
public enum WeightDType: String, Sendable, CaseIterable {
    case f32 = "F32", f16 = "F16", bf16 = "BF16", f64 = "F64", i64 = "I64", i32 = "I32"

    /// Bytes per element in the file.
    public var byteWidth: Int {
        switch self {
        case .f32, .i32: 4
        case .f16, .bf16: 2
        case .f64, .i64: 8
        }
    }
}

/// What the header says about one tensor, before any data is read.
public struct WeightTensorInfo: Sendable, Equatable {
    public var name: String
    public var dtype: WeightDType
    public var shape: [Int]
    /// Byte range inside the data section (which starts after the 8-byte length and the JSON header).
    public var dataRange: Range<Int>
}
