import Catalog
import Tensor

/// Inner-product search over an in-memory matrix of unit vectors (the text vectors of items).
///
/// The semantic side's store for a directory without a text IVF (`TextSearchIndex.vectorFolder`), and
/// the exact yardstick of the IVF in tests and benchmarks. Small stores are searched exactly
/// with one BLAS matrix–vector product. From ``quantizedScanThreshold`` rows on, a first pass scans int8
/// codes (one scale per row: a quarter of the memory traffic of float32, which is what bounds a scan of
/// 100k × 384 floats), and the best `rescoreDepth(k)` candidates are rescored exactly in float32, so
/// the answer equals the exact one unless the true top-k falls outside that candidate set.
public struct FlatVectorStore: Sendable {
    public let dimension: Int
    public private(set) var keys: [ItemKey]
    /// `keys.count × dimension`, row-major.
    public private(set) var values: [Float]
    /// int8 codes of `values`: row `r` ≈ `codes[r·d ..< (r+1)·d] · scales[r]`.
    private var codes: [Int8]
    private var scales: [Float]
    private var rowByKey: [ItemKey: Int]

    /// Row count from which search takes the int8 first pass.
    public static let quantizedScanThreshold = 4096

    public init(dimension: Int) {
        self.dimension = dimension
        keys = []
        values = []
        codes = []
        scales = []
        rowByKey = [:]
    }

    public init(_ stored: StoredTextVectors) {
        self.init(dimension: stored.dimension)
        keys = stored.keys
        values = stored.values
        codes.reserveCapacity(values.count)
        for (row, key) in keys.enumerated() {
            rowByKey[key] = row
            appendCodes(values[(row * dimension)..<((row + 1) * dimension)])
        }
    }

    /// Quantises one vector: scale = max|x| / 127, code = round(x / scale).
    private static func quantize<C: Collection>(_ vector: C) -> (codes: [Int8], scale: Float) where C.Element == Float {
        let largest = vector.reduce(Float(0)) { max($0, abs($1)) }
        guard largest > 0, largest.isFinite else { return ([Int8](repeating: 0, count: vector.count), 0) }
        let inverse = 127 / largest
        return (vector.map { Int8(max(-127, min(127, ($0 * inverse).rounded()))) }, largest / 127)
    }

    private mutating func appendCodes<C: Collection>(_ vector: C) where C.Element == Float {
        let (rowCodes, scale) = Self.quantize(vector)
        codes += rowCodes
        scales.append(scale)
    }

    public var count: Int { keys.count }

    /// Adds or replaces the vector of `key`.
    public mutating func set(_ vector: [Float], for key: ItemKey) {
        precondition(vector.count == dimension, "vector has \(vector.count) values, store has dimension \(dimension)")
        if let row = rowByKey[key] {
            values.replaceSubrange((row * dimension)..<((row + 1) * dimension), with: vector)
            let (rowCodes, scale) = Self.quantize(vector)
            codes.replaceSubrange((row * dimension)..<((row + 1) * dimension), with: rowCodes)
            scales[row] = scale
        } else {
            rowByKey[key] = keys.count
            keys.append(key)
            values += vector
            appendCodes(vector)
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
            codes.replaceSubrange((row * dimension)..<((row + 1) * dimension),
                                  with: codes[(last * dimension)..<((last + 1) * dimension)])
            scales[row] = scales[last]
        }
        keys.removeLast()
        values.removeLast(dimension)
        codes.removeLast(dimension)
        scales.removeLast()
    }

    /// How many int8 candidates are rescored exactly for a top-`k` search.
    public static func rescoreDepth(_ k: Int) -> Int { 4 * k + 64 }

    /// The `k` keys with the largest inner product with `query`, best first, among `allowed` keys
    /// (nil: all). Ties are broken by key. Scores are exact float32 inner products.
    public func search(_ query: [Float], k: Int, allowed: Set<ItemKey>? = nil) -> [(key: ItemKey, score: Float)] {
        precondition(query.count == dimension, "query has \(query.count) values, store has dimension \(dimension)")
        guard k > 0, !keys.isEmpty else { return [] }
        if keys.count >= Self.quantizedScanThreshold {
            return quantizedSearch(query, k: k, allowed: allowed)
        }
        return exactSearch(query, k: k, allowed: allowed)
    }

    /// Every row scored exactly (BLAS), then top-k.
    public func exactSearch(_ query: [Float], k: Int, allowed: Set<ItemKey>? = nil) -> [(key: ItemKey, score: Float)] {
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

    /// int8 first pass over all rows, exact float32 rescoring of the best ``rescoreDepth(_:)``.
    func quantizedSearch(_ query: [Float], k: Int, allowed: Set<ItemKey>?) -> [(key: ItemKey, score: Float)] {
        // The query's own scale is common to every row, so it cannot change the order: dropped.
        let (queryCodes, _) = Self.quantize(query)
        let d = dimension
        var integerScores = [Int32](repeating: 0, count: keys.count)
        codes.withUnsafeBufferPointer { allCodes in
            queryCodes.withUnsafeBufferPointer { q in
                integerScores.withUnsafeMutableBufferPointer { out in
                    QuantizedKernels.int8Scores(rows: keys.count, dimension: d, codes: allCodes.baseAddress!,
                                                query: q.baseAddress!, scores: out.baseAddress!)
                }
            }
        }
        var candidates = TopK(capacity: Self.rescoreDepth(k))
        // Once the heap is full, a row scoring below its worst entry cannot enter it: skipped before
        // the key lookup, the filter and the heap (most of the 100k rows of a large store).
        var threshold = -Float.infinity
        keys.withUnsafeBufferPointer { keys in
            scales.withUnsafeBufferPointer { scales in
                integerScores.withUnsafeBufferPointer { integerScores in
                    for row in 0..<keys.count {
                        let score = Float(integerScores[row]) * scales[row]
                        if score < threshold { continue }
                        let key = keys[row]
                        if let allowed, !allowed.contains(key) { continue }
                        candidates.offer(key: key, score: score)
                        if let worst = candidates.worstScore { threshold = worst }
                    }
                }
            }
        }
        var exact = TopK(capacity: k)
        values.withUnsafeBufferPointer { all in
            query.withUnsafeBufferPointer { q in
                for candidate in candidates.sortedDescending() {
                    let row = all.baseAddress! + rowByKey[candidate.key]! * d
                    var sum: Float = 0
                    for j in 0..<d { sum += row[j] * q[j] }
                    exact.offer(key: candidate.key, score: sum)
                }
            }
        }
        return exact.sortedDescending()
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

    /// The lowest score kept once the heap is full (an offer scoring below it is rejected), else nil.
    var worstScore: Float? { items.count == capacity ? items.first?.score : nil }

    func sortedDescending() -> [(key: ItemKey, score: Float)] {
        items.sorted { Self.worse($1, $0) }
    }
}
