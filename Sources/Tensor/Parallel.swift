import Dispatch

/// Fork-join parallelism for kernels: run `body(i)` for `i` in `0..<iterations` on the shared
/// Dispatch worker pool and return when all are done.
public enum Parallel {
    /// Runs the iterations concurrently (inline when `iterations <= 1`). The caller guarantees the
    /// iterations touch disjoint memory (e.g. different output rows or images).
    public static func forEach(_ iterations: Int, _ body: (Int) -> Void) {
        if iterations <= 1 {
            if iterations == 1 { body(0) }
            return
        }
        withoutActuallyEscaping(body) { body in
            let shared = UncheckedSendableBox(body)
            DispatchQueue.concurrentPerform(iterations: iterations) { shared.value($0) }
        }
    }

    /// Calls `body` on `parts` contiguous, nearly equal sub-ranges of `0..<count`, concurrently.
    public static func split(_ count: Int, parts: Int, _ body: (Range<Int>) -> Void) {
        let parts = max(1, min(parts, count))
        forEach(parts) { part in body((count * part / parts)..<(count * (part + 1) / parts)) }
    }
}

/// `@unchecked Sendable`: carries a non-escaping, non-Sendable closure into `concurrentPerform`,
/// which finishes before `forEach` returns; disjointness of what the iterations touch is the
/// caller's contract (see ``Parallel/forEach(_:_:)``).
private struct UncheckedSendableBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
