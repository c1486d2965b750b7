import Foundation
import SearchTesting
import Testing
import VectorIndex

/// Issue #14 item 3: a zero-filled or garbage tail after the last record of an append log (what a crash
/// leaves once the file grew but its data had not reached the disk) made the index unopenable ("invalid
/// length"). A torn tail is ignored by readers and cut by the next writer (a reported repair); damage
/// followed by a valid record is still corruption.
@Suite struct TornTailTests {
    static let d = TestData.dimension

    /// An index of 1,000 base vectors plus two logged adds (10 vectors each): 1,020 live vectors.
    func makeLoggedIndex() throws -> (TemporaryDirectory, logBytes: Data) {
        let dir = try TemporaryDirectory("torn-tail")
        try TestData.build(dir.path, vectors: Array(TestData.base[0..<(1000 * Self.d)]), encoding: .flat, nlist: 8)
        let w = try IVFIndexWriter(directory: dir.path)
        try w.add(Array(TestData.base[(1000 * Self.d)..<(1010 * Self.d)]), ids: (1000..<1010).map(Int64.init))
        try w.add(Array(TestData.base[(1010 * Self.d)..<(1020 * Self.d)]), ids: (1010..<1020).map(Int64.init))
        return (dir, try Data(contentsOf: URL(fileURLWithPath: dir.file("v1.log"))))
    }

    static func randomBytes(_ count: Int, seed: UInt64) -> Data {
        var g = RandomVectors.Generator(seed: seed)
        return Data((0..<count).map { _ in UInt8(truncatingIfNeeded: g.next()) })
    }

    static let tails: [(String, Data)] = [
        ("16 zero bytes", Data(count: 16)), ("17 zero bytes", Data(count: 17)), ("4096 zero bytes", Data(count: 4096)),
        ("64 random bytes", randomBytes(64, seed: 1)), ("64 other random bytes", randomBytes(64, seed: 2)),
        ("5 random bytes", randomBytes(5, seed: 3)), ("3000 random bytes", randomBytes(3000, seed: 4)),
    ]

    @Test(arguments: tails.indices)
    func aTornTailIsIgnoredByReadersAndCutByTheWriter(_ which: Int) throws {
        let (label, tail) = Self.tails[which]
        let (dir, original) = try makeLoggedIndex()
        defer { dir.remove() }
        let log = dir.file("v1.log")
        try (original + tail).write(to: URL(fileURLWithPath: log))

        let reader = try IVFIndex.open(directory: dir.path)
        #expect(reader.count == 1020, "\(label)")
        #expect(reader.ignoredLogTailBytes == tail.count, "\(label)")
        try reader.verify()
        #expect(try reader.search(Array(TestData.base[(1015 * Self.d)..<(1016 * Self.d)]), k: 1).first?.id == 1015, "\(label)")

        do {  // the writer holds the directory lock until the end of this scope
            let writer = try IVFIndexWriter(directory: dir.path)
            #expect(writer.repairs.map { [$0.path, "\($0.validLength)", "\($0.removedBytes)"] }
                    == [[log, "\(original.count)", "\(tail.count)"]], "\(label)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: log)) == original, "\(label): the tail is cut")
            try writer.add(Array(TestData.base[(1020 * Self.d)..<(1021 * Self.d)]), ids: [1020])
        }
        let reopened = try IVFIndex.open(directory: dir.path)
        #expect(reopened.count == 1021 && reopened.ignoredLogTailBytes == 0, "\(label)")
        #expect(try IVFIndexWriter(directory: dir.path).repairs.isEmpty)
    }

    /// A log with only its header and a garbage tail (the crash hit the first append).
    @Test func aTornFirstRecordLeavesTheBaseOnly() throws {
        let (dir, original) = try makeLoggedIndex()
        defer { dir.remove() }
        try (original.prefix(64) + Self.randomBytes(64, seed: 9)).write(to: URL(fileURLWithPath: dir.file("v1.log")))
        #expect(try IVFIndex.open(directory: dir.path).count == 1000)
        #expect(try IVFIndexWriter(directory: dir.path).repairs.count == 1)
        #expect(try IVFIndex.open(directory: dir.path).count == 1000)
    }

    /// Zeros or garbage *between* records (more valid records follow) are corruption, for readers and
    /// writers alike: cutting there would drop acknowledged writes.
    @Test(arguments: [false, true])
    func damageFollowedByAValidRecordIsCorruption(_ garbage: Bool) throws {
        let (dir, original) = try makeLoggedIndex()
        defer { dir.remove() }
        let log = dir.file("v1.log")
        let firstRecordEnd = 64 + 8 + 12 + 10 * (12 + 4 * Self.d) + 8
        var damaged = original
        // Overwrite 40 bytes of the first record's body (inside it, ids and vectors).
        damaged.replaceSubrange(100..<140, with: garbage ? Self.randomBytes(40, seed: 5) : Data(count: 40))
        // And, separately, garbage inserted between the two records.
        let inserted = original.prefix(firstRecordEnd) + (garbage ? Self.randomBytes(64, seed: 6) : Data(count: 64))
            + original.dropFirst(firstRecordEnd)
        for (label, bytes) in [("overwritten", damaged), ("inserted", inserted)] {
            try bytes.write(to: URL(fileURLWithPath: log))
            let readerError = #expect(throws: VectorIndexError.self, "\(label)") { _ = try IVFIndex.open(directory: dir.path) }
            #expect(readerError?.kind == .corrupt && readerError?.subject == log, "\(label): \(String(describing: readerError))")
            #expect(readerError?.reason.contains("followed by a valid record") == true, "\(label)")
            let writerError = #expect(throws: VectorIndexError.self, "\(label)") { _ = try IVFIndexWriter(directory: dir.path) }
            #expect(writerError?.kind == .corrupt, "\(label)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: log)) == bytes, "\(label): a writer must not cut acknowledged records")
        }
    }
}
