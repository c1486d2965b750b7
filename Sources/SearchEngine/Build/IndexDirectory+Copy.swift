import Catalog
import Foundation

/// Copying a published version between machines: a shard replica that fell too far behind its operation
/// log takes a peer's version (see `Cluster`'s `LogApplier`). The export holds the writer lock, so the copy
/// is one consistent state; the import publishes it like a build, so a crash leaves the old version serving.
extension IndexDirectory {
    /// Copies the serving version into `folder` (created; it must not exist yet): the catalog as a
    /// consistent, compacted SQLite copy (`VACUUM INTO`), every other file as it is (the vector indexes
    /// replay their append logs when opened), lock files left out. Runs under the writer lock, so no live
    /// add or remove changes the version while it is copied. Returns the version copied.
    public func exportServing(to folder: String) throws -> UInt64 {
        let lock = try self.lock()
        defer { withExtendedLifetime(lock) {} }
        guard let (version, directory) = try serving() else {
            throw IndexBuildError(.noVersion, path, "no index version published yet: nothing to copy")
        }
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
            try Self.copyTree(from: directory, to: folder, skipping: { name in
                name == "LOCK" || name.hasPrefix(Self.catalogFileName)
            })
        } catch let error as IndexBuildError {
            throw error
        } catch {
            throw IndexBuildError(.io, folder, "cannot copy version \(version) (\(error.localizedDescription))")
        }
        // A writer connection (under the lock): `VACUUM INTO` writes its output through the connection it runs on.
        try Catalog(path: directory + "/" + Self.catalogFileName).copy(to: folder + "/" + Self.catalogFileName)
        return version
    }

    /// Installs `folder` — a copy of version `version` exported by ``exportServing(to:)`` on another
    /// machine, moved to this directory's file system — as version `version` (the same number: a cluster
    /// names its generations by it) and makes it serve. A local version of that number is swapped out
    /// atomically (searches that have it open keep reading its files until they close them). Item sources
    /// under `mediaPrefix` (the peer's media folder) are first pointed at `localMedia`.
    public func importVersion(from folder: String, as version: UInt64, rebasing mediaPrefix: String? = nil,
                              to localMedia: String? = nil) throws {
        let lock = try self.lock()
        defer { withExtendedLifetime(lock) {} }
        let catalogPath = folder + "/" + Self.catalogFileName
        guard FileManager.default.fileExists(atPath: catalogPath) else {
            throw IndexBuildError(.corruptIndex, folder, "is not an exported index version (no \(Self.catalogFileName))")
        }
        if let mediaPrefix, let localMedia {
            try Catalog(path: catalogPath).rebaseSources(from: mediaPrefix, to: localMedia)
        }
        try DurableFile.syncTree(folder)
        let target = versionDirectory(version)
        if FileManager.default.fileExists(atPath: target) {
            try DurableFile.exchange(folder, target)
            try? FileManager.default.removeItem(atPath: folder)  // now the replaced version
        } else {
            try DurableFile.move(folder, to: target)
        }
        try setCurrent(version)
    }

    private static var catalogFileName: String { TextSearchIndex.catalogFileName }

    /// Copies the files and folders of `source` into the existing folder `target`, recursively.
    private static func copyTree(from source: String, to target: String, skipping skip: (String) -> Bool) throws {
        let manager = FileManager.default
        for name in try manager.contentsOfDirectory(atPath: source).sorted() where !skip(name) {
            let (from, to) = (source + "/" + name, target + "/" + name)
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: from, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue {
                try manager.createDirectory(atPath: to, withIntermediateDirectories: false)
                try copyTree(from: from, to: to, skipping: skip)
            } else {
                try manager.copyItem(atPath: from, toPath: to)
            }
        }
    }
}
