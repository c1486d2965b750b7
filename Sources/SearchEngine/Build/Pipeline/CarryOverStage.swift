import Catalog

/// The **carry-over** stage of a build, after the build's own inputs are staged: every item of the
/// serving version whose id is not in the staging version (added by `vsearch add` or `POST /v1/items`,
/// or simply not among this build's inputs) is copied into it with its catalog row, frames, text
/// vector and stored visual vectors (new keys, no re-embedding). An item whose content the build
/// already holds under another id is not copied but reported as a duplicate. Uploaded media stays in
/// `DIR/media`, where the copied rows point.
///
/// With `replace`, nothing is copied: the stage only counts the serving items the new version drops.
/// Runs under the index lock (no add can land meanwhile). Resumable: an item already finished in the
/// staging version is not copied twice.
struct CarryOverStage {
    let snapshot: ServingSnapshot
    let writer: StagingWriter
    let tally: BuildTally
    static let batchSize = 64

    /// Returns the number of items copied, or with `replace` the number dropped.
    func run(replace: Bool) throws -> Int {
        let staging = writer.textIndex.catalog
        var batch: [EmbeddedItem] = []
        var batchText: [[Float]?] = []
        var count = 0
        func flush() throws {
            try writer.write(batch, textVectors: batchText)
            batch.removeAll()
            batchText.removeAll()
        }
        for (key, item) in snapshot.items {
            if let stagedKey = try staging.key(id: item.id), writer.spill.finishedKeys.contains(stagedKey) { continue }
            if replace { count += 1; continue }
            if let hash = item.contentHash, let same = try staging.item(contentHash: hash) {
                tally.record(IngestRecord(input: item.source, outcome: .duplicate(
                    existingID: same.id, reason: "serving item '\(item.id)' not carried over: same content as item \(same.id) of this build")))
                continue
            }
            guard let embedded = try snapshot.embedded(key, item) else {
                tally.record(IngestRecord(input: item.source, outcome: .failed(
                    reason: "serving item '\(item.id)' has no stored vectors; not carried over")))
                continue
            }
            batch.append(embedded)
            batchText.append(snapshot.textVector(key))
            count += 1
            if batch.count == Self.batchSize { try flush() }
        }
        try flush()
        return count
    }
}
