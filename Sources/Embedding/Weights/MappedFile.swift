#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A read-only memory map of a whole file, unmapped when the last reference goes away.
///
/// `@unchecked Sendable`: the mapping is `PROT_READ` and never changes after `init`, so sharing
/// the pointer between threads is safe; `deinit` runs only when no reference remains.
final class MappedFile: @unchecked Sendable {
    let path: String
    let base: UnsafeRawPointer?
    let count: Int

    init(path: String) throws(WeightFileError) {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw WeightFileError(path: path, reason: .missing(String(cString: strerror(errno))))
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw WeightFileError(path: path, reason: .missing(String(cString: strerror(errno))))
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw WeightFileError(path: path, reason: .missing("not a regular file"))
        }
        count = Int(info.st_size)
        if count == 0 {
            base = nil
            return
        }
        let mapped = mmap(nil, count, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let mapped, mapped != MAP_FAILED else {
            throw WeightFileError(path: path, reason: .missing("mmap failed: \(String(cString: strerror(errno)))"))
        }
        base = UnsafeRawPointer(mapped)
    }

    deinit {
        if let base { munmap(UnsafeMutableRawPointer(mutating: base), count) }
    }

    /// The bytes `range` as a buffer valid while `self` is alive. `range` must lie within the file.
    func bytes(_ range: Range<Int>) -> UnsafeRawBufferPointer {
        precondition(range.lowerBound >= 0 && range.upperBound <= count)
        guard let base else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: base + range.lowerBound, count: range.count)
    }
}
