import Foundation
import SearchEngine
import SearchTesting
import Testing
import VectorIndex

@Suite struct ANNRecallCheckTests {
    @Test func recallGrowsWithNprobeAndIsExactAtNlist() throws {
        let scratch = try TemporaryDirectory("vs-ann")
        defer { scratch.remove() }
        let data = RandomVectors(dimension: 32, centers: 48, seed: 5).sample(4000, stream: 1)
        let writer = try IVFIndexWriter(directory: scratch.file("ivf"))
        try writer.build(from: try ArrayVectors(data, dimension: 32), options: IVFBuildOptions(nlist: 40, metric: .l2, encoding: .flat))
        let index = try writer.index()
        let report = try ANNRecallCheck.run(index, options: ANNCheckOptions(sample: 300, k: 10, nprobes: [40, 1, 2, 4, 8, 16, 99], threads: 2))
        #expect(report.rows.map(\.nprobe) == [1, 2, 4, 8, 16, 40])  // sorted, clamped to nlist, deduplicated
        for (a, b) in zip(report.rows, report.rows.dropFirst()) { #expect(a.recall <= b.recall, "\(a) then \(b)") }
        #expect(report.rows.last!.recall == 1.0)
        #expect(report.rows.first!.recall < 1.0, "one list of 40 should miss neighbours")
        let best = try #require(report.recommended)
        #expect(best.recall >= 0.95)
        #expect(report.rows.filter { $0.nprobe < best.nprobe }.allSatisfy { $0.recall < 0.95 })
    }

    @Test func savedDefaultIsUsedBySearchesAndVerified() throws {
        let scratch = try TemporaryDirectory("vs-ann")
        defer { scratch.remove() }
        let folder = scratch.file("photos")
        for name in ["apple.jpg", "baboon.jpg", "butterfly.jpg", "fruits.jpg", "smarties.png", "orange.jpg"] {
            try BuildFixtures.copy(BuildFixtures.sample(name), to: folder)
        }
        let index = IndexDirectory(path: scratch.file("index"))
        _ = try BuildFixtures.builder(index).build(entries: try BuildInput.entries(input: folder).entries, inputDescription: folder)
        let text = try BuildFixtures.models.get().text
        let before = try QueryEngine(index: index, textEncoder: text)
        #expect(before.snapshot.searchDefaults == nil && before.snapshot.defaultNprobe == QueryOptions.fallbackNprobe)
        let visual = try #require(before.snapshot.visual)
        let report = try ANNRecallCheck.run(visual, options: ANNCheckOptions(sample: 10, k: 3, nprobes: [visual.nlist]))
        let best = try #require(report.recommended)
        try SearchDefaults(nprobe: best.nprobe, nlist: visual.nlist, ivfVersion: visual.version, measuredAt: 1, targetRecall: 0.95,
                           measuredRecall: Float(best.recall), k: 3).save(in: index)
        let after = try QueryEngine(index: index, textEncoder: text)
        #expect(after.snapshot.defaultNprobe == best.nprobe && after.snapshot.searchDefaults?.k == 3)
        // A damaged file is an error naming it, not a silent fallback.
        let path = try index.servingDirectory() + "/" + SearchDefaults.fileName
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes[17] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: path))
        #expect { try QueryEngine(index: index, textEncoder: text) } throws: { "\($0)".contains(path) && "\($0)".contains("checksum") }
    }
}
