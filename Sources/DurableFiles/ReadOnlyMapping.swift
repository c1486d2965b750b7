#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A read-only `mmap` of a whole regular file, unmapped when the last reference goes away.
///
/// Large read-only data (model weights, index lists, spilled vectors) is mapped, never read whole.
/// `@unchecked Sendable`: the mapping is `PROT_READ` and never remapped after `init`, and the files mapped
/// are never modified in place (new versions are new files), so concurrent readers are safe.
public final class ReadOnlyMapping: @unchecked Sendable {
    public let path: String
    /// Start of the mapping; nil for an empty file.
    public let base: UnsafeRawPointer?
    /// File size in bytes.
    public let count: Int

    /// Maps `path`; fails if it cannot be opened, is not a regular file, or cannot be mapped.
    public init(path: String) throws(FileSystemError) {
        self.path = path
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .last(path, "open") }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw .last(path, "stat") }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw FileSystemError(path: path, operation: "map", code: 0, reason: "not a regular file")
        }
        count = Int(info.st_size)
        if count == 0 {
            base = nil
            return
        }
        let mapped = mmap(nil, count, PROT_READ, MAP_SHARED, descriptor, 0)
        guard let mapped, mapped != MAP_FAILED else { throw .last(path, "mmap") }
        base = UnsafeRawPointer(mapped)
    }

    /// All the bytes, valid while `self` is alive.
    public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    /// The bytes in `range`, valid while `self` is alive. `range` must lie within the file.
    public func bytes(_ range: Range<Int>) -> UnsafeRawBufferPointer {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "range outside the mapped file")
        guard let base else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: base + range.lowerBound, count: range.count)
    }

    /// Tells the kernel a range will be read soon, or is no longer needed (page-aligned internally).
    public func advise(willNeed: Bool, offset: Int = 0, length: Int? = nil) {
        guard let base else { return }
        let page = 4096
        let start = offset / page * page
        let length = min(count - start, (length ?? count) + (offset - start))
        guard length > 0 else { return }
        _ = madvise(UnsafeMutableRawPointer(mutating: base + start), length, willNeed ? MADV_WILLNEED : MADV_DONTNEED)
    }

    deinit {
        if let base { munmap(UnsafeMutableRawPointer(mutating: base), count) }
    }
}
