extension ConcurrencyLimiter {
    /// Runs blocking `work` (``run(_:)``) for an HTTP answer: a full queue becomes 503 `overloaded` naming
    /// `what`, and any error of the layers below its ``APIError`` (the one mapping, ``APIError/mapping(_:)``).
    /// Used by the single-machine service and the cluster router alike.
    public func answer<T: Sendable>(_ what: String, _ work: @escaping @Sendable () throws -> T) async throws -> T {
        do {
            return try await run(work)
        } catch is ConcurrencyLimiter.Overloaded {
            throw APIError.overloaded(what)
        } catch {
            throw APIError.mapping(error)
        }
    }
}
