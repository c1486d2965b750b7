import Synchronization

/// Lazy, once-per-process verification of list data: the first time a list's codes+ids (or its stored
/// fp32 vectors) are touched, their xxh64 is checked against the directory; afterwards they are trusted.
/// A mismatch is reported as corruption naming the file and list, every time that list is touched.
final class ListVerifier: Sendable {
    private let state: Mutex<[UInt8]>
    static let codesAndIDs: UInt8 = 1
    static let vectors: UInt8 = 2

    init(nlist: Int) { state = Mutex([UInt8](repeating: 0, count: nlist)) }

    func isVerified(_ list: Int, _ part: UInt8) -> Bool { state.withLock { $0[list] & part != 0 } }
    func markVerified(_ list: Int, _ part: UInt8) { state.withLock { $0[list] |= part } }
}
