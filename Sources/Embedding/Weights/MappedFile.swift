import DurableFiles

/// A read-only memory map of a weight file (`DurableFiles.ReadOnlyMapping`), with failures reported as
/// `WeightFileError` naming the file.
///
/// `@unchecked Sendable`: it only holds the immutable, thread-safe mapping.
final class MappedFile: @unchecked Sendable {
    private let mapping: ReadOnlyMapping

    init(path: String) throws(WeightFileError) {
        do { mapping = try ReadOnlyMapping(path: path) } catch {
            throw WeightFileError(path: path, reason: .missing(["open", "map"].contains(error.operation) ? error.reason : error.message))
        }
    }

    var path: String { mapping.path }
    var count: Int { mapping.count }

    /// The bytes `range` as a buffer valid while `self` is alive. `range` must lie within the file.
    func bytes(_ range: Range<Int>) -> UnsafeRawBufferPointer { mapping.bytes(range) }
}
