import Synchronization

/// Per-row constants of an encoding's scoring (``VectorEncoding/rowTerm(_:)``), computed lazily list by
/// list the first time a search probes the list (so opening a large index reads nothing more) and then
/// kept for the life of the snapshot: 4 bytes per base vector.
///
/// `@unchecked Sendable`: the buffers are allocated in `init` and freed in `deinit`; a list's terms are
/// written only by the one thread that wins its `states` slot (0 → 1) and read only after it has
/// published them (→ 2, release/acquire). A search that finds a list being computed by another thread
/// scores that list without terms instead of waiting.
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

    /// The terms of `list`'s `count` rows starting at row `first`, computed by `compute` (which fills
    /// `count` floats) if nobody has yet; nil while another thread is computing them.
    @inline(__always)
    func terms(of list: Int, first: Int, count: Int, compute: (UnsafeMutablePointer<Float>) -> Void) -> UnsafePointer<Float>? {
        let state = states[list].load(ordering: .acquiring)
        if state == 2 { return UnsafePointer(terms + first) }
        guard state == 0, states[list].compareExchange(expected: 0, desired: 1, ordering: .acquiring).exchanged else { return nil }
        compute(terms + first)
        states[list].store(2, ordering: .releasing)
        return UnsafePointer(terms + first)
    }

    deinit {
        states.deinitialize(count: nlist)
        states.deallocate()
        terms.deallocate()
    }
}
