/// What the two PQ encodings (``PQEncoding``, ``PQ4FastScanEncoding``) share around their codebooks: the
/// stored parameters (codebooks, then the optional OPQ ``PQRotation``) and query preparation, which rotates
/// the query once (a batch with one matrix product) and prepares it in the rotated space.
protocol RotatingPQEncoding: VectorEncoding {
    var pq: ProductQuantizer { get }
    var rotation: PQRotation? { get }
    /// The query, already rotated, prepared for scanning (the tables that do not depend on the list).
    func prepareRotated(_ query: UnsafePointer<Float>, metric: Metric) -> PreparedQuery
}

extension RotatingPQEncoding {
    var parameters: [UInt8] { pq.parameters + rotation.bytes }
    var hasRotation: Bool { rotation != nil }
    var subquantizers: Int { pq.m }

    func prepare(_ query: UnsafePointer<Float>, metric: Metric) -> PreparedQuery {
        rotation.rotated(query, dimension: dimension) { prepareRotated($0, metric: metric) }
    }

    func prepare(batch queries: UnsafePointer<Float>, count: Int, metric: Metric) -> [PreparedQuery] {
        rotation.preparing(queries, count: count, dimension: dimension) { prepareRotated($0, metric: metric) }
    }
}
