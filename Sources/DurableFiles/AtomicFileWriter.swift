#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Crash-safe replacement of a whole file, the one way every library here writes a small file
/// (manifests, PNG/JPEG outputs, reports).
///
/// The bytes go to a uniquely named temporary file beside the target (`O_EXCL`, so two writers never share
/// one), which is `fsync`ed, `rename`d over the target, and then the directory is `fsync`ed so the rename
/// itself survives a crash. A crash at any instant leaves either the old file or the complete new one, and
/// at worst a stray `*.tmp-*` file.
public enum AtomicFileWriter {
    /// Replaces the file at `path` with `bytes`.
    public static func replace(_ path: String, with bytes: [UInt8]) throws(FileSystemError) {
        // Array.withUnsafeBytes is untyped `rethrows`, so carry the typed failure out by hand.
        var failure: FileSystemError?
        bytes.withUnsafeBytes { raw in
            do throws(FileSystemError) { try replace(path, with: raw) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// Replaces the file at `path` with the bytes of `raw`.
    public static func replace(_ path: String, with raw: UnsafeRawBufferPointer) throws(FileSystemError) {
        let temporary = "\(path).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .last(temporary, "create") }
        do throws(FileSystemError) {
            try writeAll(descriptor, raw, path: temporary)
            guard fsync(descriptor) == 0 else { throw FileSystemError.last(temporary, "fsync") }
        } catch {
            close(descriptor)
            unlink(temporary)
            throw error
        }
        close(descriptor)
        guard rename(temporary, path) == 0 else {
            let error = FileSystemError.last(path, "rename \(temporary) into place")
            unlink(temporary)
            throw error
        }
        try DirectorySync.sync(containing: path)
    }

    /// Writes all of `raw` to `descriptor` at its current offset, retrying short writes and `EINTR`.
    public static func writeAll(_ descriptor: Int32, _ raw: UnsafeRawBufferPointer, path: String) throws(FileSystemError) {
        var offset = 0
        while offset < raw.count {
            let n = write(descriptor, raw.baseAddress! + offset, raw.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw .last(path, "write")
            }
            offset += n
        }
    }
}
