#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `fsync` of a directory: what makes a new entry, a rename or an unlink inside it survive a crash.
public enum DirectorySync {
    /// Flushes the directory at `directory`.
    public static func sync(_ directory: String) throws(FileSystemError) {
        let descriptor = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .last(directory, "open directory") }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw .last(directory, "fsync directory") }
    }

    /// Flushes the directory holding `path` (`.` for a bare file name).
    public static func sync(containing path: String) throws(FileSystemError) {
        try sync(parent(of: path))
    }

    /// The directory part of `path`: `"a/b"` → `"a"`, `"/b"` → `"/"`, `"b"` → `"."`.
    public static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let parent = String(path[..<slash])
        return parent.isEmpty ? "/" : parent
    }

    /// Renames `from` to `to` and makes the rename durable in both directories.
    public static func move(_ from: String, to: String) throws(FileSystemError) {
        guard rename(from, to) == 0 else { throw .last(from, "rename to \(to)") }
        try sync(containing: to)
        if parent(of: from) != parent(of: to) { try sync(containing: from) }
    }

    /// Swaps the files or directories at `a` and `b` in one atomic step (Linux `renameat2(…,
    /// RENAME_EXCHANGE)`) and makes it durable: a crash leaves either both as they were or both swapped.
    /// Throws when the kernel or file system cannot exchange (then nothing changed).
    public static func exchange(_ a: String, _ b: String) throws(FileSystemError) {
        // glibc declares renameat2 only with _GNU_SOURCE, which Swift's Glibc module does not see: look the
        // symbol up (glibc ≥ 2.28; Debian 12 has 2.36).
        guard let symbol = dlsym(nil, "renameat2") else {
            throw FileSystemError(path: a, operation: "exchange with \(b)", code: ENOSYS, reason: "renameat2 is not available")
        }
        typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>?, Int32, UnsafePointer<CChar>?, UInt32) -> Int32
        let renameExchange: UInt32 = 2  // RENAME_EXCHANGE (linux/fs.h)
        guard unsafeBitCast(symbol, to: RenameAt2.self)(AT_FDCWD, a, AT_FDCWD, b, renameExchange) == 0 else {
            throw .last(a, "exchange with \(b)")
        }
        try sync(containing: a)
        if parent(of: a) != parent(of: b) { try sync(containing: b) }
    }
}
