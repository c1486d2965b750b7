import Foundation
@testable import SearchEngine
import SearchTesting
import Testing

/// Issue #14 item 3 for the build spill (`staging/vectors.spill`): a zero-filled or garbage tail (what a
/// crash leaves once the file grew but its data had not reached the disk) is cut when the spill is
/// reopened and reported; damage followed by records of a *later* batch cannot come from a crash and is
/// a typed corruption error.
@Suite struct VectorSpillTornTailTests {
    static let d = 4
    static var recordSize: Int { 8 + 4 * d + 8 }

    /// A spill of two batches: items 1 (2 vectors) and 2 (1 vector), then item 3 (2 vectors).
    static func makeSpill(_ path: String) throws -> [UInt8] {
        let spill = try VectorSpill(path: path, dimension: d)
        try spill.append(ids: [1 << 16, 1 << 16 | 1, 2 << 16], vectors: (0..<12).map(Float.init), lastOfItem: [false, true, true])
        try spill.append(ids: [3 << 16, 3 << 16 | 1], vectors: (0..<8).map { Float($0) / 2 }, lastOfItem: [false, true])
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    static func randomBytes(_ count: Int, seed: UInt64) -> [UInt8] {
        var g = RandomVectors.Generator(seed: seed)
        return (0..<count).map { _ in UInt8(truncatingIfNeeded: g.next()) }
    }

    @Test(arguments: [("zeros", 16), ("zeros", 3 * 32 + 5), ("zeros", 4096), ("random", 64), ("random", 3 * 32), ("random", 7)])
    func aTornTailIsCutAndReported(_ kind: String, _ length: Int) throws {
        let scratch = try TemporaryDirectory("spill-tail")
        defer { scratch.remove() }
        let path = scratch.file("vectors.spill")
        let original = try Self.makeSpill(path)
        let tail = kind == "zeros" ? [UInt8](repeating: 0, count: length) : Self.randomBytes(length, seed: UInt64(length))
        try Data(original + tail).write(to: URL(fileURLWithPath: path))

        let reopened = try VectorSpill(path: path, dimension: Self.d)
        #expect(reopened.count == 5, "\(kind) \(length)")
        #expect(reopened.finishedKeys == [1, 2, 3])
        #expect(reopened.cutTailBytes == length)
        #expect([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) == original)
        // Appending after the cut works and survives another reopen.
        try reopened.append(ids: [4 << 16], vectors: [1, 2, 3, 4], lastOfItem: [true])
        let again = try VectorSpill(path: path, dimension: Self.d)
        #expect(again.count == 6 && again.cutTailBytes == 0 && again.finishedKeys.contains(4))
    }

    /// The last batch's pages can reach the disk in any order: damage inside it followed by verified
    /// records *of the same batch* is still a torn tail; the batch is dropped back to its last whole item.
    @Test func damageInsideTheLastBatchIsATornTail() throws {
        let scratch = try TemporaryDirectory("spill-last-batch")
        defer { scratch.remove() }
        let path = scratch.file("vectors.spill")
        var bytes = try Self.makeSpill(path)
        let secondBatch = 32 + 3 * Self.recordSize
        bytes.replaceSubrange(secondBatch..<(secondBatch + Self.recordSize), with: [UInt8](repeating: 0, count: Self.recordSize))
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let reopened = try VectorSpill(path: path, dimension: Self.d)
        #expect(reopened.count == 3 && reopened.finishedKeys == [1, 2])
        #expect(reopened.cutTailBytes == 2 * Self.recordSize)
    }

    @Test(arguments: [false, true])
    func damageFollowedByALaterBatchIsCorruption(_ garbage: Bool) throws {
        let scratch = try TemporaryDirectory("spill-corrupt")
        defer { scratch.remove() }
        let path = scratch.file("vectors.spill")
        var bytes = try Self.makeSpill(path)
        let damage = garbage ? Self.randomBytes(Self.recordSize, seed: 7) : [UInt8](repeating: 0, count: Self.recordSize)
        bytes.replaceSubrange((32 + Self.recordSize)..<(32 + 2 * Self.recordSize), with: damage)  // inside batch 1
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: IndexBuildError.self) { _ = try VectorSpill(path: path, dimension: Self.d) }
        #expect(error?.kind == .corruptIndex && error?.subject == path)
        #expect(error?.reason.contains("later batch") == true)
        #expect([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) == bytes, "nothing acknowledged was cut")
    }
}
