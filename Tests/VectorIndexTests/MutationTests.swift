import SearchTesting
import Testing
import VectorIndex

/// add / remove / compact / retrain round trips, checked against a `FlatIndex` holding the same live set.
@Suite struct MutationTests {
    static let d = TestData.dimension

    func exhaustive(_ index: IVFIndex, _ queries: [Float]) throws -> [[Neighbor]] {
        try index.search(batch: queries, k: 10, options: SearchOptions(nprobe: index.nlist))
    }

    @Test(arguments: [EncodingKind.flat, .sq8])
    func addRemoveCompactRetrainMatchTheOracle(encoding: EncodingKind) throws {
        let dir = try TemporaryDirectory("mutate")
        defer { dir.remove() }
        let base = Array(TestData.base[0..<(5000 * Self.d)])
        let extra = TestData.generator.sample(1000, stream: 7)
        let queries = Array(TestData.queries[0..<(40 * Self.d)])
        try TestData.build(dir.path, vectors: base, encoding: encoding, nlist: 64)
        var oracle = try TestData.oracle(.innerProduct, vectors: base)

        let writer = try IVFIndexWriter(directory: dir.path)
        let addedIDs = (0..<1000).map { Int64(100_000 + $0) }
        try writer.add(extra, ids: addedIDs)
        try oracle.add(extra, ids: addedIDs)
        // Remove base rows, added rows and an id that does not exist.
        let removed: [Int64] = Array(0..<300) + Array(100_000..<100_200) + [9_999_999]
        #expect(try writer.remove(removed) == 500)
        #expect(try writer.remove([0, 1]) == 0)  // already removed
        oracle.remove(Set(removed))

        // A fresh reader sees every durable write; its results equal the oracle's (flat) or nearly (sq8).
        func check(_ label: String) throws {
            let index = try IVFIndex.open(directory: dir.path)
            #expect(index.count == oracle.count, "\(label): count")
            let found = try exhaustive(index, queries)
            let truth = try oracle.search(batch: queries, k: 10, options: SearchOptions())
            let recall = TestData.recall(found, truth, k: 10)
            #expect(recall >= (encoding == .flat ? 1.0 : 0.99), "\(label): recall \(recall)")
            let dead = Set(removed)
            #expect(found.allSatisfy { $0.allSatisfy { !dead.contains($0.id) } }, "\(label): removed id returned")
        }
        try check("after add/remove")

        // Re-adding a removed id makes it live again (the tombstone applies to the older copy only).
        try writer.add(Array(extra[0..<Self.d]), ids: [100_000])
        try oracle.add(Array(extra[0..<Self.d]), ids: [100_000])
        let reAdded = try IVFIndex.open(directory: dir.path)
        #expect(reAdded.count == oracle.count)
        #expect(try reAdded.search(Array(extra[0..<Self.d]), k: 1, options: SearchOptions(nprobe: 64))[0].id == 100_000)
        // Removing it again removes the re-added copy.
        #expect(try writer.remove([100_000]) == 1)
        #expect(try IVFIndex.open(directory: dir.path).count == oracle.count - 1)
        try writer.add(Array(extra[0..<Self.d]), ids: [100_000])

        let before = try IVFIndex.open(directory: dir.path)
        try writer.compact(threads: 2)
        let compacted = try IVFIndex.open(directory: dir.path)
        #expect(compacted.version == before.version + 1)
        #expect(compacted.count == oracle.count)
        #expect(compacted.nlist == 64)
        try check("after compact")
        // The snapshot opened before compaction still answers from the old version.
        #expect(before.count == oracle.count)
        _ = try exhaustive(before, queries)

        try writer.retrain(nlist: 32, threads: 2)
        let retrained = try IVFIndex.open(directory: dir.path)
        #expect(retrained.nlist == 32)
        #expect(retrained.version == compacted.version + 1)
        try check("after retrain")
        // Only the current version's files remain.
        let files = try FileManagerList.names(dir.path)
        #expect(files.filter { $0.hasSuffix(".ivf") } == ["v\(retrained.version).ivf"])
    }

    @Test func writesSurviveReopeningTheWriter() throws {
        let dir = try TemporaryDirectory("reopen")
        defer { dir.remove() }
        try TestData.build(dir.path, vectors: Array(TestData.base[0..<(2000 * Self.d)]), nlist: 16)
        do {
            let w = try IVFIndexWriter(directory: dir.path)
            try w.add(Array(TestData.base[(2000 * Self.d)..<(2100 * Self.d)]), ids: (2000..<2100).map(Int64.init))
            try w.remove([5, 6, 7])
        }
        let w2 = try IVFIndexWriter(directory: dir.path)
        try w2.add(Array(TestData.base[(2100 * Self.d)..<(2110 * Self.d)]), ids: (2100..<2110).map(Int64.init))
        let index = try IVFIndex.open(directory: dir.path)
        #expect(index.count == 2000 + 100 - 3 + 10)
        let q = Array(TestData.base[(2105 * Self.d)..<(2106 * Self.d)])
        #expect(try index.search(q, k: 1, options: SearchOptions(nprobe: 16))[0].id == 2105)
    }

    @Test func secondWriterIsRefusedWhileTheFirstHoldsTheLock() throws {
        let dir = try TemporaryDirectory("lock")
        defer { dir.remove() }
        try TestData.build(dir.path, vectors: Array(TestData.base[0..<(500 * Self.d)]), nlist: 8)
        let first = try IVFIndexWriter(directory: dir.path)
        #expect { try IVFIndexWriter(directory: dir.path, wait: false) } throws: { ($0 as? VectorIndexError)?.kind == .locked }
        _ = first
    }

    @Test func badMutationInputIsRejected() throws {
        let dir = try TemporaryDirectory("badmut")
        defer { dir.remove() }
        try TestData.build(dir.path, vectors: Array(TestData.base[0..<(500 * Self.d)]), nlist: 8)
        let w = try IVFIndexWriter(directory: dir.path)
        #expect(throws: VectorIndexError.self) { try w.add([1, 2, 3], ids: [1]) }
        #expect(throws: VectorIndexError.self) { try w.add([Float](repeating: .nan, count: Self.d), ids: [1]) }
        #expect(try IVFIndex.open(directory: dir.path).count == 500)
    }
}

import Foundation

enum FileManagerList {
    static func names(_ path: String) throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: path).sorted() }
}
