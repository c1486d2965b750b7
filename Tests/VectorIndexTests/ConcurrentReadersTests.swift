import Foundation
import SearchTesting
import Synchronization
import Testing
import VectorIndex

/// Readers that open and search while a writer adds, removes, compacts and retrains must always see a
/// whole version: every batch written by one call is either entirely visible or entirely absent.
@Suite struct ConcurrentReadersTests {
    static let d = TestData.dimension

    @Test func readersSeeWholeWritesOnly() throws {
        let dir = try TemporaryDirectory("readers")
        defer { dir.remove() }
        let base = Array(TestData.base[0..<(3000 * Self.d)])
        try TestData.build(dir.path, vectors: base, nlist: 32)
        let batches = 12, batchSize = 25
        let extra = TestData.generator.sample(batches * batchSize, stream: 11)
        let batchIDs: @Sendable (Int) -> [Int64] = { b in (0..<batchSize).map { Int64(50_000 + b * batchSize + $0) } }
        let shared = Shared()
        let path = dir.path
        let finished = (0..<2).map { _ in DispatchSemaphore(value: 0) }
        for (r, sem) in finished.enumerated() {
            Thread.detachNewThread {
                defer { sem.signal() }
                var observations = 0
                while !shared.done.load(ordering: .acquiring) || observations < 3 {
                    do {
                        let index = try IVFIndex.open(directory: path)
                        let count = index.count
                        // Probe the first and last vector of every batch: both found or both absent.
                        var queries: [Float] = []
                        for b in 0..<batches {
                            for row in [b * batchSize, b * batchSize + batchSize - 1] {
                                queries += extra[(row * Self.d)..<((row + 1) * Self.d)]
                            }
                        }
                        let hits = try index.search(batch: queries, k: 1, options: SearchOptions(nprobe: index.nlist))
                        for b in 0..<batches {
                            let first = hits[2 * b].first?.id == batchIDs(b).first
                            let last = hits[2 * b + 1].first?.id == batchIDs(b).last
                            if first != last { shared.problems.withLock { $0.append("reader \(r): batch \(b) half visible") } }
                        }
                        if !shared.valid.withLock({ $0.contains(count) }) {
                            shared.problems.withLock { $0.append("reader \(r): count \(count) never written") }
                        }
                        observations += 1
                    } catch {
                        shared.problems.withLock { $0.append("reader \(r): \(error)") }
                        return
                    }
                }
            }
        }

        let writer = try IVFIndexWriter(directory: dir.path)
        var count = 3000
        for b in 0..<batches {
            // Publish the new count as valid before the write becomes visible.
            shared.valid.withLock { _ = $0.insert(count + batchSize) }
            try writer.add(Array(extra[(b * batchSize * Self.d)..<((b + 1) * batchSize * Self.d)]), ids: batchIDs(b))
            count += batchSize
            if b % 4 == 1 {
                shared.valid.withLock { _ = $0.insert(count - batchSize) }
                try writer.remove(batchIDs(b - 1))
                count -= batchSize
            }
            if b == 5 { try writer.compact() }
            if b == 9 { try writer.retrain(nlist: 16, iterations: 3) }
        }
        shared.done.store(true, ordering: .releasing)
        for sem in finished { sem.wait() }
        #expect(shared.problems.withLock { $0 } == [])
        #expect(try IVFIndex.open(directory: dir.path).count == count)
    }
}

/// State shared between the writer and the reader threads.
private final class Shared: Sendable {
    /// Counts a reader may legitimately observe: the count after each write (added before the write).
    let valid = Mutex<Set<Int>>([3000])
    let done = Atomic<Bool>(false)
    let problems = Mutex<[String]>([])
}
