#if canImport(Glibc)
import Glibc
private let systemWrite = Glibc.write
#elseif canImport(Darwin)
import Darwin
private let systemWrite = Darwin.write
#endif

/// Crash-safe file replacement: write a temporary file beside the target, `fsync` it, `rename` it over
/// the target, then `fsync` the directory so the rename itself is durable. A crash at any instant leaves
/// either the old file or the complete new one. Used by `PNGEncoder.write(_:to:)` and by the CLI for
/// the images it writes (thumbnails, crops, video frames).
public enum AtomicFile {
    /// Replaces the file at `path` with `bytes`, crash-safely. Errors name `path`.
    public static func write(_ bytes: [UInt8], to path: String) throws(ImagingError) {
        let directory = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
        let temporary = "\(path).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        func fail(_ what: String) -> ImagingError {
            ImagingError(input: path, reason: .writeFailed, detail: "\(what): \(String(cString: strerror(errno)))")
        }
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        if descriptor < 0 { throw fail("cannot create \(temporary)") }
        var written = 0
        let ok = bytes.withUnsafeBufferPointer { buffer -> Bool in
            while written < buffer.count {
                let n = systemWrite(descriptor, buffer.baseAddress! + written, buffer.count - written)
                if n < 0 { if errno == EINTR { continue }; return false }
                written += n
            }
            return true
        }
        if !ok || fsync(descriptor) != 0 {
            let error = fail("cannot write \(temporary)")
            close(descriptor)
            unlink(temporary)
            throw error
        }
        close(descriptor)
        if rename(temporary, path) != 0 {
            let error = fail("cannot rename into place")
            unlink(temporary)
            throw error
        }
        let directoryDescriptor = open(directory.isEmpty ? "/" : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryDescriptor >= 0 {
            fsync(directoryDescriptor)
            close(directoryDescriptor)
        }
    }
}
