import Dispatch
import Synchronization

/// Carries a raw pointer (or another non-Sendable value) into worker threads.
/// `@unchecked Sendable`: used only where each worker touches a disjoint part of the memory (its own
/// chunk of rows or queries) and the owner outlives `Parallel.chunks`, which joins all workers.
struct SendableBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

enum Parallel {
    /// Runs `body(range, worker)` over `0..<total` in chunks of `chunk`, on `threads` workers that take
    /// chunks in order from a shared counter (so uneven chunks balance). Returns when all are done.
    static func chunks(total: Int, chunk: Int, threads: Int, _ body: @Sendable (Range<Int>, Int) -> Void) {
        guard total > 0 else { return }
        let chunk = max(1, chunk)
        let workers = max(1, min(threads, (total + chunk - 1) / chunk))
        if workers == 1 {
            var s = 0
            while s < total { body(s..<min(total, s + chunk), 0); s += chunk }
            return
        }
        let next = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            while true {
                let s = next.withLock { v -> Int in let s = v; v += chunk; return s }
                if s >= total { break }
                body(s..<min(total, s + chunk), w)
            }
        }
    }
}
