import Foundation
import SearchTesting
import Testing
import VectorIndex

/// A flipped byte or a truncated file must give an error naming the file, never a crash or a silently
/// different answer. Section offsets are read from the documented header layout (offset at 64 + 24·i).
@Suite struct CorruptionTests {
    static let d = TestData.dimension
    static let sectionNames = ["centroids", "encoding", "directory", "codes", "ids", "vectors"]

    func makeIndex(_ encoding: EncodingKind = .sq8) throws -> TemporaryDirectory {
        let dir = try TemporaryDirectory("corrupt")
        try TestData.build(dir.path, vectors: Array(TestData.base[0..<(3000 * Self.d)]), encoding: encoding, nlist: 16)
        return dir
    }

    func sections(_ bytes: Data) -> [(offset: Int, length: Int)] {
        (0..<6).map { i in
            let o = 64 + 24 * i
            let off = bytes[o..<(o + 8)].withUnsafeBytes { Int(UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self))) }
            let len = bytes[(o + 8)..<(o + 16)].withUnsafeBytes { Int(UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self))) }
            return (off, len)
        }
    }

    func flip(_ path: String, at offset: Int) throws {
        var data = try Data(contentsOf: URL(fileURLWithPath: path))
        data[offset] ^= 0x5A
        try data.write(to: URL(fileURLWithPath: path))
    }

    /// Opening, verifying and searching everything must either work identically or throw naming `file`.
    func expectDetected(_ dir: String, file: String, label: String) {
        do {
            let index = try IVFIndex.open(directory: dir)
            try index.verify()
            Issue.record("\(label): corruption not detected by open + verify")
        } catch let e as VectorIndexError {
            #expect(e.description.contains(file), "\(label): error does not name \(file): \(e)")
            #expect(e.kind == .corrupt || e.kind == .truncated, "\(label): \(e)")
        } catch {
            Issue.record("\(label): unexpected error \(error)")
        }
    }

    @Test(arguments: [EncodingKind.sq8, .pq, .pq4fs])
    func flippedByteInEverySectionIsDetected(encoding: EncodingKind) throws {
        let pristine = try makeIndex(encoding)
        defer { pristine.remove() }
        let file = pristine.file("v1.ivf")
        let original = try Data(contentsOf: URL(fileURLWithPath: file))
        let secs = sections(original)
        var positions: [(String, Int)] = [0, 9, 17, 30, 70, 150, 247, 250].map { ("header byte \($0)", $0) }
        for (i, s) in secs.enumerated() where s.length > 0 {
            positions.append((Self.sectionNames[i] + " first byte", s.offset))
            positions.append((Self.sectionNames[i] + " middle byte", s.offset + s.length / 2))
            positions.append((Self.sectionNames[i] + " last byte", s.offset + s.length - 1))
        }
        for (label, pos) in positions {
            try original.write(to: URL(fileURLWithPath: file))
            try flip(file, at: pos)
            expectDetected(pristine.path, file: "v1.ivf", label: label)
        }
        // Search (not just verify) also refuses a corrupt list rather than answering from it.
        try original.write(to: URL(fileURLWithPath: file))
        try flip(file, at: secs[3].offset + secs[3].length / 2)
        let index = try IVFIndex.open(directory: pristine.path)
        #expect(throws: VectorIndexError.self) {
            try index.search(batch: TestData.queries, k: 10, options: SearchOptions(nprobe: 16))
        }
    }

    @Test func truncatedFilesAreDetected() throws {
        let dir = try makeIndex(.flat)
        defer { dir.remove() }
        let file = dir.file("v1.ivf")
        let original = try Data(contentsOf: URL(fileURLWithPath: file))
        for size in [0, 7, 100, 255, 256, 1000, original.count / 2, original.count - 1] {
            try original.prefix(size).write(to: URL(fileURLWithPath: file))
            expectDetected(dir.path, file: "v1.ivf", label: "truncated to \(size)")
        }
        try (original + Data([0])).write(to: URL(fileURLWithPath: file))
        expectDetected(dir.path, file: "v1.ivf", label: "one extra byte")
    }

    @Test func corruptManifestIsDetected() throws {
        let dir = try makeIndex(.flat)
        defer { dir.remove() }
        let manifest = dir.file("MANIFEST")
        let original = try Data(contentsOf: URL(fileURLWithPath: manifest))
        for pos in [0, 8, 16, 40, 60] {
            try original.write(to: URL(fileURLWithPath: manifest))
            try flip(manifest, at: pos)
            expectDetected(dir.path, file: "MANIFEST", label: "manifest byte \(pos)")
        }
        try original.prefix(30).write(to: URL(fileURLWithPath: manifest))
        expectDetected(dir.path, file: "MANIFEST", label: "manifest truncated")
    }

    @Test func logCorruptionIsReportedButATornTailIsIgnored() throws {
        let dir = try makeIndex(.flat)
        defer { dir.remove() }
        do {
            let w = try IVFIndexWriter(directory: dir.path)
            try w.add(Array(TestData.base[(3000 * Self.d)..<(3010 * Self.d)]), ids: (3000..<3010).map(Int64.init))
            try w.add(Array(TestData.base[(3010 * Self.d)..<(3020 * Self.d)]), ids: (3010..<3020).map(Int64.init))
        }
        let log = dir.file("v1.log")
        let original = try Data(contentsOf: URL(fileURLWithPath: log))
        #expect(try IVFIndex.open(directory: dir.path).count == 3020)
        let firstRecordEnd = 64 + 8 + 12 + 10 * (12 + 4 * Self.d) + 8
        // A flipped byte in the first record (more data follows), in a length field, or in the header.
        for pos in [3, 20, 64, 66, 80, firstRecordEnd - 1, firstRecordEnd + 1] {
            try original.write(to: URL(fileURLWithPath: log))
            try flip(log, at: pos)
            expectDetected(dir.path, file: "v1.log", label: "log byte \(pos)")
        }
        // The last record cut short (a crash mid-append): readers see the first record only...
        try original.prefix(original.count - 5).write(to: URL(fileURLWithPath: log))
        #expect(try IVFIndex.open(directory: dir.path).count == 3010)
        // ...and the next writer truncates the torn tail before appending.
        let w = try IVFIndexWriter(directory: dir.path)
        try w.add(Array(TestData.base[(3020 * Self.d)..<(3021 * Self.d)]), ids: [3020])
        #expect(try IVFIndex.open(directory: dir.path).count == 3011)
    }
}
