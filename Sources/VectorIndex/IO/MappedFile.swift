#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A read-only `mmap` of a whole file. The mapping lives as long as this object.
///
/// `@unchecked Sendable`: the mapping is immutable (PROT_READ) and never remapped after `init`; index
/// files are never modified in place (new versions are new files), so concurrent readers are safe.
final class MappedFile: @unchecked Sendable {
    let path: String
    let base: UnsafeRawPointer?
    let size: Int

    init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw VectorIndexError.io(path, "cannot open: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw VectorIndexError.io(path, "cannot stat: \(String(cString: strerror(errno)))") }
        size = Int(st.st_size)
        if size == 0 {
            base = nil
            return
        }
        let p = mmap(nil, size, PROT_READ, MAP_SHARED, fd, 0)
        guard let p, p != MAP_FAILED else { throw VectorIndexError.io(path, "cannot mmap: \(String(cString: strerror(errno)))") }
        base = UnsafeRawPointer(p)
    }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: size) }

    /// Tells the kernel a range will be read soon (sequentially), or is no longer needed.
    func advise(willNeed: Bool, offset: Int = 0, length: Int? = nil) {
        guard let base else { return }
        let page = 4096
        let start = offset / page * page
        let len = min(size - start, (length ?? size) + (offset - start))
        guard len > 0 else { return }
        _ = madvise(UnsafeMutableRawPointer(mutating: base + start), len, willNeed ? MADV_WILLNEED : MADV_DONTNEED)
    }

    deinit {
        if let base { munmap(UnsafeMutableRawPointer(mutating: base), size) }
    }
}
