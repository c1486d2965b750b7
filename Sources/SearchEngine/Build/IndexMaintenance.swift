import Catalog
import Embedding
import Foundation
import VectorIndex
import VideoFrames

/// A finished `build --refresh`: the serving version, its live vectors and its new number of lists.
public struct RefreshReport: Sendable {
    public var version: UInt64
    public var vectors: Int
    public var nlist: Int
    public var jsonLine: String { "{\"version\":\(version),\"vectors\":\(vectors),\"nlist\":\(nlist)}" }
    public var text: String { "refreshed version \(version): retrained \(nlist) lists over \(vectors) vectors and compacted" }
}

/// Changes to a published index: incremental add/remove, refresh, rollback, and reading its state.
public enum IndexMaintenance {
    public static let imageModelName = "efficientnet-lite0"

    /// Makes `version` (default: the one before the serving one) serve again.
    @discardableResult
    public static func rollback(_ index: IndexDirectory, to version: UInt64? = nil) throws -> UInt64 {
        let lock = try index.lock()
        defer { withExtendedLifetime(lock) {} }
        let versions = try index.versions()
        let current = try index.currentVersion()
        let target: UInt64
        if let version {
            target = version
        } else {
            guard let current, let previous = versions.last(where: { $0 < current }) else {
                throw IndexBuildError(.badInput, index.path, "there is no version before the serving one to roll back to")
            }
            target = previous
        }
        guard versions.contains(target) else {
            throw IndexBuildError(.badInput, index.path, "has no version \(target) (versions: \(versions.map(String.init).joined(separator: ", ")))")
        }
        try index.setCurrent(target)
        return target
    }

    /// Retrains the coarse quantizer of the serving version's visual index and compacts it, and
    /// rebuilds its text vectors' IVF from the catalog (which also gives a version written before the
    /// text IVF existed one).
    public static func refresh(_ index: IndexDirectory, nlist: Int?, threads: Int,
                               encoding: EncodingKind? = nil, pqSubquantizers: Int? = nil, pqRotation: Bool? = nil) throws -> RefreshReport {
        let lock = try index.lock()
        defer { withExtendedLifetime(lock) {} }
        let version = try index.currentVersion()
        // The stored text vectors are re-indexed as they are: no model is needed.
        try TextSearchIndex(directory: URL(fileURLWithPath: try index.servingDirectory()), encoder: nil, searchable: false)
            .buildVectorIndex(threads: threads)
        let writer = try IVFIndexWriter(directory: try index.servingDirectory() + "/" + IndexDirectory.visualFolder)
        try writer.retrain(nlist: nlist, threads: threads, encoding: encoding, pqSubquantizers: pqSubquantizers, pqRotation: pqRotation)
        let ivf = try writer.index()
        return RefreshReport(version: version ?? 0, vectors: ivf.count, nlist: ivf.nlist)
    }

    /// Undoes adds that reserved a key and did not finish (the process died between the steps of
    /// ``add(_:to:imageEncoder:textEncoder:options:)``): their vectors are removed and, if the catalog
    /// row was already written, the item too (the add never returned, so it was not promised). Also
    /// raises (once per catalog) the key high-water mark above every vector id in the index, so keys used before
    /// catalogs tracked them (a removed last item's key) are not handed out again. Run under the lock.
    static func repairInterruptedAdds(catalog: Catalog, textIndex: TextSearchIndex, writer: IVFIndexWriter) throws {
        // Once per catalog (it scans every vector id): keys in use before keys were tracked.
        if try !catalog.keyHighWaterCheckedAgainstIndex() {
            if let largest = try writer.index().largestID() {
                try catalog.raiseKeyHighWater(to: VisualVectorID.key(of: largest))
            }
            try catalog.markKeyHighWaterCheckedAgainstIndex()
        }
        try repairPendingTextVectors(catalog: catalog, textIndex: textIndex)
        for pending in try catalog.pendingAdds() {
            try writer.remove((0..<max(1, pending.vectors)).map { VisualVectorID.make(key: pending.key, frame: $0) })
            if let id = try catalog.id(key: pending.key) { try textIndex.remove(id: id) }
            try catalog.finishPendingAdd(pending.key)
        }
    }

    /// Removes item `id` (its vectors, catalog rows, frames and text vector) from the serving version.
    /// Returns false if there was no such item. Durable on return.
    @discardableResult
    public static func remove(id: String, from index: IndexDirectory, textEncoder: TextEncoder? = nil) throws -> Bool {
        // Model-free: removing embeds nothing, and never searches.
        let write = try ServingWrite.open(index, textEncoder: textEncoder)
        defer { withExtendedLifetime(write) {} }
        let textIndex = write.textIndex, writer = write.writer
        guard let key = try textIndex.catalog.key(id: id) else { return false }
        let frames = try textIndex.catalog.frames(videoID: id)
        let ids = frames.isEmpty ? [VisualVectorID.make(key: key, frame: 0)] : frames.map(\.vectorID)
        // Vectors first: a crash in between leaves an item without vectors (found by text only), never
        // a vector pointing at a missing item.
        try writer.remove(ids)
        let removed = try textIndex.remove(id: id)
        try writer.compactIfLogIsLarge()  // bounded log: every reopen replays it
        return removed
    }
}
