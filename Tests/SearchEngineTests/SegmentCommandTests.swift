import Catalog
import Foundation
import SearchEngine
import SearchTesting
import Testing

/// `vsearch segment count | write | train | merge` as real processes on the sample manifest (photos and
/// videos): segments merged into two shards hold exactly the items of one `vsearch build`; a segment
/// writer killed after sealing but before its rename leaves no segment, and the next run publishes it
/// without embedding again; a damaged segment file is refused by name; a merge already serving is not redone.
@Suite(.serialized) struct SegmentCommandTests {
    static let manifest = BuildFixtures.root + "/assets/samples/metadata.jsonl"
    static var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        if environment["VSEARCH_MODELS"] == nil { environment["VSEARCH_MODELS"] = "\(BuildFixtures.root)/assets/models" }
        return environment
    }

    static func vsearch(_ arguments: [String]) throws -> [String: Any] {
        let outcome = try CommandLineRunner.vsearch(arguments, environment: environment)
        guard outcome.status == 0, let line = outcome.lines.last else {
            throw SegmentTestFailure("vsearch \(arguments.joined(separator: " ")) exited \(outcome.status): \(outcome.stderr)")
        }
        return try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
    }

    static func ids(_ index: String) throws -> [String] {
        let outcome = try CommandLineRunner.vsearch(["items", "--index", index, "--json"], environment: environment)
        guard outcome.status == 0 else { throw SegmentTestFailure("items: \(outcome.stderr)") }
        return try outcome.lines.compactMap { (try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["id"] as? String }
    }

    /// Each item's stored concept vector (by id) in the serving version of `index`.
    static func conceptVectors(_ index: String) throws -> [String: [Float]] {
        let version = try #require(try IndexDirectory(path: index).serving()).directory
        let catalog = try Catalog(path: version + "/" + TextSearchIndex.catalogFileName, access: .readOnly(connections: 1))
        let stored = try catalog.conceptVectors(dimension: TextSearchIndex.textDimension)
        let items = try catalog.items(keys: stored.keys)
        return Dictionary(uniqueKeysWithValues: stored.byKey.compactMap { key, vector in items[key].map { ($0.id, vector) } })
    }

    struct SegmentTestFailure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    @Test func segmentsMergedIntoShardsHoldOneBuildsItems() throws {
        let scratch = try TemporaryDirectory("vs-segments")
        defer { scratch.remove() }
        let records = try Self.vsearch(["segment", "count", "--input", Self.manifest])["records"] as! Int
        #expect(records == 14)
        let segments = scratch.file("out/segments")
        let perSegment = 5
        var embedded = 0
        for (number, start) in stride(from: 0, to: records, by: perSegment).enumerated() {
            let result = try Self.vsearch(["segment", "write", "--input", Self.manifest, "--from", String(start),
                                           "--count", String(min(perSegment, records - start)),
                                           "--output", segments + "/" + SegmentManifest.directoryName(number), "--threads", "1"])
            embedded += (result["summary"] as! [String: Any])["indexed"] as! Int
            #expect(result["alreadyComplete"] as? Bool == false)
        }
        #expect(embedded == records)
        let trained = try Self.vsearch(["segment", "train", "--segments", segments, "--expect", "3", "--shards", "2", "--nlist", "4"])
        #expect(trained["nlist"] as? Int == 4)
        var shardIDs: [[String]] = []
        for shard in 0..<2 {
            let merged = try Self.vsearch(["segment", "merge", "--segments", segments, "--expect", "3", "--centroids", scratch.file("out"),
                                           "--index", scratch.file("shard\(shard)"), "--shard", "\(shard)/2", "--threads", "1"])
            #expect(merged["version"] as? Int == 1 && merged["alreadyMerged"] as? Bool == false)
            shardIDs.append(try Self.ids(scratch.file("shard\(shard)")))
        }
        _ = try CommandLineRunner.vsearch(["build", "--input", Self.manifest, "--index", scratch.file("full"), "--nlist", "4", "--quiet"],
                                          environment: Self.environment)
        let full = try Self.ids(scratch.file("full"))
        #expect(full.count == records)
        // One set of class embeddings for the whole build: made by the first segment's task, read by the
        // others, carried into every shard; and each item's concept vector equals one machine's.
        let shared = try #require(FileManager.default.contents(atPath: segments + "/" + ConceptSpace.fileName))
        for number in 0..<3 {
            #expect(FileManager.default.contents(atPath: segments + "/" + SegmentManifest.directoryName(number) + "/" + ConceptSpace.fileName) == shared)
        }
        let fullVectors = try Self.conceptVectors(scratch.file("full"))
        #expect(!fullVectors.isEmpty)
        for shard in 0..<2 {
            let version = try #require(try IndexDirectory(path: scratch.file("shard\(shard)")).serving()).directory
            #expect(FileManager.default.contents(atPath: version + "/" + ConceptSpace.fileName) == shared)
            let vectors = try Self.conceptVectors(scratch.file("shard\(shard)"))
            #expect(vectors.count == shardIDs[shard].count)
            for (id, vector) in vectors {
                let expected = try #require(fullVectors[id])
                #expect(zip(vector, expected).allSatisfy { abs($0 - $1) <= 1e-6 }, "concept vector of \(id)")
            }
        }
        #expect(Set(shardIDs[0]).isDisjoint(with: shardIDs[1]) && !shardIDs[0].isEmpty && !shardIDs[1].isEmpty)
        #expect(Set(shardIDs[0] + shardIDs[1]) == Set(full) && shardIDs[0].count + shardIDs[1].count == full.count)
        for (shard, ids) in shardIDs.enumerated() {
            #expect(ids.allSatisfy { ShardSelection.shard(of: $0, count: 2) == shard })
        }

        // Again: every segment is complete and every merge is serving — nothing is redone.
        let again = try Self.vsearch(["segment", "write", "--input", Self.manifest, "--from", "0", "--count", "5",
                                      "--output", segments + "/" + SegmentManifest.directoryName(0), "--threads", "1"])
        #expect(again["alreadyComplete"] as? Bool == true)
        let remerged = try Self.vsearch(["segment", "merge", "--segments", segments, "--centroids", scratch.file("out"),
                                         "--index", scratch.file("shard0"), "--shard", "0/2", "--threads", "1"])
        #expect(remerged["alreadyMerged"] as? Bool == true && remerged["version"] as? Int == 1)
        // Fewer segments than the input makes: refused.
        let short = try CommandLineRunner.vsearch(["segment", "train", "--segments", segments, "--expect", "4"], environment: Self.environment)
        #expect(short.status == 1 && short.stderr.contains("expected 4"), "\(short.stderr)")
    }

    @Test func killedSegmentWriterLeavesNoSegmentAndResumes() throws {
        let scratch = try TemporaryDirectory("vs-segment-kill")
        defer { scratch.remove() }
        let segment = scratch.file("segments/seg-000000")
        let arguments = ["segment", "write", "--input", Self.manifest, "--from", "2", "--count", "6", "--output", segment, "--threads", "1"]
        #expect(try CrashPointRunner.killed(arguments, at: "segment.sealed"))
        #expect(!FileManager.default.fileExists(atPath: segment), "a segment was published by a killed writer")
        #expect(FileManager.default.fileExists(atPath: scratch.file("segments/.seg-000000.partial")))
        let resumed = try Self.vsearch(arguments)
        let summary = resumed["summary"] as! [String: Any]
        #expect(resumed["alreadyComplete"] as? Bool == false)
        #expect(summary["indexed"] as? Int == 0 && summary["resumed"] as? Int == 6, "\(summary)")
        #expect((resumed["manifest"] as! [String: Any])["items"] as? Int == 6)
        #expect(!FileManager.default.fileExists(atPath: scratch.file("segments/.seg-000000.partial")))
        _ = try SegmentManifest.verify(segment)

        // One flipped byte in the vectors: refused, naming the file.
        let spill = segment + "/vectors.spill"
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: spill)))
        bytes[bytes.count / 2] ^= 0x40
        try Data(bytes).write(to: URL(fileURLWithPath: spill))
        #expect(throws: SearchEngineError.self) { try SegmentManifest.verify(segment) }
        let refused = try CommandLineRunner.vsearch(["segment", "train", "--segments", scratch.file("segments")], environment: Self.environment)
        #expect(refused.status == 1 && refused.stderr.contains("vectors.spill") && refused.stderr.contains("checksum"), "\(refused.stderr)")
        // A merge checks the records it reads (not the whole spill): the damaged one is refused too, nothing published.
        let merge = try CommandLineRunner.vsearch(["segment", "merge", "--segments", scratch.file("segments"), "--index", scratch.file("index")],
                                                  environment: Self.environment)
        #expect(merge.status == 1 && merge.stderr.contains("vectors.spill") && merge.stderr.contains("checksum"), "\(merge.stderr)")
        #expect(!FileManager.default.fileExists(atPath: scratch.file("index/CURRENT")))
    }
}
