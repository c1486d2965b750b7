import DurableFiles
import Foundation

/// The crash-safe file operations index builds rely on — `DurableFiles`' atomic replace, durable rename,
/// directory `fsync` and `flock` — with failures reported as `IndexBuildError` naming the file.
enum DurableFile {
    private static func wrapped<T>(_ body: () throws(FileSystemError) -> T) throws -> T {
        do { return try body() } catch { throw IndexBuildError(.io, error.path, "\(error.operation) failed (\(error.reason))") }
    }

    /// Replaces `path` with `bytes` so a crash at any instant leaves either the old or the new content.
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        try wrapped { () throws(FileSystemError) in try AtomicFileWriter.replace(path, with: bytes) }
    }

    /// `fsync` of a directory, so a rename or a new entry inside it survives a crash.
    static func syncDirectory(_ directory: String) throws {
        try wrapped { () throws(FileSystemError) in try DirectorySync.sync(directory) }
    }

    /// Renames a file or directory and makes the rename durable.
    static func move(_ from: String, to: String) throws {
        try wrapped { () throws(FileSystemError) in try DirectorySync.move(from, to: to) }
    }

    /// `fsync` of every file and folder below `root` (and `root`): a tree copied with plain writes made
    /// durable before it is published by a rename.
    static func syncTree(_ root: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory) else { return }
        if isDirectory.boolValue {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [] { try syncTree(root + "/" + name) }
            try syncDirectory(root)
            return
        }
        let descriptor = open(root, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw IndexBuildError(.io, root, "cannot open to fsync (errno \(errno))") }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw IndexBuildError(.io, root, "fsync failed (errno \(errno))") }
    }

    /// Swaps two directories atomically and durably (see `DirectorySync.exchange`).
    static func exchange(_ a: String, _ b: String) throws {
        try wrapped { () throws(FileSystemError) in try DirectorySync.exchange(a, b) }
    }

    static func readAll(_ path: String, limit: Int) throws -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw IndexBuildError(.io, path, "cannot open (\(FileManager.default.fileExists(atPath: path) ? "permission denied" : "no such file"))")
        }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: limit + 1)) ?? Data()
        guard data.count <= limit else { throw IndexBuildError(.corruptIndex, path, "is larger than \(limit) bytes") }
        return [UInt8](data)
    }
}

/// The lock one writer of an index directory holds (`DurableFiles.ExclusiveFileLock`), until this object is
/// released or the process exits — so a build killed with SIGKILL never leaves a stale lock behind.
final class DirectoryLock {
    private let lock: ExclusiveFileLock

    /// How long a writer waits for another one (a brief add or remove, from the CLI or the HTTP service)
    /// before giving up with `.busy`.
    static let defaultWait = Duration.seconds(10)

    init(path: String, wait: Duration = DirectoryLock.defaultWait) throws {
        do {
            lock = try ExclusiveFileLock(path: path, waitingUpTo: wait)
        } catch {
            switch error {
            case .held: throw IndexBuildError(.busy, path, "another vsearch process is writing this index (still after \(wait.components.seconds) s)")
            case .system(let failure): throw IndexBuildError(.io, path, failure.message)
            }
        }
    }
}
