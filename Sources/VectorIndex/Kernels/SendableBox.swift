/// Carries a raw pointer (or another non-Sendable value) into worker threads.
/// `@unchecked Sendable`: used only where each worker touches a disjoint part of the memory (its own
/// chunk of rows or queries) and the owner outlives `Parallel.chunks` (Parallelism), which joins all workers.
struct SendableBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
