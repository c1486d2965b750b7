import Foundation
import Imaging
import SearchEngine
import SearchTesting
import Testing

/// Recall at the defaults: a cluster of 2 shards (each its own IVF, probed at its own default nprobe) must
/// find the exact nearest neighbours at least as well as one machine at its default, within 0.01.
@Suite(.serialized, .enabled(if: EtcdProcess.available, "etcd is not installed (Debian etcd-server; scripts/setup installs it)"))
struct ClusterRecallTests {
    /// Random crops of the sample photos (JPEG): varied real content, enough vectors that the default
    /// nprobe does not probe every list.
    static func writeCrops(count: Int, into folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let samples = "\(ClusterProcessTests.root)/assets/samples"
        let photos = try FileManager.default.contentsOfDirectory(atPath: samples).filter { $0.hasSuffix(".jpg") || $0.hasSuffix(".png") }.sorted()
        let images = try photos.map { try ImageDecoder.decode(data: [UInt8](try Data(contentsOf: URL(fileURLWithPath: "\(samples)/\($0)"))), name: $0) }
        var generator = RandomVectors.Generator(seed: 11)
        for i in 0..<count {
            let image = images[i % images.count]
            let width = Int.random(in: max(16, image.width / 4)...image.width, using: &generator)
            let height = Int.random(in: max(16, image.height / 4)...image.height, using: &generator)
            let crop = image.cropped(x: Int.random(in: 0...(image.width - width), using: &generator),
                                     y: Int.random(in: 0...(image.height - height), using: &generator), width: width, height: height)
            try Data(try JPEGEncoder.encode(crop, quality: 85)).write(to: URL(fileURLWithPath: "\(folder)/crop-\(i).jpg"))
        }
    }

    static func recall(_ found: [String], _ exact: [String]) -> Double {
        Double(Set(found).intersection(exact).count) / Double(max(1, exact.count))
    }

    @Test func routerRecallAtDefaultsMatchesOneMachine() async throws {
        let cluster = try ClusterProcessTests.Cluster()
        defer { cluster.stop() }
        try await cluster.etcd.waitUntilServing()
        let media = cluster.scratch.file("crops")
        try Self.writeCrops(count: 480, into: media)

        // Defaults everywhere: no --nlist, no --nprobe (each index's own default).
        let common = ["build", "--input", media, "--quiet"]
        _ = try ClusterProcessTests.vsearch(common + ["--index", cluster.fullIndex])
        _ = try ClusterProcessTests.vsearch(common + ["--index", cluster.shardIndex(0), "--shard", "0/2"])
        _ = try ClusterProcessTests.vsearch(common + ["--index", cluster.shardIndex(1), "--shard", "1/2"])
        _ = try ClusterProcessTests.vsearch(["cluster", "create", "--etcd", cluster.etcd.url, "--cluster", cluster.name, "--shards", "2"])
        for shard in [0, 1] { try cluster.startReplica(shard, nprobe: nil) }
        try cluster.startRouter(nprobe: nil)
        try await ClusterProcessTests.eventually("router ready") { try await ClusterProcessTests.get(cluster.routerURL + "/readyz").status == 200 }

        // One machine in process: exact (every list) and at its default nprobe; item queries need no model.
        let engine = QueryEngine(snapshot: try IndexSnapshot(index: IndexDirectory(path: cluster.fullIndex)), models: QueryModels())
        let nlist = try #require(engine.snapshot.visual?.nlist)
        #expect(nlist > (engine.snapshot.defaultNprobe), "the default must not probe every list (nlist \(nlist))")
        let ids = try ItemListing.page(engine.snapshot.catalog, limit: 1000).items.map(\.id)
        var generator = RandomVectors.Generator(seed: 5)
        let queries = (0..<40).map { _ in ids[Int.random(in: 0..<ids.count, using: &generator)] }
        var (single, routed) = (0.0, 0.0)
        for id in queries {
            let exact = try engine.hits(for: SearchRequest(item: ItemQuery(id: id), options: QueryOptions(k: 10, nprobe: nlist))).map(\.id)
            let atDefault = try engine.hits(for: SearchRequest(item: ItemQuery(id: id), options: QueryOptions(k: 10))).map(\.id)
            let answer = try await ClusterProcessTests.get(cluster.routerURL + "/v1/search?k=10&item=\(id)")
            #expect(answer.status == 200 && answer.response?.coverage?.partial == false, "\(id): \(answer.body)")
            single += Self.recall(atDefault, exact) / Double(queries.count)
            routed += Self.recall(answer.response?.results.map(\.id) ?? [], exact) / Double(queries.count)
        }
        print("recall@10 at defaults over \(queries.count) item queries: one machine \(single), router over 2 shards \(routed)")
        #expect(routed >= single - 0.01, "router recall@10 \(routed) vs one machine \(single)")
        #expect(single > 0.5, "one machine's recall@10 at its default: \(single)")
    }
}
