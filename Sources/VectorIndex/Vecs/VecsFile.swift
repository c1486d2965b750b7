/// A TEXMEX `.fvecs` file (ann-benchmarks / FAISS format), memory-mapped: each vector is an int32
/// dimension `d` followed by `d` little-endian fp32 values. Opening validates every record's dimension
/// and that every value is finite, so later reads cannot fail; the vectors stay on disk (`mmap`), so a
/// 10M × 128 file is never loaded into the heap.
public final class FvecsFile: VectorSource {
    public let path: String
    public let count: Int
    public let dimension: Int
    private let file: MappedFile

    public init(path: String) throws {
        file = try MappedFile(path: path)
        self.path = path
        let size = file.size
        guard size >= 4, let base = file.base else { throw VectorIndexError.badInput(path, "is empty, not an fvecs file") }
        let d = Int(Int32(littleEndian: base.loadUnaligned(as: Int32.self)))
        guard (1...65536).contains(d) else {
            throw VectorIndexError.badInput(path, "first record has dimension \(d); expected 1...65536 (is this an fvecs file?)")
        }
        let record = 4 + 4 * d
        guard size % record == 0 else {
            throw VectorIndexError.badInput(path, "is truncated or malformed: \(size) bytes is not a whole number of \(record)-byte records of dimension \(d)")
        }
        let n = size / record
        for i in 0..<n {
            let rd = Int32(littleEndian: base.loadUnaligned(fromByteOffset: i * record, as: Int32.self))
            guard rd == d else { throw VectorIndexError.badInput(path, "record \(i) has dimension \(rd), the first has \(d)") }
            let values = (base + i * record + 4).assumingMemoryBound(to: Float.self)
            var ok = true
            for j in 0..<d where !values[j].isFinite { ok = false }
            guard ok else { throw VectorIndexError.badInput(path, "record \(i) has a value that is not a finite number") }
        }
        count = n
        dimension = d
    }

    /// Rows of the mapped file: stride `dimension + 1` floats (each row is preceded by its int32 dimension).
    public func withRows<R>(_ range: Range<Int>, _ body: (UnsafePointer<Float>, Int) throws -> R) rethrows -> R {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "row range out of bounds")
        let p = (file.base! + range.lowerBound * (4 + 4 * dimension) + 4).assumingMemoryBound(to: Float.self)
        return try body(p, dimension + 1)
    }

    /// All vectors as one row-major array (`count × dimension`); for query files, not for bases.
    public func allVectors() -> [Float] {
        var out = [Float](repeating: 0, count: count * dimension)
        out.withUnsafeMutableBufferPointer { o in
            for i in 0..<count {
                withRows(i..<(i + 1)) { p, _ in (o.baseAddress! + i * dimension).update(from: p, count: dimension) }
            }
        }
        return out
    }
}

/// Writers and readers for `.fvecs` / `.ivecs` (int32 records) files.
public enum VecsFormat {
    /// Writes `values` (`rows × dimension`) as fvecs, atomically (temp, fsync, rename, fsync dir).
    public static func writeFvecs(_ values: [Float], dimension: Int, to path: String) throws {
        try write(values.map(\.bitPattern), dimension: dimension, to: path)
    }

    /// Writes `values` (`rows × dimension` int32) as ivecs, atomically.
    public static func writeIvecs(_ values: [Int32], dimension: Int, to path: String) throws {
        try write(values.map { UInt32(bitPattern: $0) }, dimension: dimension, to: path)
    }

    private static func write(_ words: [UInt32], dimension: Int, to path: String) throws {
        guard dimension > 0, words.count % dimension == 0 else {
            throw VectorIndexError.badInput(path, "\(words.count) values are not whole rows of \(dimension)")
        }
        var w = ByteWriter()
        w.bytes.reserveCapacity(words.count * 4 + words.count / dimension * 4)
        for r in 0..<(words.count / dimension) {
            w.u32(UInt32(dimension))
            for j in 0..<dimension { w.u32(words[r * dimension + j]) }
        }
        try FileIO.writeAtomically(w.bytes, to: path)
    }

    /// Reads an ivecs file into rows of int32.
    public static func readIvecs(_ path: String) throws -> [[Int32]] {
        let bytes = try FileIO.readFile(path)
        var rows: [[Int32]] = []
        var off = 0
        while off < bytes.count {
            guard off + 4 <= bytes.count else { throw VectorIndexError.badInput(path, "is truncated at byte \(off)") }
            let d = Int(bytes[off..<(off + 4)].withUnsafeBytes { Int32(littleEndian: $0.loadUnaligned(as: Int32.self)) })
            guard d >= 0, off + 4 + 4 * d <= bytes.count else {
                throw VectorIndexError.badInput(path, "is truncated or malformed at byte \(off) (dimension \(d))")
            }
            rows.append(bytes[(off + 4)..<(off + 4 + 4 * d)].withUnsafeBytes { raw in
                (0..<d).map { Int32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: Int32.self)) }
            })
            off += 4 + 4 * d
        }
        return rows
    }
}
