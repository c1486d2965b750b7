#if canImport(Glibc)
import Glibc
#endif
import Foundation
import SearchEngine

/// A cheap summary of the files an index's readers depend on, to notice changes made by anyone —
/// this server's writes, `vsearch add/remove/build/rollback` in another process — without reopening
/// the index: `stat` of `DIR/CURRENT` and of every file in the serving version's `visual/` folder
/// (`MANIFEST`, `vN.ivf`, the append log `vN.log`), plus the catalog's WAL.
///
/// Every `IndexMaintenance.add`/`remove` appends a record to the IVF log (size changes), a compaction
/// or retrain replaces the IVF `MANIFEST`, a publish or rollback replaces `CURRENT`: each changes the
/// fingerprint. A handful of `stat` calls: microseconds, so it is checked at most every
/// `refreshInterval` on the query path.
struct IndexFingerprint: Equatable, Sendable {
    private var entries: [Entry]

    private struct Entry: Equatable, Sendable {
        var name: String
        var size: Int64
        var inode: UInt64
        var modifiedNanoseconds: Int64
    }

    static func read(_ index: IndexDirectory) -> IndexFingerprint {
        var entries: [Entry] = []
        func add(_ path: String, skipEmpty: Bool = false) {
            var info = stat()
            guard stat(path, &info) == 0, !(skipEmpty && info.st_size == 0) else { return }
            entries.append(Entry(name: path, size: Int64(info.st_size), inode: UInt64(info.st_ino),
                                 modifiedNanoseconds: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)))
        }
        add(index.currentFile)
        let served = (try? IndexSnapshot.resolve(index))?.path ?? index.path
        let visual = served + "/" + IndexDirectory.visualFolder
        for name in ((try? FileManager.default.contentsOfDirectory(atPath: visual)) ?? []).sorted() where name != "LOCK" {
            add(visual + "/" + name)
        }
        add(served + "/" + TextSearchIndex.catalogFileName)
        // The WAL only when it holds something: opening the catalog creates it empty, which is no change.
        add(served + "/" + TextSearchIndex.catalogFileName + "-wal", skipEmpty: true)
        return IndexFingerprint(entries: entries)
    }
}
