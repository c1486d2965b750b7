import Catalog

/// Stage 3 of a distributed build, for one shard: every item of every segment, in input order (segments
/// in name order, items in key order), goes through the shared admission rules (``IngestRules``) against
/// everything admitted before it in *any* segment — so content seen in an earlier segment is a duplicate
/// and an id taken by other content an id conflict, exactly as in one build over the whole manifest —
/// and the admitted items of this shard (`xxh64(id) mod N`) are written into the staging version with
/// their catalog rows, frames, text vectors and spilled image vectors: nothing is embedded again.
///
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
        var admitted = MergeTarget()
        var written = 0
        var batch: [EmbeddedItem] = []
        var batchText: [[Float]?] = []
        func flush() throws {
            try writer.write(batch, textVectors: batchText)
            for embedded in batch { tally.record(IngestRecord(input: embedded.item.source, outcome: .indexed(id: embedded.item.id))) }
            written += batch.count
            batch.removeAll()
            batchText.removeAll()
            tally.tick()
        }
        for segment in set.segments {
            let reader = try SegmentReader(path: segment.path, manifest: segment.manifest, textDimension: writer.textIndex.dimension)
            for (key, item) in try reader.items() {
                let mine = shard?.contains(id: item.id) ?? true
                guard let hash = item.contentHash else {
                    if mine { tally.record(IngestRecord(input: item.source, outcome: .failed(reason: "segment \(segment.path) holds item '\(item.id)' without a content hash"))) }
                    continue
                }
                switch try IngestRules.admit(BuildEntry(path: item.source, id: item.id), hash: hash, into: admitted) {
                case .settled(let outcome):
                    if mine { tally.record(IngestRecord(input: item.source, outcome: outcome)) } else { tally.otherShard() }
                    continue
                case .admit:
                    admitted.add(IngestTargetItem(item))
                }
                guard mine else { tally.otherShard(); continue }
                if let stagedKey = try staging.key(id: item.id), writer.spill.finishedKeys.contains(stagedKey) {
                    tally.record(IngestRecord(input: item.source, outcome: .resumed(id: item.id)))
                    continue
                }
                guard let embedded = try reader.embedded(key, item) else {
                    tally.record(IngestRecord(input: item.source, outcome: .failed(reason: "segment \(segment.path) holds no vectors for item '\(item.id)'")))
                    continue
                }
                batch.append(embedded)
                batchText.append(reader.textVector(key))
                if batch.count == Self.batchSize { try flush() }
            }
            try flush()
        }
        return written
    }

    /// Everything admitted so far, over all segments and shards.
    private struct MergeTarget: IngestTarget {
        private var byHash: [String: IngestTargetItem] = [:]
        private var byID: [String: IngestTargetItem] = [:]

        mutating func add(_ item: IngestTargetItem) {
            if let hash = item.contentHash { byHash[hash] = item }
            byID[item.id] = item
        }

        func item(withContent hash: String) throws -> IngestTargetItem? { byHash[hash] }
        func item(withID id: String) throws -> IngestTargetItem? { byID[id] }
    }
}
