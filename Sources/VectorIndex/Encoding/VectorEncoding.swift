/// How vectors are stored in the inverted lists. Stored in the index header.
public enum EncodingKind: UInt32, Sendable, CustomStringConvertible, CaseIterable {
    /// fp32, exact: `4·d` bytes per vector.
    case flat = 1
    /// Per-dimension 8-bit scalar quantisation: `d` bytes per vector, decoded on the fly while scanning.
    case sq8 = 2
    /// Product quantisation of the residual to the list's centroid, `m` sub-quantisers of 8 bits: `m`
    /// bytes per vector, scored with float lookup tables.
    case pq = 3
    /// Product quantisation of the residual, `m` sub-quantisers of 4 bits in the fast-scan block layout:
    /// `m/2` bytes per vector, scored 32 vectors at a time with byte-shuffle table lookups.
    case pq4fs = 4

    public var description: String {
        switch self {
        case .flat: "flat"
        case .sq8: "sq8"
        case .pq: "pq"
        case .pq4fs: "pq4fs"
        }
    }

    public init?(name: String) {
        switch name.lowercased() {
        case "flat", "fp32": self = .flat
        case "sq8": self = .sq8
        case "pq", "pq8": self = .pq
        case "pq4fs", "pq4", "fastscan": self = .pq4fs
        default: return nil
        }
    }

    /// Each list's codes occupy a multiple of this many rows in the file (pq4fs: whole 32-vector blocks,
    /// the last one padded with zero codes that searches never report) in files written before
    /// `IVFFileLayout.compactTails`; newer files hold each list's tail as rows.
    var codeRowAlignment: Int { self == .pq4fs ? 32 : 1 }

    /// Rows a list of `count` vectors occupies in the codes section.
    func codeRows(_ count: Int) -> Int { (count + codeRowAlignment - 1) / codeRowAlignment * codeRowAlignment }

    /// True for the product-quantised encodings (they take a sub-quantiser count `m`).
    public var isProductQuantized: Bool { self == .pq || self == .pq4fs }

    /// Bytes per vector for dimension `d` and `m` sub-quantisers (`m` is ignored by flat and sq8).
    public func codeSize(dimension d: Int, subquantizers m: Int) -> Int {
        switch self {
        case .flat: 4 * d
        case .sq8: d
        case .pq: m
        case .pq4fs: m / 2
        }
    }

    /// Bytes of the trained parameters in the file's encoding section (`rotated`: PQ with an OPQ rotation).
    func parameterBytes(dimension d: Int, rotated: Bool = false) -> Int {
        let rotation = rotated ? PQRotation.byteCount(dimension: d) : 0
        switch self {
        case .flat: return 0
        case .sq8: return 8 * d
        case .pq: return ProductQuantizer.parameterBytes(dimension: d, ksub: 256) + rotation
        case .pq4fs: return ProductQuantizer.parameterBytes(dimension: d, ksub: 16) + rotation
        }
    }

    /// Why `m` cannot be used with dimension `d` (nil when it can).
    public func subquantizerProblem(dimension d: Int, subquantizers m: Int) -> String? {
        guard isProductQuantized else { return m == 0 ? nil : "\(self) takes no sub-quantiser count" }
        if m < 1 || d % m != 0 { return "m = \(m) sub-quantisers must divide the dimension \(d)" }
        if self == .pq4fs && m % 2 != 0 { return "pq4fs needs an even m (two 4-bit codes per byte), got \(m)" }
        return nil
    }
}

/// A query prepared for scanning codes of one encoding (scale folded in, constants precomputed).
/// PQ keeps its float tables in `b`, or its byte tables in `lut` with their `scale`.
struct PreparedQuery {
    var a: [Float]
    var b: [Float]
    var bias: Float
    var lut: [UInt8] = []
    var scale: Float = 0
    /// SQ8: the query's per-dimension weights as 16-bit integers (`weight ≈ weightStep · integerWeights[i]`):
    /// `q·scale` for inner product, `2·(q − min)·scale` for L2 (see `SQ8Encoding`).
    var integerWeights: [Int16] = []
    var weightStep: Float = 0
    /// SQ8 L2: the bias that goes with `integerWeights`, `−‖q − min‖²`.
    var weightBias: Float = 0
}

/// The seam where encodings plug in (fp32, SQ8, PQ): trained parameters, encode/decode, and a
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
    /// ``prepare(_:metric:)`` for each of `count` queries at `queries` (`count × d`); encodings with a
    /// per-query transform (OPQ) batch it.
    func prepare(batch queries: UnsafePointer<Float>, count: Int, metric: Metric) -> [PreparedQuery]
    /// Scores (higher is better) of `count` consecutive codes into `out`.
    func score(_ prepared: PreparedQuery, metric: Metric, codes: UnsafeRawPointer, count: Int,
               into out: UnsafeMutablePointer<Float>)

    // Residual encodings (PQ) need the vector's inverted list; the defaults below ignore it.

    /// Sub-quantisers (PQ), else 0; stored in the file header.
    var subquantizers: Int { get }
    /// True when vectors are rotated before quantisation (PQ with OPQ); flagged in the file header.
    var hasRotation: Bool { get }
    /// True when a query must be prepared again for each probed list (`prepare(_:list:metric:into:)`).
    var needsListPreparation: Bool { get }
    func encode(_ vector: UnsafePointer<Float>, list: Int, into code: UnsafeMutableRawPointer)
    func decode(_ code: UnsafeRawPointer, list: Int, into vector: UnsafeMutablePointer<Float>)
    func prepare(_ base: PreparedQuery, list: Int, metric: Metric, into out: inout PreparedQuery)
    /// Rearranges one list's codes, written row by row, into the encoding's storage layout (in place).
    func arrangeList(_ codes: UnsafeMutableRawPointer, count: Int)
    /// Decodes row `row` of a list of `count` codes in the storage layout.
    func decode(listCodes: UnsafeRawPointer, row: Int, count: Int, list: Int, into vector: UnsafeMutablePointer<Float>)

    // Encodings whose scores split into a query part and a per-row constant (SQ8 L2) score faster with
    // the constants precomputed (``RowTerms``); the defaults say there are none.

    /// True when scores for `metric` use a per-row constant (``rowTerm(_:)``).
    func usesRowTerms(_ metric: Metric) -> Bool
    /// The per-row constant of one code.
    func rowTerm(_ code: UnsafeRawPointer) -> Float
    /// ``score(_:metric:codes:count:into:)`` given each row's ``rowTerm(_:)`` in `rowTerms[0..<count]`.
    func score(_ prepared: PreparedQuery, metric: Metric, codes: UnsafeRawPointer, count: Int, rowTerms: UnsafePointer<Float>,
               into out: UnsafeMutablePointer<Float>)
}

extension VectorEncoding {
    var subquantizers: Int { 0 }
    var hasRotation: Bool { false }
    func prepare(batch queries: UnsafePointer<Float>, count: Int, metric: Metric) -> [PreparedQuery] {
        (0..<count).map { prepare(queries + $0 * dimension, metric: metric) }
    }
    var needsListPreparation: Bool { false }
    func encode(_ vector: UnsafePointer<Float>, list: Int, into code: UnsafeMutableRawPointer) { encode(vector, into: code) }
    func decode(_ code: UnsafeRawPointer, list: Int, into vector: UnsafeMutablePointer<Float>) { decode(code, into: vector) }
    func prepare(_ base: PreparedQuery, list: Int, metric: Metric, into out: inout PreparedQuery) { out = base }
    func arrangeList(_ codes: UnsafeMutableRawPointer, count: Int) {}
    func decode(listCodes: UnsafeRawPointer, row: Int, count: Int, list: Int, into vector: UnsafeMutablePointer<Float>) {
        decode(listCodes + row * codeSize, list: list, into: vector)
    }
    func usesRowTerms(_ metric: Metric) -> Bool { false }
    func rowTerm(_ code: UnsafeRawPointer) -> Float { 0 }
    func score(_ prepared: PreparedQuery, metric: Metric, codes: UnsafeRawPointer, count: Int, rowTerms: UnsafePointer<Float>,
               into out: UnsafeMutablePointer<Float>) {
        score(prepared, metric: metric, codes: codes, count: count, into: out)
    }
}

enum Encodings {
    /// Trains an encoding of `kind` on `sample` (`n × d` row-major); PQ trains on the sample's residuals
    /// to `centroids` with `subquantizers` sub-quantisers, and with `rotate` learns an OPQ rotation first.
    static func train(_ kind: EncodingKind, dimension d: Int, sample: [Float], centroids: [Float], metric: Metric,
                      subquantizers m: Int, rotate: Bool = false, seed: UInt64, threads: Int) -> any VectorEncoding {
        switch kind {
        case .flat: return FlatEncoding(dimension: d)
        case .sq8: return SQ8Encoding.train(dimension: d, sample: sample)
        case .pq, .pq4fs:
            let ksub = kind == .pq ? 256 : 16
            // At most 256 (4-bit) or 64 (8-bit) points per codebook centroid, from the coarse sample: bounds
            // training time and memory (≤ 16,384 × d floats) whatever N is.
            let perCentroid = kind == .pq ? 64 : 256
            let n = min(sample.count / d, perCentroid * ksub)
            let r = Residuals.of(sample: Array(sample[0..<(n * d)]), centroids: centroids, dimension: d, metric: metric,
                                 threads: threads)
            let pq: ProductQuantizer, rotation: PQRotation?
            if rotate {
                (rotation, pq) = PQRotation.train(dimension: d, m: m, ksub: ksub, residuals: r, seed: seed, threads: threads,
                                                  pointsPerCentroid: perCentroid)
            } else {
                rotation = nil
                pq = ProductQuantizer.train(dimension: d, m: m, ksub: ksub, residuals: r, seed: seed, threads: threads,
                                            pointsPerCentroid: perCentroid)
            }
            return product(kind, pq: pq, rotation: rotation, centroids: centroids)
        }
    }

    /// A PQ encoding of `kind`: with a rotation, its residuals are taken to the rotated centroids.
    private static func product(_ kind: EncodingKind, pq: ProductQuantizer, rotation: PQRotation?, centroids: [Float]) -> any VectorEncoding {
        let residuals = Residuals(centroids: rotation?.rotateRows(centroids) ?? centroids, dimension: pq.dimension)
        return kind == .pq ? PQEncoding(pq: pq, residuals: residuals, rotation: rotation)
                           : PQ4FastScanEncoding(pq: pq, residuals: residuals, rotation: rotation)
    }

    /// Reads an encoding's parameters back from an index file section (`rotated`: the header says an OPQ
    /// rotation follows the PQ codebooks).
    static func load(_ kind: EncodingKind, dimension d: Int, subquantizers m: Int, rotated: Bool = false, centroids: [Float],
                     parameters: UnsafeRawBufferPointer, file: String) throws -> any VectorEncoding {
        switch kind {
        case .pq, .pq4fs:
            let ksub = kind == .pq ? 256 : 16
            let codebookBytes = ProductQuantizer.parameterBytes(dimension: d, ksub: ksub)
            guard parameters.count == kind.parameterBytes(dimension: d, rotated: rotated) else {
                throw VectorIndexError.corrupt(file, "pq parameters have \(parameters.count) bytes, expected \(kind.parameterBytes(dimension: d, rotated: rotated))")
            }
            let pq = try ProductQuantizer(dimension: d, m: m, ksub: ksub, parameters: UnsafeRawBufferPointer(rebasing: parameters[0..<codebookBytes]),
                                          file: file)
            let rotation = rotated ? try PQRotation(dimension: d, bytes: UnsafeRawBufferPointer(rebasing: parameters[codebookBytes...]), file: file) : nil
            return product(kind, pq: pq, rotation: rotation, centroids: centroids)
        case .flat:
            guard parameters.count == 0 else { throw VectorIndexError.corrupt(file, "flat encoding section has \(parameters.count) bytes, expected 0") }
            return FlatEncoding(dimension: d)
        case .sq8:
            return try SQ8Encoding(dimension: d, parameters: parameters, file: file)
        }
    }
}
