import Catalog

/// Stage 3 of a distributed build, for one shard: every item of every segment, in input order (segments
/// in name order, items in key order), goes through the shared admission rules (``IngestRules``) against
/// everything admitted before it in *any* segment — so content seen in an earlier segment is a duplicate
/// and an id taken by other content an id conflict, exactly as in one build over the whole manifest —
/// and the admitted items of this shard (`xxh64(id) mod N`) are written into the staging version with
/// their catalog rows, frames, text vectors and spilled image vectors: nothing is embedded again.
///
/// Reading: each segment's (key, id, content hash) list whole; rows, text vectors and vector records only
/// for this shard's items (and the source path of a refused one, for its report line).
/// Resumable: an item already finished in the staging version (a killed merge) is not written twice.
struct SegmentMergeStage {
    let set: SegmentSet
    let shard: ShardSelection?
    let writer: StagingWriter
    let tally: BuildTally
    static let batchSize = 64

    /// Returns the number of items written by this run.
    func run() throws -> Int {
        let staging = writer.textIndex.catalog
        let admitted = MergeTarget(set: set, textDimension: writer.textIndex.dimension)
        var written = 0
        for (number, segment) in set.segments.enumerated() {
            let reader = try admitted.reader(number)
            var mine: [ItemKey] = []
            for identity in try reader.identities() {
                let isMine = shard?.contains(id: identity.id) ?? true
                guard let hash = identity.contentHash else {
                    if isMine {
                        tally.record(IngestRecord(input: try reader.source(identity.key), outcome: .failed(
                            reason: "segment \(segment.path) holds item '\(identity.id)' without a content hash")))
                    }
                    continue
                }
                // The rules read the entry's path only to tell a resumed file from a duplicate, which a merge never asks.
                switch try IngestRules.admit(BuildEntry(path: "", id: identity.id), hash: hash, into: admitted) {
                case .settled(let outcome):
                    if isMine { tally.record(IngestRecord(input: try reader.source(identity.key), outcome: outcome)) } else { tally.otherShard() }
                    continue
                case .admit:
                    admitted.add(identity, segment: number)
                }
                guard isMine else { tally.otherShard(); continue }
                if let stagedKey = try staging.key(id: identity.id), writer.spill.finishedKeys.contains(stagedKey) {
                    tally.record(IngestRecord(input: try reader.source(identity.key), outcome: .resumed(id: identity.id)))
                    continue
                }
                mine.append(identity.key)
            }
            for start in stride(from: 0, to: mine.count, by: Self.batchSize) {
                let batch = try reader.embedded(Array(mine[start..<min(mine.count, start + Self.batchSize)]))
                try writer.write(batch.map(\.item), textVectors: batch.map(\.text))
                for embedded in batch {
                    tally.record(IngestRecord(input: embedded.item.item.source, outcome: .indexed(id: embedded.item.item.id)))
                }
                written += batch.count
                tally.tick()
            }
        }
        return written
    }

    /// Everything admitted so far, over all segments and shards: ids and content hashes, with where each
    /// item lives so that its source path can be looked up when a rule names it (rarely: a duplicate or
    /// an id conflict).
    private final class MergeTarget: IngestTarget {
        private let set: SegmentSet
        private let textDimension: Int
        private var byHash: [String: (id: String, segment: Int, key: ItemKey)] = [:]
        private var byID: [String: (hash: String, segment: Int, key: ItemKey)] = [:]
        private var current: (number: Int, reader: SegmentReader)?

        init(set: SegmentSet, textDimension: Int) {
            self.set = set
            self.textDimension = textDimension
        }

        /// Segment `number`'s reader (the current one is kept open; others are opened when asked for).
        func reader(_ number: Int) throws -> SegmentReader {
            if let current, current.number == number { return current.reader }
            let segment = set.segments[number]
            let reader = try SegmentReader(path: segment.path, manifest: segment.manifest, textDimension: textDimension)
            if current == nil || number > current!.number { current = (number, reader) }
            return reader
        }

        func add(_ identity: ItemIdentity, segment: Int) {
            guard let hash = identity.contentHash else { return }
            byHash[hash] = (identity.id, segment, identity.key)
            byID[identity.id] = (hash, segment, identity.key)
        }

        func item(withContent hash: String) throws -> IngestTargetItem? {
            guard let found = byHash[hash] else { return nil }
            return IngestTargetItem(id: found.id, source: try reader(found.segment).source(found.key), contentHash: hash)
        }

        func item(withID id: String) throws -> IngestTargetItem? {
            guard let found = byID[id] else { return nil }
            return IngestTargetItem(id: id, source: try reader(found.segment).source(found.key), contentHash: found.hash)
        }
    }
}
