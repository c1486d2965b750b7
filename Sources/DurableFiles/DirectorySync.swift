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
}
