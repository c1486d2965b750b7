import Foundation
import Parallelism

/// Stage 1 of a build (**read → decode**), on a producer thread of its own: reads the input one chunk
/// at a time (the stream holds no more than a line or a directory listing), prepares the chunk's files
/// in parallel (``PreparedMedia/prepare(_:finishedHashes:)``) and hands the chunk to the consumer
/// through a ``ChunkQueue`` of one (it blocks while the previous chunk is still pending: back-pressure).
/// Inputs refused while reading (bad manifest lines, paths out of the root) travel in their place.
struct PrepareStage: Sendable {
    let input: BuildInputStream
    let chunkSize: Int
    let threads: Int
    /// Content an earlier run of this build finished: hashed but not decoded again.
    let finishedHashes: Set<String>
    /// `--shard K/N`: inputs of other shards are skipped (``PreparedMedia/otherShard(_:)``).
    var shard: ShardSelection? = nil
    /// Region boxes also embedded per image (``RegionLayout/boxes``).
    var regions: [QueryBox] = []

    /// Starts the producer thread; chunks arrive in `queue`, which is finished (with a failure if
    /// reading the input broke off) after the last one.
    func start(into queue: ChunkQueue) {
        let stage = self
        let producer = Thread { stage.run(into: queue) }
        producer.stackSize = 1 << 22
        producer.start()
    }

    private func run(into queue: ChunkQueue) {
        var slice: [BuildInputItem] = []
        slice.reserveCapacity(chunkSize)
        do {
            var open = true
            try input.forEach { item in
                slice.append(item)
                if slice.count == chunkSize {
                    open = queue.put(prepare(slice))
                    slice.removeAll(keepingCapacity: true)
                }
                return open
            }
            if !open { return }
            if !slice.isEmpty, !queue.put(prepare(slice)) { return }
            queue.finish()
        } catch {
            queue.finish(failure: "\(error)")
        }
    }

    /// The chunk's inputs prepared in parallel, in input order.
    func prepare(_ slice: [BuildInputItem]) -> [PreparedMedia] {
        Parallel.map(slice.count, threads: threads) { i in
            switch slice[i] {
            case .entry(let entry): PreparedMedia.prepare(entry, finishedHashes: finishedHashes, shard: shard, regions: regions)
            case .rejected(let failure): .refused(BuildEntry(path: failure.input), failure.code, reason: failure.reason)
            }
        }
    }
}
