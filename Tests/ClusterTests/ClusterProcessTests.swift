import AsyncHTTPClient
import Foundation
import NIOCore
import SearchEngine
import SearchTesting
import Testing

/// A cluster on this machine from the documented commands, as real processes: etcd, 2 shards built with
/// `vsearch build --shard K/2` from the sample manifest, 2 replicas of each (`vsearch serve --etcd …
/// --shard K`) and `vsearch router`; compared with `vsearch search` over one index of the same items.
@Suite(.serialized, .enabled(if: EtcdProcess.available, "etcd is not installed (Debian etcd-server; scripts/setup installs it)"))
struct ClusterProcessTests {
    static let root = TextFixtures.repositoryRoot.path
    static let manifest = "\(root)/assets/samples/metadata.jsonl"
    static var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        if environment["VSEARCH_MODELS"] == nil { environment["VSEARCH_MODELS"] = "\(root)/assets/models" }
        return environment
    }

    /// Everything a test started, killed at its end.
    final class Cluster: @unchecked Sendable {
        let scratch: TemporaryDirectory
        let etcd: EtcdProcess
        var replicas: [Int: [ManagedProcess]] = [:]
        var router: ManagedProcess?
        var routerURL = ""
        let name = "test"

        init() throws {
            scratch = try TemporaryDirectory("vs-cluster")
            etcd = try EtcdProcess()
        }

        /// Index directories of shards built elsewhere (a Spark job's output); the others are `shardK` in scratch.
        var shardDirectories: [Int: String] = [:]

        func shardIndex(_ shard: Int) -> String { shardDirectories[shard] ?? scratch.file("shard\(shard)") }
        var fullIndex: String { scratch.file("full") }

        /// Starts one replica of `shard`; returns it once it listens.
        @discardableResult
        func startReplica(_ shard: Int, nprobe: Int? = 1000) throws -> ManagedProcess {
            let replica = try ManagedProcess("replica \(shard)", executable: CommandLineRunner.vsearchPath, arguments: [
                "serve", "--index", shardIndex(shard), "--etcd", etcd.url, "--cluster", name, "--shard", String(shard),
                "--port", "0", "--lease-seconds", "2",
            ] + (nprobe.map { ["--nprobe", String($0)] } ?? []), environment: ClusterProcessTests.environment)
            replicas[shard, default: []].append(replica)
            _ = try replica.waitForLine(containing: "listening on")
            return replica
        }

        /// The base URL a replica announced.
        func url(of replica: ManagedProcess) throws -> String {
            let line = try replica.waitForLine(containing: "listening on ")
            return String(line[line.range(of: "listening on ")!.upperBound...]).trimmingCharacters(in: .whitespaces)
        }

        func startRouter(_ extra: [String] = [], nprobe: Int? = 1000) throws {
            let router = try ManagedProcess("router", executable: CommandLineRunner.vsearchPath, arguments: [
                // A generous shard deadline: a loaded test machine must not turn a slow answer into a missing
                // shard (the partial-answer checks kill replicas, whose calls fail at once).
                "router", "--etcd", etcd.url, "--cluster", name, "--port", "0", "--shard-timeout-ms", "30000", "--read-after-wait-ms", "60000",
            ] + (nprobe.map { ["--nprobe", String($0)] } ?? []) + extra, environment: ClusterProcessTests.environment)
            self.router = router
            let line = try router.waitForLine(containing: "listening on")
            routerURL = String(line[line.range(of: "http://")!.lowerBound...]).trimmingCharacters(in: .whitespaces)
        }

        func stop() {
            router?.kill()
            for replica in replicas.values.joined() { replica.kill() }
            etcd.stop()
            scratch.remove()
        }
    }

    static func vsearch(_ arguments: [String]) throws -> CommandLineRunner.Outcome {
        let outcome = try CommandLineRunner.vsearch(arguments, environment: environment)
        guard outcome.status == 0 else { throw ProcessFailure("vsearch \(arguments.joined(separator: " ")): \(outcome.stderr)") }
        return outcome
    }

    /// `vsearch search --json` over the one-machine index (every list probed).
    static func oneMachine(_ cluster: Cluster, _ arguments: [String]) throws -> [SearchHit] {
        try vsearch(["search", "--index", cluster.fullIndex, "--json", "--nprobe", "1000"] + arguments).lines.map {
            try JSONDecoder().decode(SearchHit.self, from: Data($0.utf8))
        }
    }

    struct Answer {
        var status: Int
        var response: SearchResponse?
        var body: String
    }

    static func get(_ url: String) async throws -> Answer {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(60))
        let body = try await response.body.collect(upTo: 16 << 20)
        return Answer(status: Int(response.status.code), response: try? JSONDecoder().decode(SearchResponse.self, from: Data(body.readableBytesView)),
                      body: String(buffer: body))
    }

    static func postImage(_ url: String, file: String) async throws -> Answer {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: file.hasSuffix(".png") ? "image/png" : "image/jpeg")
        request.body = .bytes(ByteBuffer(bytes: try [UInt8](Data(contentsOf: URL(fileURLWithPath: file)))))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let body = try await response.body.collect(upTo: 16 << 20)
        return Answer(status: Int(response.status.code), response: try? JSONDecoder().decode(SearchResponse.self, from: Data(body.readableBytesView)),
                      body: String(buffer: body))
    }

    /// Waits (bounded) until `check` holds.
    static func eventually(_ what: String, attempts: Int = 600, _ check: () async throws -> Bool) async throws {
        for _ in 0..<attempts {
            if (try? await check()) == true { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ProcessFailure("gave up waiting: \(what)")
    }

    static func expectSame(_ routed: [SearchHit], _ single: [SearchHit], _ what: String) {
        #expect(routed.map(\.id) == single.map(\.id), "\(what): ids")
        #expect(routed.map(\.rank) == single.map(\.rank), "\(what): ranks")
        for (a, b) in zip(routed, single) {
            #expect(abs(a.score - b.score) <= 1e-5, "\(what): \(a.id) score \(a.score) vs \(b.score)")
            #expect(a.sources == b.sources && a.kind == b.kind && a.path == b.path && a.title == b.title && a.tags == b.tags,
                    "\(what): \(a.id) fields")
            #expect(a.moments.map(\.timestamp) == b.moments.map(\.timestamp) && a.thumbnail == b.thumbnail, "\(what): \(a.id) moments")
        }
    }

    @Test func routerAnswersLikeOneMachineAndSurvivesLostReplicas() async throws {
        let cluster = try Cluster()
        defer { cluster.stop() }
        try await cluster.etcd.waitUntilServing()

        // One machine's index and two shards of the same manifest: disjoint, together every item once.
        let common = ["build", "--input", Self.manifest, "--nlist", "4", "--quiet", "--json"]
        let full = try Self.vsearch(common + ["--index", cluster.fullIndex])
        let shard0 = try Self.vsearch(common + ["--index", cluster.shardIndex(0), "--shard", "0/2"])
        let shard1 = try Self.vsearch(common + ["--index", cluster.shardIndex(1), "--shard", "1/2"])
        func summary(_ outcome: CommandLineRunner.Outcome) throws -> BuildSummary {
            try JSONDecoder().decode(BuildSummary.self, from: Data(outcome.lines.last!.utf8))
        }
        let (all, s0, s1) = (try summary(full), try summary(shard0), try summary(shard1))
        #expect(all.items == 14 && s0.items + s1.items == all.items && s0.items > 0 && s1.items > 0)
        #expect(s0.otherShards == s1.items && s1.otherShards == s0.items)

        _ = try Self.vsearch(["cluster", "create", "--etcd", cluster.etcd.url, "--cluster", cluster.name, "--shards", "2"])
        for shard in [0, 1] { for _ in 0..<2 { try cluster.startReplica(shard) } }
        try cluster.startRouter()
        let router = cluster.routerURL
        try await Self.eventually("router ready") { try await Self.get(router + "/readyz").status == 200 }
        let status = try Self.vsearch(["cluster", "status", "--etcd", cluster.etcd.url, "--cluster", cluster.name, "--json"])
        #expect(status.stdout.contains("\"ready\":true") && status.stdout.contains("\"shards\":2"))

        // Every list probed: the router's answers are one machine's, id for id, score for score.
        for name in ["butterfly.jpg", "fruits.jpg", "smarties.png", "baboon.jpg"] {
            let file = "\(Self.root)/assets/samples/\(name)"
            let routed = try await Self.postImage(router + "/v1/search?k=10", file: file)
            #expect(routed.status == 200, "\(name): \(routed.body)")
            #expect(routed.response?.coverage == Coverage(shards: 2, missing: []))
            Self.expectSame(routed.response?.results ?? [], try Self.oneMachine(cluster, ["--image", file, "--k", "10"]), name)
        }
        for (item, t) in [("baboon", nil), ("apple", nil), ("megamind", 3.0), ("pedestrians", nil)] as [(String, Double?)] {
            let routed = try await Self.get(router + "/v1/search?k=8&item=\(item)" + (t.map { "&t=\($0)" } ?? ""))
            #expect(routed.status == 200, "\(item): \(routed.body)")
            let single = try Self.oneMachine(cluster, ["--item", item, "--k", "8"] + (t.map { ["--at", String($0)] } ?? []))
            Self.expectSame(routed.response?.results ?? [], single, "item \(item)")
        }
        // Text, every source: BM25 scores with the shards' summed statistics, so they are one machine's too.
        for text in ["fruit", "animal nature", "\"fox squirrel\" orange", "foot* people"] {
            let escaped = text.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let routed = try await Self.get(router + "/v1/search?k=6&q=\(escaped)")
            #expect(routed.status == 200 && routed.response?.coverage?.partial == false, "\(text): \(routed.body)")
            let single = try Self.oneMachine(cluster, ["--text", text, "--k", "6"])
            Self.expectSame(routed.response?.results ?? [], single, "text \(text)")
            #expect(single.contains { $0.scores["bm25"] != nil }, "\(text): BM25 found nothing, so the check shows nothing")
            for (a, b) in zip(routed.response?.results ?? [], single) {
                #expect(a.scores.keys == b.scores.keys, "text \(text): \(a.id) sources")
                for (source, score) in b.scores { #expect(abs((a.scores[source] ?? .nan) - score) <= 1e-5, "text \(text): \(a.id) \(source)") }
            }
        }
        // Image and text together: four sources fused as deep as one machine ranks them.
        for (name, text, k) in [("fruits.jpg", "fruit", 4), ("baboon.jpg", "animal", 2), ("smarties.png", "colourful food", 1)] {
            let file = "\(Self.root)/assets/samples/\(name)"
            let routed = try await Self.postImage(router + "/v1/search?k=\(k)&q=\(text.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)", file: file)
            #expect(routed.status == 200, "\(name) + \(text): \(routed.body)")
            Self.expectSame(routed.response?.results ?? [], try Self.oneMachine(cluster, ["--image", file, "--text", text, "--k", "\(k)"]),
                            "\(name) + \(text)")
        }
        // Paging: pages of 3 that follow next_cursor are, together, one machine's ranking (text, then image only).
        for (text, name) in [("animal", nil), (nil, "fruits.jpg")] as [(String?, String?)] {
            let file = name.map { "\(Self.root)/assets/samples/\($0)" }
            let query = text.map { "&q=\($0)" } ?? ""
            var pages: [[SearchHit]] = []
            var cursor: String?
            repeat {
                let url = router + "/v1/search?k=3" + query + (cursor.map { "&cursor=\($0)" } ?? "")
                let page = if let file { try await Self.postImage(url, file: file) } else { try await Self.get(url) }
                #expect(page.status == 200, "page \(pages.count + 1): \(page.body)")
                pages.append(page.response?.results ?? [])
                cursor = page.response?.nextCursor
            } while cursor != nil && pages.count < 10
            let single = try Self.oneMachine(cluster, (text.map { ["--text", $0] } ?? []) + (file.map { ["--image", $0] } ?? []) + ["--k", "14"])
            #expect(pages.count == (single.count + 2) / 3 && pages.dropLast().allSatisfy { $0.count == 3 }, "\(pages.map(\.count)) for \(single.count)")
            Self.expectSame(Array(pages.joined()), single, "pages of \(text ?? name ?? "")")
        }
        // Near-duplicate collapse through the router: one machine's groups (the samples hold no near-duplicates:
        // every result is kept, with an empty `duplicates`).
        for k in [4, 14] {
            let routed = try await Self.postImage(router + "/v1/search?k=\(k)&collapse=near_duplicates", file: "\(Self.root)/assets/samples/fruits.jpg")
            #expect(routed.status == 200, "\(routed.body)")
            let single = try Self.oneMachine(cluster, ["--image", "\(Self.root)/assets/samples/fruits.jpg", "--k", "\(k)", "--collapse"])
            Self.expectSame(routed.response?.results ?? [], single, "collapse k \(k)")
            #expect(routed.response?.results.map(\.duplicates) == single.map(\.duplicates) && single.allSatisfy { $0.duplicates != nil })
        }
        let firstPage = try await Self.get(router + "/v1/search?k=3&q=animal")
        let otherQuery = try await Self.get(router + "/v1/search?k=3&q=fruit&cursor=\(firstPage.response?.nextCursor ?? "none")")
        #expect(otherQuery.status == 400 && otherQuery.body.contains("cursor_mismatch"), "\(otherQuery.body)")
        #expect(try await Self.get(router + "/v1/search?k=3&q=animal&cursor=bm90IGEgY3Vyc29y").body.contains("invalid_cursor"))

        // The replicas' new internal routes refuse bad bodies with a 4xx naming the problem, never a 5xx.
        let replica = try cluster.url(of: cluster.replicas[0]![0])
        let longText = String(repeating: "word\u{301}\u{0}\"* ", count: 50_000)
        let hostile: [(String, [UInt8])] = [
            ("/internal/v1/lexical-statistics", []), ("/internal/v1/lexical-statistics", Array("{\"text\":\"fr".utf8)),
            ("/internal/v1/item-rows", Array("{\"ids\":[1,2]}".utf8)), ("/internal/v1/collapse-vectors", Array("null".utf8)),
            ("/internal/v1/item-rows", Array(#"{"ids":["#.utf8) + Array(repeating: Array(#""x","#.utf8), count: 10_001).joined() + Array(#""x"]}"#.utf8)),
            ("/internal/v1/collapse-vectors", [UInt8](repeating: 0x7B, count: 5 << 20)),
        ]
        for (path, body) in hostile {
            let answer = try await ClusterWriteTests.send(.POST, replica + path, body: body, contentType: "application/json", authorized: false)
            #expect((400..<500).contains(answer.status) && answer.body.contains("\"error\""), "\(path) \(body.count) bytes: \(answer.status)")
        }
        // Hostile but well-formed: long text of odd characters, unknown ids — answered, and with nothing.
        let statistics = try await ClusterWriteTests.send(.POST, replica + "/internal/v1/lexical-statistics",
                                                          body: Array(#"{"text":"\#(longText.replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\u{0}", with: "\\u0000"))"}"#.utf8),
                                                          contentType: "application/json", authorized: false)
        #expect(statistics.status == 200, "\(statistics.body.prefix(300))")
        let unknown = try await ClusterWriteTests.send(.POST, replica + "/internal/v1/item-rows", body: Array(#"{"ids":["no-such-item","../etc/passwd"]}"#.utf8),
                                                       contentType: "application/json", authorized: false)
        #expect(unknown.status == 200 && unknown.body.contains(#""items":[]"#), "\(unknown.body)")

        // An unknown item is the single machine's 404; items and thumbnails come from the owner shard.
        #expect(try await Self.get(router + "/v1/search?item=no-such-item").status == 404)
        let item = try await Self.get(router + "/v1/items/baboon")
        #expect(item.status == 200 && item.body.contains("\"id\":\"baboon\""))
        #expect(try await Self.get(router + "/v1/items/apple/thumbnail").status == 200)

        // kill -9 one replica of shard 0 while queries run: every query answered, complete.
        let butterfly = "\(Self.root)/assets/samples/butterfly.jpg"
        let expected = try Self.oneMachine(cluster, ["--image", butterfly, "--k", "10"]).map(\.id)
        let victim = cluster.replicas[0]![0]
        var answers: [Answer] = []
        for i in 0..<24 {
            if i == 4 { victim.kill() }
            answers.append(try await Self.postImage(router + "/v1/search?k=10", file: butterfly))
        }
        #expect(answers.allSatisfy { $0.status == 200 }, "\(answers.map(\.status))")
        #expect(answers.allSatisfy { $0.response?.coverage?.partial == false && $0.response?.results.map(\.id) == expected })

        // Both replicas of shard 0 gone: still 200, marked partial with shard 0 missing, shard 1's items only.
        cluster.replicas[0]![1].kill()
        for _ in 0..<6 {
            let partial = try await Self.postImage(router + "/v1/search?k=10", file: butterfly)
            #expect(partial.status == 200, "\(partial.body)")
            #expect(partial.response?.coverage == Coverage(shards: 2, missing: [0]))
            #expect(partial.response?.results.allSatisfy { ShardSelection.shard(of: $0.id, count: 2) == 1 } == true)
        }
        try await Self.eventually("router not ready without shard 0") { try await Self.get(router + "/readyz").status == 503 }

        // A replica restarted: it rejoins, and answers are complete and exact again.
        try cluster.startReplica(0)
        try await Self.eventually("router ready again") { try await Self.get(router + "/readyz").status == 200 }
        let healed = try await Self.postImage(router + "/v1/search?k=10", file: butterfly)
        #expect(healed.response?.coverage?.partial == false)
        #expect(healed.response?.results.map(\.id) == expected)
    }
}
