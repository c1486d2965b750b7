import Foundation
import SearchEngine
import SearchTesting
import Testing

/// `vsearch cluster publish` under load: a new generation built on every shard is loaded beside the
/// serving one; queries keep seeing the old generation until the publish, the new one after, and never a
/// mix of the two.
@Suite(.serialized, .enabled(if: EtcdProcess.available, "etcd is not installed (Debian etcd-server; scripts/setup installs it)"))
struct GenerationSwitchTests {
    typealias P = ClusterProcessTests

    @Test func switchesGenerationsWithoutAMixedAnswer() async throws {
        let cluster = try P.Cluster()
        defer { cluster.stop() }
        try await cluster.etcd.waitUntilServing()
        // Generation 1: the first 10 sample items; generation 2: all 14 (a rebuild of every shard).
        let lines = try String(contentsOfFile: P.manifest, encoding: .utf8).split(separator: "\n").map(String.init)
        func manifest(_ count: Int, _ name: String) throws -> String {
            let path = cluster.scratch.file(name)
            let absolute = try lines.prefix(count).map { line -> String in
                var object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                object["source"] = "\(P.root)/assets/samples/\(object["source"] as! String)"
                return String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
            }
            try absolute.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        let first = try manifest(10, "gen1.jsonl"), all = try manifest(lines.count, "gen2.jsonl")
        let ids = try lines.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])["id"] as! String }
        let generation1 = Set(ids.prefix(10)), generation2 = Set(ids)
        func build(_ input: String) throws {
            for shard in [0, 1] {
                _ = try P.vsearch(["build", "--input", input, "--root", "\(P.root)/assets/samples", "--index", cluster.shardIndex(shard),
                                   "--shard", "\(shard)/2", "--nlist", "4", "--quiet"])
            }
        }
        try build(first)
        let etcdFlags = ["--etcd", cluster.etcd.url, "--cluster", cluster.name]
        _ = try P.vsearch(["cluster", "create"] + etcdFlags + ["--shards", "2"])
        for shard in [0, 1] { try cluster.startReplica(shard) }
        try cluster.startRouter()
        let router = cluster.routerURL
        try await P.eventually("router ready") { try await P.get(router + "/readyz").status == 200 }
        _ = try P.vsearch(["cluster", "publish"] + etcdFlags + ["--generation", "1"])

        // Every item of a generation answers a semantic query for anything (k above the item count).
        let query = router + "/v1/search?q=a%20picture&k=50&bm25_weight=0"
        func answer() async throws -> Set<String> {
            let reply = try await P.get(query)
            #expect(reply.status == 200 && reply.response?.coverage?.partial == false, "\(reply.body.prefix(300))")
            return Set(reply.response?.results.map(\.id) ?? [])
        }
        #expect(try await answer() == generation1)

        // Load: queries run while generation 2 is built on every shard and published.
        let load = Task { () -> [Set<String>] in
            var seen: [Set<String>] = []
            while !Task.isCancelled, seen.count < 2000 {
                seen.append(try await answer())
                if seen.last == generation2, seen.suffix(5).allSatisfy({ $0 == generation2 }) { break }
            }
            return seen
        }
        try build(all)
        // Before the publish the new generation is only loaded beside the serving one: still generation 1.
        #expect(try await answer() == generation1)
        try await P.eventually("every shard offers generation 2") {
            let status = try P.vsearch(["cluster", "status"] + etcdFlags + ["--json"]).stdout
            let state = try JSONDecoder().decode(ClusterStateProbe.self, from: Data(status.utf8))
            return [0, 1].allSatisfy { shard in state.members.contains { $0.shard == shard && ($0.generations ?? []).contains(2) } }
        }
        _ = try P.vsearch(["cluster", "publish"] + etcdFlags + ["--generation", "2"])
        try await P.eventually("router serves generation 2") { try await answer() == generation2 }
        let seen = try await load.value
        #expect(seen.allSatisfy { $0 == generation1 || $0 == generation2 }, "a mixed answer: \(seen.filter { $0 != generation1 && $0 != generation2 })")
        #expect(seen.contains(generation1) && seen.last == generation2)
        // Once switched, it stays switched.
        if let firstNew = seen.firstIndex(of: generation2) { #expect(seen[firstNew...].allSatisfy { $0 == generation2 }) }
    }

    struct ClusterStateProbe: Decodable {
        struct Member: Decodable { var shard: Int; var address: String; var ready: Bool; var generations: [UInt64]? }
        var members: [Member]
    }
}
