#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// A fixed team of threads for fork-join parallelism with microsecond hand-offs: the caller is
/// member 0, and `size − 1` persistent helper threads spin briefly for the next job before parking
/// on a condition variable. One forward pass of a CNN on one image is ~150 layer-sized jobs of
/// 10–200 µs each, where Dispatch's per-call wake-ups would cost a noticeable share.
///
/// A team runs one job at a time: owners lease a team to one caller at a time (see `TeamPool`).
///
/// `@unchecked Sendable`: `job` is written by the leader only while no job is running (helpers read
/// it after an acquiring load of `generation` that the leader's releasing increment published, and
/// the leader clears it only after every helper's releasing decrement of `pending`); the mutex and
/// condition variable are only used through pthread calls.
public final class WorkerTeam: @unchecked Sendable {
    /// Threads that run each job (including the caller).
    public let size: Int
    private let generation = Atomic<Int>(0)
    private let pending = Atomic<Int>(0)
    private let stopping = Atomic<Bool>(false)
    private var job: UnsafePointer<(Int) -> Void>?
    private let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let wake = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var threads: [pthread_t] = []
    /// Polls of `generation` (a few tens of microseconds) before a helper parks.
    private static let spinLimit = 20_000

    public init(size: Int) {
        self.size = max(1, size)
        pthread_mutex_init(lock, nil)
        pthread_cond_init(wake, nil)
        for index in 1..<self.size {
            let context = Unmanaged.passRetained(HelperContext(team: self, index: index)).toOpaque()
            var thread = pthread_t()
            let status = pthread_create(&thread, nil, { raw in
                let context = Unmanaged<HelperContext>.fromOpaque(raw!).takeRetainedValue()
                context.team.helperLoop(index: context.index)
                return nil
            }, context)
            precondition(status == 0, "pthread_create failed: \(status)")
            threads.append(thread)
        }
    }

    deinit {
        stopping.store(true, ordering: .releasing)
        pthread_mutex_lock(lock)
        pthread_cond_broadcast(wake)
        pthread_mutex_unlock(lock)
        for thread in threads { pthread_join(thread, nil) }
        pthread_cond_destroy(wake)
        pthread_mutex_destroy(lock)
        lock.deallocate()
        wake.deallocate()
    }

    /// Runs `body(member)` for `member` in `0..<size`, the caller taking member 0, and returns when
    /// all have finished. The members must touch disjoint memory.
    public func run(_ body: (Int) -> Void) {
        if size == 1 {
            body(0)
            return
        }
        withoutActuallyEscaping(body) { body in
            withUnsafePointer(to: body) { pointer in
                job = pointer
                pending.store(size - 1, ordering: .relaxed)
                generation.add(1, ordering: .releasing)
                pthread_mutex_lock(lock)
                pthread_cond_broadcast(wake)
                pthread_mutex_unlock(lock)
                pointer.pointee(0)
                // Spin: helpers finish within microseconds of each other. On an oversubscribed
                // machine a helper may be descheduled, so yield the core now and then.
                var spins = 0
                while pending.load(ordering: .acquiring) > 0 {
                    spins &+= 1
                    if spins & 1023 == 0 { sched_yield() }
                }
                job = nil
            }
        }
    }

    /// Calls `body` on `parts` contiguous, nearly equal sub-ranges of `0..<count` (at most `size`
    /// parts, never more than `count`).
    public func split(_ count: Int, _ body: (Range<Int>) -> Void) {
        let parts = max(1, min(size, count))
        if parts == 1 {
            body(0..<count)
            return
        }
        run { member in
            guard member < parts else { return }
            body((count * member / parts)..<(count * (member + 1) / parts))
        }
    }

    private func helperLoop(index: Int) {
        var seen = 0
        while true {
            var spins = 0
            while generation.load(ordering: .acquiring) == seen {
                if stopping.load(ordering: .acquiring) { return }
                spins += 1
                if spins & 1023 == 0 { sched_yield() }
                if spins >= Self.spinLimit {
                    pthread_mutex_lock(lock)
                    while generation.load(ordering: .acquiring) == seen && !stopping.load(ordering: .acquiring) {
                        pthread_cond_wait(wake, lock)
                    }
                    pthread_mutex_unlock(lock)
                    spins = 0
                }
            }
            seen = generation.load(ordering: .acquiring)
            job.unsafelyUnwrapped.pointee(index)
            pending.subtract(1, ordering: .releasing)
        }
    }

    private final class HelperContext {
        unowned(unsafe) let team: WorkerTeam
        let index: Int
        init(team: WorkerTeam, index: Int) {
            self.team = team
            self.index = index
        }
    }
}
