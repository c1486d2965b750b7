import Catalog
import Tensor

/// Exact inner-product search over an in-memory matrix of unit vectors (the text vectors of items).
///
/// The simple, exact store the semantic side uses until the IVF index takes over; also the oracle for it.
/// Search is one matrix–vector product through BLAS, then a partial top-k.
public struct FlatVectorStore: Sendable {
    public let dimension: Int
    public private(set) var keys: [ItemKey]
    /// `keys.count × dimension`, row-major.
    public private(set) var values: [Float]
    private var rowByKey: [ItemKey: Int]

    public init(dimension: Int) {
        self.dimension = dimension
        keys = []
        values = []
        rowByKey = [:]
    }

    public init(_ stored: StoredTextVectors) {
        self.init(dimension: stored.dimension)
        keys = stored.keys
        values = stored.values
        for (row, key) in keys.enumerated() { rowByKey[key] = row }
    }

    public var count: Int { keys.count }

    /// Adds or replaces the vector of `key`.
    public mutating func set(_ vector: [Float], for key: ItemKey) {
        precondition(vector.count == dimension, "vector has \(vector.count) values, store has dimension \(dimension)")
        if let row = rowByKey[key] {
            values.replaceSubrange((row * dimension)..<((row + 1) * dimension), with: vector)
        } else {
            rowByKey[key] = keys.count
            keys.append(key)
            values += vector
        }
    }

    /// Removes the vector of `key` (the last row moves into its place).
    public mutating func remove(_ key: ItemKey) {
        guard let row = rowByKey.removeValue(forKey: key) else { return }
        let last = keys.count - 1
        if row != last {
            keys[row] = keys[last]
            rowByKey[keys[row]] = row
            values.replaceSubrange((row * dimension)..<((row + 1) * dimension),
                                   with: values[(last * dimension)..<((last + 1) * dimension)])
        }
        keys.removeLast()
        values.removeLast(dimension)
    }

    /// The `k` keys with the largest inner product with `query`, best first, among `allowed` keys
    /// (nil: all). Ties are broken by key.
    public func search(_ query: [Float], k: Int, allowed: Set<ItemKey>? = nil) -> [(key: ItemKey, score: Float)] {
        precondition(query.count == dimension, "query has \(query.count) values, store has dimension \(dimension)")
        guard k > 0, !keys.isEmpty else { return [] }
        var scores = [Float](repeating: 0, count: keys.count)
        values.withUnsafeBufferPointer { matrix in
            query.withUnsafeBufferPointer { q in
                scores.withUnsafeMutableBufferPointer { out in
                    BLAS.gemm(m: keys.count, n: 1, k: dimension, a: matrix.baseAddress!, lda: dimension,
                              b: q.baseAddress!, ldb: 1, c: out.baseAddress!, ldc: 1)
                }
            }
        }
        var heap = TopK(capacity: k)
        for (row, score) in scores.enumerated() {
            let key = keys[row]
            if let allowed, !allowed.contains(key) { continue }
            heap.offer(key: key, score: score)
        }
        return heap.sortedDescending()
    }
}

/// A bounded min-heap keeping the `capacity` best (score, key) pairs.
struct TopK {
    let capacity: Int
    private var items: [(key: ItemKey, score: Float)] = []

    init(capacity: Int) {
        self.capacity = capacity
        items.reserveCapacity(capacity)
    }

    /// True when `a` ranks below `b` (lower score, or same score and larger key).
    private static func worse(_ a: (key: ItemKey, score: Float), _ b: (key: ItemKey, score: Float)) -> Bool {
        a.score != b.score ? a.score < b.score : a.key > b.key
    }

    mutating func offer(key: ItemKey, score: Float) {
        let item = (key: key, score: score)
        if items.count < capacity {
            items.append(item)
            var child = items.count - 1
            while child > 0 {
                let parent = (child - 1) / 2
                guard Self.worse(items[child], items[parent]) else { break }
                items.swapAt(child, parent)
                child = parent
            }
        } else if Self.worse(items[0], item) {
            items[0] = item
            var parent = 0
            while true {
                let left = 2 * parent + 1, right = left + 1
                var smallest = parent
                if left < items.count, Self.worse(items[left], items[smallest]) { smallest = left }
                if right < items.count, Self.worse(items[right], items[smallest]) { smallest = right }
                if smallest == parent { break }
                items.swapAt(parent, smallest)
                parent = smallest
            }
        }
    }

    func sortedDescending() -> [(key: ItemKey, score: Float)] {
        items.sorted { Self.worse($1, $0) }
    }
}
