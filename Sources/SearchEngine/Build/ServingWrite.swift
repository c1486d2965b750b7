import Embedding
import Foundation
import VectorIndex

/// The serving version opened for one in-place write (`add`, `remove`, `update`): the index lock held,
/// its catalog + text index (write-only: nothing is searched) and its visual IVF writer open, and what an
/// interrupted earlier write left (a reserved key, a pending text vector) repaired first.
struct ServingWrite {
    /// Held until the write ends (the value is dropped).
    let lock: DirectoryLock
    let serving: String
    let textIndex: TextSearchIndex
    let writer: IVFIndexWriter

    static func open(_ index: IndexDirectory, textEncoder: TextEncoder?) throws -> ServingWrite {
        let lock = try index.lock()
        let serving = try index.servingDirectory()
        let textIndex = try TextSearchIndex(directory: URL(fileURLWithPath: serving), encoder: textEncoder, searchable: false)
        let writer = try IVFIndexWriter(directory: serving + "/" + IndexDirectory.visualFolder)
        try IndexMaintenance.repairInterruptedAdds(catalog: textIndex.catalog, textIndex: textIndex, writer: writer)
        return ServingWrite(lock: lock, serving: serving, textIndex: textIndex, writer: writer)
    }
}
