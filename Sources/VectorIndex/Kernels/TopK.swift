/// The best `k` (score, id, row) entries seen so far: a binary min-heap on score whose root is the
/// worst kept entry, so `threshold` is the score a newcomer must beat once the heap is full.
/// `row` is an opaque locator the caller uses later (e.g. to re-rank from stored fp32 vectors).
struct TopK {
    struct Entry {
        var score: Float
        /// Caller's tag (the IVF search stores the inverted list here; fits the padding after `score`).
        var list: Int32
        var id: Int64
        var row: Int
    }

    let k: Int
    private(set) var entries: [Entry] = []
    /// Cached root score once full (`-inf` before), read on every candidate.
    private(set) var threshold: Float = -.infinity

    init(k: Int) {
        self.k = k
        entries.reserveCapacity(k)
    }

    var ids: [Int64] { entries.map(\.id) }

    mutating func push(score: Float, id: Int64, row: Int, list: Int32 = 0) {
        let new = Entry(score: score, list: list, id: id, row: row)
        if entries.count < k {
            entries.append(new)
            entries.withUnsafeMutableBufferPointer { h in
                var i = h.count - 1
                while i > 0 {
                    let p = (i - 1) / 2
                    if h[p].score <= new.score { break }
                    h[i] = h[p]
                    i = p
                }
                h[i] = new
            }
            if entries.count == k { threshold = entries[0].score }
        } else if score > threshold {
            threshold = entries.withUnsafeMutableBufferPointer { h in
                let n = h.count
                var i = 0
                while true {
                    let l = 2 * i + 1
                    if l >= n { break }
                    let r = l + 1
                    let m = r < n && h[r].score < h[l].score ? r : l
                    if h[m].score >= new.score { break }
                    h[i] = h[m]
                    i = m
                }
                h[i] = new
                return h[0].score
            }
        }
    }

    /// Entries best first (ties broken by smaller id, so results are deterministic).
    func sorted() -> [Entry] {
        entries.sorted { $0.score != $1.score ? $0.score > $1.score : $0.id < $1.id }
    }

    func neighbors() -> [Neighbor] { sorted().map { Neighbor(id: $0.id, score: $0.score) } }
}
