/// How vectors are stored in the inverted lists. Stored in the index header.
public enum EncodingKind: UInt32, Sendable, CustomStringConvertible, CaseIterable {
    /// fp32, exact: `4·d` bytes per vector.
    case flat = 1
    /// Per-dimension 8-bit scalar quantisation: `d` bytes per vector, decoded on the fly while scanning.
    case sq8 = 2

    public var description: String { self == .flat ? "flat" : "sq8" }

    public init?(name: String) {
        switch name.lowercased() {
        case "flat", "fp32": self = .flat
        case "sq8": self = .sq8
        default: return nil
        }
    }
}

/// A query prepared for scanning codes of one encoding (scale folded in, constants precomputed).
struct PreparedQuery {
    var a: [Float]
    var b: [Float]
    var bias: Float
}

/// The seam where encodings plug in (fp32, SQ8 now; PQ later): trained parameters, encode/decode, and a
/// kernel that scores a run of contiguous codes against a prepared query.
protocol VectorEncoding: Sendable {
    var kind: EncodingKind { get }
    var dimension: Int { get }
    /// Bytes per encoded vector.
    var codeSize: Int { get }
    /// True when scores from codes are exact (no re-ranking needed).
    var isExact: Bool { get }
    /// Trained parameters as stored in the file's encoding section.
    var parameters: [UInt8] { get }

    func encode(_ vector: UnsafePointer<Float>, into code: UnsafeMutableRawPointer)
    func decode(_ code: UnsafeRawPointer, into vector: UnsafeMutablePointer<Float>)
    func prepare(_ query: UnsafePointer<Float>, metric: Metric) -> PreparedQuery
    /// Scores (higher is better) of `count` consecutive codes into `out`.
    func score(_ prepared: PreparedQuery, metric: Metric, codes: UnsafeRawPointer, count: Int,
               into out: UnsafeMutablePointer<Float>)
}

enum Encodings {
    /// Trains an encoding of `kind` on `sample` (`n × d` row-major).
    static func train(_ kind: EncodingKind, dimension d: Int, sample: [Float]) -> any VectorEncoding {
        switch kind {
        case .flat: return FlatEncoding(dimension: d)
        case .sq8: return SQ8Encoding.train(dimension: d, sample: sample)
        }
    }

    /// Reads an encoding's parameters back from an index file section.
    static func load(_ kind: EncodingKind, dimension d: Int, parameters: UnsafeRawBufferPointer, file: String) throws -> any VectorEncoding {
        switch kind {
        case .flat:
            guard parameters.count == 0 else { throw VectorIndexError.corrupt(file, "flat encoding section has \(parameters.count) bytes, expected 0") }
            return FlatEncoding(dimension: d)
        case .sq8:
            return try SQ8Encoding(dimension: d, parameters: parameters, file: file)
        }
    }
}
