#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// The crash-safe file operations index builds rely on (POSIX calls fenced in this one file):
/// write-to-temp + `fsync` + `rename` + `fsync` of the directory, appends with `fsync`, and an exclusive
/// `flock` so one writer at a time works on an index directory.
enum DurableFile {
    private static func failure(_ path: String, _ what: String) -> IndexBuildError {
        IndexBuildError(.io, path, "\(what) failed (\(String(cString: strerror(errno))))")
    }

    /// Replaces `path` with `bytes` so a crash at any instant leaves either the old or the new content.
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        let temp = path + ".tmp"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw failure(temp, "open") }
        do {
            try writeAll(fd, bytes, path: temp)
            guard fsync(fd) == 0 else { throw failure(temp, "fsync") }
        } catch {
            close(fd)
            unlink(temp)
            throw error
        }
        close(fd)
        guard rename(temp, path) == 0 else {
            unlink(temp)
            throw failure(path, "rename")
        }
        try syncDirectory(containing: path)
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws {
        try bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw failure(path, "write")
                }
                offset += n
            }
        }
    }

    /// `fsync` of a directory, so a rename or a new entry inside it survives a crash.
    static func syncDirectory(_ directory: String) throws {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw failure(directory, "open directory") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw failure(directory, "fsync directory") }
    }

    static func syncDirectory(containing path: String) throws {
        try syncDirectory((path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent)
    }

    /// Renames a file or directory and makes the rename durable.
    static func move(_ from: String, to: String) throws {
        guard rename(from, to) == 0 else { throw failure(from, "rename to \(to)") }
        try syncDirectory(containing: to)
        try syncDirectory(containing: from)
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

/// An exclusive advisory lock on a file (`flock`), held until this object is released or the process exits — so a build
/// killed with SIGKILL never leaves a stale lock behind.
final class DirectoryLock {
    private let fd: Int32
    let path: String

    init(path: String) throws {
        self.path = path
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw IndexBuildError(.io, path, "cannot open the lock file (\(String(cString: strerror(errno))))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw IndexBuildError(.conflict, path, "another vsearch process is writing this index (lock held)")
        }
    }

    deinit { close(fd) }
}
