import DurableFiles

/// A read-only `mmap` of a whole index file (`DurableFiles.ReadOnlyMapping`), with failures reported as
/// `VectorIndexError` naming the file.
///
/// `@unchecked Sendable`: it only holds the immutable, thread-safe mapping.
final class MappedFile: @unchecked Sendable {
    private let mapping: ReadOnlyMapping

    init(path: String) throws {
        do { mapping = try ReadOnlyMapping(path: path) } catch { throw VectorIndexError.io(path, error.message) }
    }

    var path: String { mapping.path }
    var base: UnsafeRawPointer? { mapping.base }
    var size: Int { mapping.count }
    var bytes: UnsafeRawBufferPointer { mapping.bytes }

    /// Tells the kernel a range will be read soon (sequentially), or is no longer needed.
    func advise(willNeed: Bool, offset: Int = 0, length: Int? = nil) {
        mapping.advise(willNeed: willNeed, offset: offset, length: length)
    }
}
