/// The best `k` (score, id, row) triples seen so far: a binary min-heap on score whose root is the
/// worst kept entry, so `threshold` is the score a newcomer must beat once the heap is full.
/// `row` is an opaque locator the caller uses later (e.g. to re-rank from stored fp32 vectors).
struct TopK {
    let k: Int
    private(set) var scores: [Float] = []
    private(set) var ids: [Int64] = []
    private(set) var rows: [Int] = []

    init(k: Int) {
        self.k = k
        scores.reserveCapacity(k)
        ids.reserveCapacity(k)
        rows.reserveCapacity(k)
    }

    var isFull: Bool { scores.count >= k }
    /// A newcomer must score strictly above this to enter.
    var threshold: Float { scores.count < k ? -Float.infinity : scores[0] }

    mutating func push(score: Float, id: Int64, row: Int) {
        if scores.count < k {
            scores.append(score); ids.append(id); rows.append(row)
            var i = scores.count - 1
            while i > 0 {
                let p = (i - 1) / 2
                if scores[p] <= scores[i] { break }
                scores.swapAt(p, i); ids.swapAt(p, i); rows.swapAt(p, i)
                i = p
            }
        } else if score > scores[0] {
            scores[0] = score; ids[0] = id; rows[0] = row
            var i = 0
            let n = scores.count
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < n && scores[l] < scores[m] { m = l }
                if r < n && scores[r] < scores[m] { m = r }
                if m == i { break }
                scores.swapAt(m, i); ids.swapAt(m, i); rows.swapAt(m, i)
                i = m
            }
        }
    }

    /// Entries best first (ties broken by smaller id, so results are deterministic).
    func sorted() -> [(score: Float, id: Int64, row: Int)] {
        (0..<scores.count).map { (scores[$0], ids[$0], rows[$0]) }
            .sorted { $0.score != $1.score ? $0.score > $1.score : $0.id < $1.id }
    }

    func neighbors() -> [Neighbor] { sorted().map { Neighbor(id: $0.id, score: $0.score) } }
}
