import Crypto
import Foundation

/// The class embeddings a version's concept vectors were made with, kept in the version as
/// `concepts.bin`: a build writes them once, and `add` and uploads read them instead of embedding the
/// 1,000 class texts again (the texts cost several seconds of MiniLM per process), so every concept
/// vector of a version comes from the same class embeddings.
///
/// Format (little-endian): magic `VSCONCPT` (8 bytes), format version u32 (1), class count u32,
/// dimension u32, top u32, `count × dimension` float32, then the SHA-256 of everything before it.
extension ConceptSpace {
    public static let fileName = "concepts.bin"
    static let magic = Array("VSCONCPT".utf8)

    /// Writes the space into `directory` (a staging or version directory), atomically.
    public func write(to directory: String) throws {
        var bytes = Self.magic
        for value in [UInt32(1), UInt32(classCount), UInt32(dimension), UInt32(top)] {
            withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
        }
        bytes.reserveCapacity(bytes.count + classEmbeddings.count * 4 + 32)
        for value in classEmbeddings { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 } }
        bytes += SHA256.hash(data: bytes)
        try DurableFile.writeAtomically(bytes, to: directory + "/" + Self.fileName)
    }

    /// The space stored in `directory`; nil when the version has none (built before the file existed).
    /// Throws `.corruptIndex` naming the file when it is there but damaged.
    public static func read(from directory: String) throws -> ConceptSpace? {
        let path = directory + "/" + fileName
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw IndexBuildError(.corruptIndex, path, "cannot be read")
        }
        let bytes = [UInt8](data)
        func fail(_ reason: String) -> IndexBuildError { IndexBuildError(.corruptIndex, path, reason) }
        guard bytes.count >= 24 + 32, Array(bytes[0..<8]) == magic else { throw fail("not a concept-space file (bad magic or too short)") }
        let body = bytes[0..<(bytes.count - 32)]
        guard Array(SHA256.hash(data: body)) == Array(bytes[(bytes.count - 32)...]) else { throw fail("checksum mismatch (damaged file)") }
        func u32(_ offset: Int) -> Int {
            Int(UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24)
        }
        guard u32(8) == 1 else { throw fail("format version \(u32(8)) is not 1") }
        let count = u32(12), dimension = u32(16), top = u32(20)
        guard count > 0, dimension > 0, top > 0, body.count == 24 + count * dimension * 4 else {
            throw fail("\(body.count) bytes do not hold \(count) × \(dimension) floats")
        }
        var values = [Float](repeating: 0, count: count * dimension)
        for i in values.indices { values[i] = Float(bitPattern: UInt32(u32(24 + 4 * i))) }
        return ConceptSpace(classEmbeddings: values, classCount: count, dimension: dimension, top: top)
    }
}
