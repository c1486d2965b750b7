/// Runs `work` with a time limit: past `limit`, the work is cancelled and `error` is thrown at once.
/// Blocking work running on a ``ConcurrencyLimiter`` thread finishes in the background but keeps its
/// slot until then, so timeouts never let more CPU work run than the limits allow.
func withDeadline<T: Sendable>(_ limit: Duration, error: APIError, _ work: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await work() }
        group.addTask {
            try await Task.sleep(for: limit)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else { throw error }
        return value
    }
}
