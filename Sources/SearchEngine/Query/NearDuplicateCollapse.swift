import Catalog
import VectorIndex

/// Folds near-duplicate results into a better one (`collapse=near_duplicates`, `--collapse`).
///
/// Greedy in rank order over the fused ranking: a result whose visual vector has a cosine of at least
/// ``threshold`` with an earlier *kept* result's vector is folded into the first such kept result (listed
/// under its `duplicates`), otherwise it is kept. Whether a result is folded depends only on the results
/// before it, so pages cut from the kept results stay disjoint and stable. An image is represented by
/// its vector, a video by its first sampled frame's; a result without a visual vector is always kept.
public struct NearDuplicateCollapse: Sendable {
    /// The default cosine: chosen on the near-duplicate check of the opencv-doc photos (BENCHMARKS.md,
    /// *Near-duplicate collapse*): it holds resized, re-compressed, brightened and captioned copies of a
    /// photo together while keeping distinct photos of the set apart.
    public static let defaultThreshold: Float = 0.93

    public var threshold: Float

    public init(threshold: Float = NearDuplicateCollapse.defaultThreshold) {
        self.threshold = threshold
    }

    /// One kept result and the results folded into it (with their cosine to it), in rank order. `Key`: a
    /// catalog key on one machine, an item id in the cluster router.
    public struct Group<Key: Hashable & Sendable>: Sendable, Equatable {
        public var key: Key
        public var duplicates: [(key: Key, similarity: Float)]

        public static func == (a: Group, b: Group) -> Bool {
            a.key == b.key && a.duplicates.map(\.key) == b.duplicates.map(\.key)
                && a.duplicates.map(\.similarity) == b.duplicates.map(\.similarity)
        }
    }

    /// The first `keep` kept results of `ranking` (best first) with their duplicates found anywhere in
    /// `ranking`, and whether more kept results follow them.
    public func collapse<Key: Hashable & Sendable>(_ ranking: [Key], vectors: [Key: [Float]], keep: Int) -> (groups: [Group<Key>], more: Bool) {
        var groups: [Group<Key>] = []
        var more = false
        for key in ranking {
            guard let vector = vectors[key] else {
                if groups.count < keep { groups.append(Group(key: key, duplicates: [])) } else { more = true }
                continue
            }
            var folded = false
            for g in groups.indices {
                guard let kept = vectors[groups[g].key] else { continue }
                let similarity = Self.dot(vector, kept)
                if similarity >= threshold {
                    groups[g].duplicates.append((key, similarity))
                    folded = true
                    break
                }
            }
            if folded { continue }
            // Not a duplicate of the first `keep` kept results: kept itself (or folded into a later kept
            // result), so more kept results follow the page.
            if groups.count < keep { groups.append(Group(key: key, duplicates: [])) } else { more = true }
        }
        return (groups, more)
    }

    /// The visual vectors that represent `keys`: an image's vector, a video's first frame's.
    static func vectors(of keys: [ItemKey], in index: IVFIndex) throws -> [ItemKey: [Float]] {
        let stored = try index.storedVectors(ids: Set(keys.map { VisualVectorID.make(key: $0, frame: 0) }))
        return Dictionary(stored.map { (VisualVectorID.key(of: $0.key), $0.value) }, uniquingKeysWith: { a, _ in a })
    }

    static func dot(_ a: [Float], _ b: [Float]) -> Float {
        guard a.count == b.count else { return -1 }
        return a.withUnsafeBufferPointer { x in
            b.withUnsafeBufferPointer { y in
                var sum: Float = 0
                for i in 0..<x.count { sum += x[i] * y[i] }
                return sum
            }
        }
    }
}
