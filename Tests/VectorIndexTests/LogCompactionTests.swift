import SearchTesting
import Testing
import VectorIndex

/// Writers keep the append log bounded: past a share of the base file (and a minimum), the index is
/// compacted into a new base file with exactly the live vectors — the same answers, an empty log.
@Suite struct LogCompactionTests {
    @Test func aLargeLogIsCompactedAndASmallOneIsNot() throws {
        let d = TestData.dimension
        let dir = try TemporaryDirectory("log-compaction")
        defer { dir.remove() }
        let base = Array(TestData.base[0..<(400 * d)])
        try TestData.build(dir.path, vectors: base, encoding: .flat, nlist: 8)
        let writer = try IVFIndexWriter(directory: dir.path)
        let extra = TestData.generator.sample(60, stream: 11)
        try writer.add(extra, ids: (0..<60).map { Int64(50_000 + $0) })
        _ = try writer.remove(Array(0..<20))
        #expect(try writer.index().logEntries == 80)
        // 80 entries: 20 % of the 400-row base file, under a 25 % threshold: left alone.
        #expect(try !writer.compactIfLogIsLarge(minimumEntries: 10, fraction: 0.25))
        let queries = Array(TestData.queries[0..<(10 * d)])
        let before = try IVFIndex.open(directory: dir.path)
        let answers = try before.search(batch: queries, k: 10, options: SearchOptions(nprobe: before.nlist))
        // Over a 10 % threshold: compacted into a new version with an empty log and the same answers.
        #expect(try writer.compactIfLogIsLarge(minimumEntries: 10, fraction: 0.1))
        let after = try IVFIndex.open(directory: dir.path)
        #expect(after.logEntries == 0 && after.count == 440 && after.version > before.version)
        #expect(try after.search(batch: queries, k: 10, options: SearchOptions(nprobe: after.nlist)) == answers)
        // Below the minimum count nothing happens, whatever the share.
        try writer.add(Array(extra[0..<d]), ids: [90_000])
        #expect(try !writer.compactIfLogIsLarge(minimumEntries: 10, fraction: 0))
    }
}
