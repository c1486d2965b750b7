#if canImport(Glibc)
import Glibc
#endif

/// The encoding a build uses when the caller does not name one, from the collection's size and the
/// machine's memory. The searched part of an index (codes + 8-byte ids per vector) should stay resident,
/// and may take at most a quarter of the memory (the rest is for the models, the page cache that serves
/// re-ranking reads, and other work):
///
/// - **flat** (`4·d` bytes per vector, exact) below 250,000 vectors when it fits that budget: small
///   collections get exact scores and the fastest scan at a few hundred MB at most;
/// - **sq8** (`d` bytes, re-ranked with the fp32 vectors on disk) below 10,000,000 vectors when it fits;
/// - **pq4fs** (`d/8` bytes at the default `m = d/4`, re-ranked likewise) otherwise: 1/32 of flat's and
///   1/8 of sq8's code memory.
public enum EncodingChoice {
    /// Above this many vectors flat is not chosen (even if it would fit).
    public static let flatLimit = 250_000
    /// Above this many vectors sq8 is not chosen.
    public static let sq8Limit = 10_000_000

    /// The encoding for `vectorCount` vectors of `dimension` on a machine with `availableMemoryBytes`, and
    /// a one-line reason (what `vsearch info` prints).
    public static func choose(vectorCount n: Int, dimension d: Int, availableMemoryBytes memory: Int) -> (encoding: EncodingKind, reason: String) {
        let budget = memory / 4
        func resident(_ kind: EncodingKind) -> Int {
            n * (kind.codeSize(dimension: d, subquantizers: defaultSubquantizers(kind, dimension: d)) + 8)
        }
        let mib = { (b: Int) in "\(b >> 20) MiB" }
        let flat = resident(.flat), sq8 = resident(.sq8), pq = resident(.pq4fs)
        if n < flatLimit && flat <= budget {
            return (.flat, "\(n) vectors < \(flatLimit) and flat codes (\(mib(flat))) fit a quarter of memory (\(mib(budget))): exact scores")
        }
        if n < sq8Limit && sq8 <= budget {
            return (.sq8, "\(n) vectors < \(sq8Limit) and sq8 codes (\(mib(sq8))) fit a quarter of memory (\(mib(budget))); flat would need \(mib(flat))")
        }
        return (.pq4fs, "\(n) vectors: sq8 codes would need \(mib(sq8)) (limit \(sq8Limit) vectors, budget a quarter of memory = \(mib(budget))); pq4fs needs \(mib(pq))")
    }

    /// Default sub-quantisers for dimension `d`: `d/4` for pq4fs (4-d sub-vectors, `d/8` bytes, like FAISS's
    /// `PQ{d/4}x4fs`) and `d/8` for pq (8-d sub-vectors of 8 bits, `d/8` bytes); the nearest valid count
    /// when `d` does not divide evenly; 0 for flat and sq8.
    public static func defaultSubquantizers(_ kind: EncodingKind, dimension d: Int) -> Int {
        guard kind.isProductQuantized else { return 0 }
        let preferred = kind == .pq4fs ? 4 : 8
        // Sub-vector lengths nearest the preferred one first, shorter before longer.
        let lengths = (1...max(1, d)).sorted { (abs($0 - preferred), $0) < (abs($1 - preferred), $1) }
        for dsub in lengths where d % dsub == 0 {
            let m = d / dsub
            if kind.subquantizerProblem(dimension: d, subquantizers: m) == nil { return m }
        }
        return kind == .pq4fs ? 0 : d  // odd d without an even divisor: pq4fs is impossible (reported by the build)
    }

    /// Physical memory of this machine (`sysconf`), the default `availableMemoryBytes`.
    public static func physicalMemoryBytes() -> Int {
        Int(sysconf(Int32(_SC_PHYS_PAGES))) * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
