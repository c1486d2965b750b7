import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Per-row constants of an encoding's scoring (``VectorEncoding/rowTerm(_:)``), computed lazily list by
/// list the first time a search probes the list (so opening a large index reads nothing more) and then
/// kept for the life of the snapshot: 4 bytes per base vector.
///
/// `@unchecked Sendable`: the buffers are allocated in `init` and freed in `deinit`; a list's terms are
/// written only by the one thread that wins its `states` slot (0 → 1) and read only after it has
/// published them (→ 2, release/acquire). A search that finds a list being computed by another thread
/// waits for it (one list's terms take microseconds), so every search scores a list the same way and
/// results do not depend on which thread touched a list first.
final class RowTerms: @unchecked Sendable {
    private let terms: UnsafeMutablePointer<Float>
    private let states: UnsafeMutablePointer<Atomic<UInt8>>
    private let rows: Int
    private let nlist: Int

    init(nlist: Int, rows: Int) {
        self.nlist = nlist
        self.rows = rows
        terms = .allocate(capacity: max(1, rows))
        states = .allocate(capacity: max(1, nlist))
        for i in 0..<nlist { (states + i).initialize(to: Atomic(0)) }
    }

    /// The terms of `list`'s rows, starting at row `first`: computed by `compute` (which fills one float per
    /// row of the list) if nobody has yet, or awaited if another thread is computing them.
    @inline(__always)
    func terms(of list: Int, first: Int, compute: (UnsafeMutablePointer<Float>) -> Void) -> UnsafePointer<Float> {
        if states[list].load(ordering: .acquiring) != 2 {
            if states[list].compareExchange(expected: 0, desired: 1, ordering: .acquiring).exchanged {
                compute(terms + first)
                states[list].store(2, ordering: .releasing)
            } else {
                while states[list].load(ordering: .acquiring) != 2 { sched_yield() }
            }
        }
        return UnsafePointer(terms + first)
    }

    deinit {
        states.deinitialize(count: nlist)
        states.deallocate()
        terms.deallocate()
    }
}
