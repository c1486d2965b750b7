import Synchronization

/// Lazy, once-per-process verification of list data: the first time a list's codes+ids (or its stored
/// fp32 vectors) are touched, their xxh64 is checked against the directory; afterwards they are trusted.
/// A mismatch is reported as corruption naming the file and list, every time that list is touched.
///
/// `@unchecked Sendable`: `flags` is allocated once in `init`, freed in `deinit`, and only accessed
/// through its atomic elements (a lock-free check sits on the search path of every probed list).
final class ListVerifier: @unchecked Sendable {
    private let flags: UnsafeMutablePointer<Atomic<UInt8>>
    private let count: Int
    static let codesAndIDs: UInt8 = 1
    static let vectors: UInt8 = 2

    init(nlist: Int) {
        count = nlist
        flags = .allocate(capacity: max(1, nlist))
        for i in 0..<nlist { (flags + i).initialize(to: Atomic(0)) }
    }

    @inline(__always)
    func isVerified(_ list: Int, _ part: UInt8) -> Bool { flags[list].load(ordering: .acquiring) & part != 0 }

    func markVerified(_ list: Int, _ part: UInt8) { _ = flags[list].bitwiseOr(part, ordering: .releasing) }

    deinit {
        flags.deinitialize(count: count)
        flags.deallocate()
    }
}
