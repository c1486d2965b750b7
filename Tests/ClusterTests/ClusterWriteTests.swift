import AsyncHTTPClient
import Cluster
import Foundation
import NIOCore
import NIOHTTP1
import SearchEngine
import SearchTesting
import Testing

/// Live writes through the router: logged in etcd, applied by every replica of the owner shard, read
/// with `after=TOKEN`, kept across the restart of every replica, caught up by a replica that was down, and
/// copied from a peer by a replica the compacted log left behind.
@Suite(.serialized, .enabled(if: EtcdProcess.available, "etcd is not installed (Debian etcd-server; scripts/setup installs it)"))
struct ClusterWriteTests {
    typealias P = ClusterProcessTests
    static let token = "cluster-test-token-0123456789abcdef"

    static func send(_ method: HTTPMethod, _ url: String, body: [UInt8]? = nil, contentType: String? = nil,
                     authorized: Bool = true) async throws -> (status: Int, body: String) {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if authorized { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        return (Int(response.status.code), String(buffer: try await response.body.collect(upTo: 16 << 20)))
    }

    /// A multipart form with a `file` part and text fields.
    static func form(file: [UInt8], fields: [String: String]) -> (body: [UInt8], contentType: String) {
        let boundary = "vsearch-test-boundary-7f3a"
        var body: [UInt8] = []
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"noise.png\"\r\nContent-Type: image/png\r\n\r\n".utf8)
        body += file + Array("\r\n--\(boundary)--\r\n".utf8)
        return (body, "multipart/form-data; boundary=\(boundary)")
    }

    static func receipt(_ body: String) throws -> (id: String, shard: Int, token: String) {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any], "\(body)")
        return (try #require(object["id"] as? String), try #require(object["shard"] as? Int), try #require(object["token"] as? String))
    }

    @Test func addsAndDeletesThroughTheRouter() async throws {
        let cluster = try P.Cluster()
        defer { cluster.stop() }
        try await cluster.etcd.waitUntilServing()
        let common = ["build", "--input", P.manifest, "--nlist", "4", "--quiet", "--json"]
        _ = try P.vsearch(common + ["--index", cluster.shardIndex(0), "--shard", "0/2"])
        _ = try P.vsearch(common + ["--index", cluster.shardIndex(1), "--shard", "1/2"])
        _ = try P.vsearch(["cluster", "create", "--etcd", cluster.etcd.url, "--cluster", cluster.name, "--shards", "2"])
        for shard in [0, 1] { for _ in 0..<2 { try cluster.startReplica(shard) } }
        let tokenFile = cluster.scratch.file("token")
        try Data(Self.token.utf8).write(to: URL(fileURLWithPath: tokenFile))
        try cluster.startRouter(["--media", cluster.scratch.file("shared-media"), "--token-file", tokenFile])
        let router = cluster.routerURL
        try await P.eventually("router ready") { try await P.get(router + "/readyz").status == 200 }

        // A cursor issued before a write: once the write is applied, the router refuses it as stale (as one machine does).
        let before = try await P.get(router + "/v1/search?k=2&q=picture")
        let oldCursor = try #require(before.response?.nextCursor, "\(before.body.prefix(300))")

        // A new image, added through the router: 202 with a token; a search passing it finds the image.
        let image = SyntheticImages.noise(width: 96, height: 96, seed: 42)
        let png = PNGTestWriter.encode(width: 96, height: 96, colorType: .rgb, bitDepth: 8, samples: image.pixels.map(UInt16.init))
        let file = cluster.scratch.file("noise.png")
        try Data(png).write(to: URL(fileURLWithPath: file))
        let upload = Self.form(file: png, fields: ["id": "noise-42", "title": "Random noise", "tags": "synthetic"])
        #expect(try await Self.send(.POST, router + "/v1/items", body: upload.body, contentType: upload.contentType, authorized: false).status == 401)
        let added = try await Self.send(.POST, router + "/v1/items", body: upload.body, contentType: upload.contentType)
        #expect(added.status == 202, "\(added.body)")
        let receipt = try Self.receipt(added.body)
        #expect(receipt.id == "noise-42" && receipt.shard == ShardSelection.shard(of: "noise-42", count: 2))
        for _ in 0..<4 {
            let found = try await P.postImage(router + "/v1/search?k=3&after=\(receipt.token)", file: file)
            #expect(found.status == 200, "\(found.body)")
            #expect(found.response?.results.first?.id == "noise-42" && found.response?.results.first?.title == "Random noise",
                    "\(found.body.prefix(800))")
        }
        let staleCursor = try await P.get(router + "/v1/search?k=2&q=picture&cursor=\(oldCursor)&after=\(receipt.token)")
        #expect(staleCursor.status == 400 && staleCursor.body.contains("stale_cursor"), "\(staleCursor.body)")
        // Every replica of the owner shard applies it (asked directly, each on its own).
        let owners = cluster.replicas[receipt.shard]!
        for replica in owners {
            let url = try cluster.url(of: replica)
            try await P.eventually("\(url) applied the add") { try await P.get(url + "/v1/items/noise-42").status == 200 }
        }

        // Kill -9 every replica of the owner shard and start new ones: the item is still there.
        for replica in owners { replica.kill() }
        cluster.replicas[receipt.shard] = []
        let restarted = [try cluster.startReplica(receipt.shard), try cluster.startReplica(receipt.shard)]
        // Wait until etcd lists exactly the two new replicas for the shard (the killed ones' leases lapsed), then
        // until the router's view has them.
        let fresh = Set(try restarted.map { try cluster.url(of: $0) })
        let status = ["cluster", "status", "--etcd", cluster.etcd.url, "--cluster", cluster.name, "--json"]
        try await P.eventually("etcd lists only the restarted replicas") {
            let state = try JSONDecoder().decode(GenerationSwitchTests.ClusterStateProbe.self, from: Data(try P.vsearch(status).stdout.utf8))
            return Set(state.members.filter { $0.shard == receipt.shard && $0.ready }.map(\.address)) == fresh
        }
        try await P.eventually("both restarted replicas routed to") {
            let metrics = try await P.get(router + "/metrics").body
            return metrics.contains("vsearch_cluster_ready_replicas{shard=\"\(receipt.shard)\"} 2.0")
        }
        let again = try await P.postImage(router + "/v1/search?k=3&after=\(receipt.token)", file: file)
        #expect(again.response?.results.first?.id == "noise-42", "\(again.body)")

        // A replica that is down while the item is deleted catches up when it comes back.
        let absent = restarted[0]
        absent.kill()
        let deleted = try await Self.send(.DELETE, router + "/v1/items/noise-42")
        #expect(deleted.status == 202, "\(deleted.body) router log: \(cluster.router?.stderr.suffix(3000) ?? "")")
        let deleteToken = try Self.receipt(deleted.body).token
        let gone = try await P.postImage(router + "/v1/search?k=3&after=\(deleteToken)", file: file)
        #expect(gone.status == 200 && gone.response?.results.contains { $0.id == "noise-42" } == false, "\(gone.body)")
        #expect(try await Self.send(.DELETE, router + "/v1/items/no-such-item").status == 404)
        let back = try ManagedProcess("replica back", executable: CommandLineRunner.vsearchPath, arguments: [
            "serve", "--index", cluster.shardIndex(receipt.shard), "--etcd", cluster.etcd.url, "--cluster", cluster.name,
            "--shard", String(receipt.shard), "--port", "0", "--nprobe", "1000", "--lease-seconds", "2",
        ], environment: P.environment)
        cluster.replicas[receipt.shard]!.append(back)
        let backURL = try cluster.url(of: back)
        try await P.eventually("the restarted replica caught up on the delete") { try await P.get(backURL + "/v1/items/noise-42").status == 404 }

        // One more add that stays, on the same shard (an id chosen for it), applied by the live replicas.
        let keptID = (0..<100).map { "kept-\($0)" }.first { ShardSelection.shard(of: $0, count: 2) == receipt.shard }!
        let kept = SyntheticImages.noise(width: 96, height: 96, seed: 43)
        let keptPNG = PNGTestWriter.encode(width: 96, height: 96, colorType: .rgb, bitDepth: 8, samples: kept.pixels.map(UInt16.init))
        let keptUpload = Self.form(file: keptPNG, fields: ["id": keptID, "title": "Kept noise"])
        let keptAdd = try await Self.send(.POST, router + "/v1/items", body: keptUpload.body, contentType: keptUpload.contentType)
        #expect(keptAdd.status == 202, "\(keptAdd.body)")
        let keptToken = try Self.receipt(keptAdd.body).token

        // Once every live replica of the shard has applied them, the router compacts the log.
        let etcd = EtcdClient(endpoint: cluster.etcd.url)
        let keys = try ClusterKeys(cluster: cluster.name)
        try await P.eventually("the log is compacted") { try await etcd.list(prefix: keys.log(shard: receipt.shard)).isEmpty }
        #expect(try await OperationLog(etcd: etcd, keys: keys).floor(shard: receipt.shard) >= UInt64(keptToken)!)
        // A replica whose index predates the compacted writes cannot catch up from the log: it takes a ready
        // peer's copy (index and media), then serves — with the add it never saw in the log.
        let stale = cluster.scratch.file("stale")
        _ = try P.vsearch(["build", "--input", P.manifest, "--nlist", "4", "--quiet", "--index", stale, "--shard", "\(receipt.shard)/2"])
        #expect(FileManager.default.fileExists(atPath: stale + "/media") == false)
        let behind = try ManagedProcess("stale replica", executable: CommandLineRunner.vsearchPath, arguments: [
            "serve", "--index", stale, "--etcd", cluster.etcd.url, "--cluster", cluster.name,
            "--shard", String(receipt.shard), "--port", "0", "--lease-seconds", "2",
        ], environment: P.environment)
        cluster.replicas[receipt.shard]!.append(behind)
        let behindURL = try cluster.url(of: behind)
        try await P.eventually("the stale replica notices the compaction") { behind.stderr.contains("compacted past") }
        do {
            try await P.eventually("the stale replica installs a peer's copy") { behind.stderr.contains("installed a peer's copy") }
        } catch {
            Issue.record("the stale replica's log: \(behind.stderr.suffix(1500)); peers: \(cluster.replicas[receipt.shard]!.map { $0.stderr.suffix(1500) })")
            throw error
        }
        try await P.eventually("the copied replica serves the kept add") { try await P.get(behindURL + "/v1/items/\(keptID)").status == 200 }
        #expect(try await P.get(behindURL + "/v1/items/noise-42").status == 404)
        // Its media came along and the item points at this replica's own copy of it.
        let keptItem = try await P.get(behindURL + "/v1/items/\(keptID)")
        let keptPath = try JSONDecoder().decode(ItemDTO.self, from: Data(keptItem.body.utf8)).path
        #expect(keptPath.hasPrefix(stale + "/media/"), "\(keptPath)")
        let thumbnail = try await P.get(behindURL + "/v1/items/\(keptID)/thumbnail")
        #expect(thumbnail.status == 200, "\(thumbnail.status) \(thumbnail.body.prefix(300)); media: \((try? FileManager.default.contentsOfDirectory(atPath: stale + "/media")) ?? [])")
        try await P.eventually("the copied replica is ready") {
            let state = try JSONDecoder().decode(GenerationSwitchTests.ClusterStateProbe.self,
                                                 from: Data(try P.vsearch(["cluster", "status", "--etcd", cluster.etcd.url, "--cluster", cluster.name, "--json"]).stdout.utf8))
            return state.members.contains { $0.address == behindURL && $0.ready }
        }
    }
}
