/// fp32 codes: the vector itself (`4·d` bytes, little-endian floats).
struct FlatEncoding: VectorEncoding {
    let dimension: Int
    var kind: EncodingKind { .flat }
    var codeSize: Int { 4 * dimension }
    var isExact: Bool { true }
    var parameters: [UInt8] { [] }

    func encode(_ vector: UnsafePointer<Float>, into code: UnsafeMutableRawPointer) {
        code.copyMemory(from: vector, byteCount: 4 * dimension)
    }

    func decode(_ code: UnsafeRawPointer, into vector: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(vector).copyMemory(from: code, byteCount: 4 * dimension)
    }

    func prepare(_ query: UnsafePointer<Float>, metric: Metric) -> PreparedQuery {
        PreparedQuery(a: Array(UnsafeBufferPointer(start: query, count: dimension)), b: [], bias: 0)
    }

    func score(_ prepared: PreparedQuery, metric: Metric, codes: UnsafeRawPointer, count: Int,
               into out: UnsafeMutablePointer<Float>) {
        prepared.a.withUnsafeBufferPointer { q in
            Kernels.scoreRows(metric, q.baseAddress!, codes.assumingMemoryBound(to: Float.self), count: count,
                              d: dimension, into: out)
        }
    }
}
