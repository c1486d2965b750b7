import Cluster
import Foundation
import Testing

/// The v3 JSON gateway client against a real etcd.
@Suite(.enabled(if: EtcdProcess.available, "etcd is not installed (Debian etcd-server; scripts/setup installs it)"))
struct EtcdClientTests {
    @Test func readsWritesAndLeases() async throws {
        let server = try EtcdProcess()
        defer { server.stop() }
        try await server.waitUntilServing()
        let etcd = EtcdClient(endpoint: server.url)

        try await etcd.put("/t/a", Array("1".utf8))
        try await etcd.put("/t/b", Array("2".utf8))
        try await etcd.put("/u", Array("3".utf8))
        #expect(try await etcd.get("/t/a")?.value == Array("1".utf8))
        #expect(try await etcd.get("/missing") == nil)
        #expect(try await etcd.list(prefix: "/t/").map(\.key) == ["/t/a", "/t/b"])

        // Create-only and compare-and-swap puts.
        #expect(try await etcd.putIf("/t/new", [1], expectedModRevision: nil))
        #expect(try await !etcd.putIf("/t/new", [2], expectedModRevision: nil))
        let stored = try #require(try await etcd.get("/t/new"))
        #expect(try await etcd.putIf("/t/new", [3], expectedModRevision: stored.modRevision))
        #expect(try await !etcd.putIf("/t/new", [4], expectedModRevision: stored.modRevision))
        #expect(try await etcd.get("/t/new")?.value == [3])

        // A key under a lease goes when the lease is revoked; keepalive of a dead lease says so.
        let lease = try await etcd.grantLease(ttlSeconds: 30)
        try await etcd.put("/t/leased", [9], lease: lease)
        #expect(try await etcd.get("/t/leased")?.lease == lease)
        #expect(try await etcd.keepAlive(lease: lease))
        try await etcd.revoke(lease: lease)
        #expect(try await etcd.get("/t/leased") == nil)
        #expect(try await !etcd.keepAlive(lease: lease))

        try await etcd.delete("/u")
        #expect(try await etcd.get("/u") == nil)
    }

    @Test func anUnreachableEtcdIsATypedError() async throws {
        let etcd = EtcdClient(endpoint: "http://127.0.0.1:\(try FreePort.next())", timeout: .seconds(1))
        await #expect(throws: EtcdError.self) { try await etcd.get("/x") }
    }

    /// `cluster create` is idempotent for the same shape and refuses another; publish needs every shard
    /// to have a ready replica at the generation.
    @Test func createsAndPublishes() async throws {
        let server = try EtcdProcess()
        defer { server.stop() }
        try await server.waitUntilServing()
        let etcd = EtcdClient(endpoint: server.url)
        let admin = ClusterAdmin(etcd: etcd, keys: try ClusterKeys(cluster: "c1"))
        #expect(try await admin.create(shards: 2))
        #expect(try await !admin.create(shards: 2))
        await #expect(throws: ClusterError.self) { try await admin.create(shards: 3) }
        #expect(try await admin.status().config == ClusterConfig(shards: 2))

        let keys = try ClusterKeys(cluster: "c1")
        try await etcd.put(keys.member(shard: 0, replica: "r0"), Array(#"{"replica":"r0","shard":0,"address":"http://x","generation":2,"appliedPosition":0,"ready":true}"#.utf8))
        await #expect(throws: ClusterError.self) { try await admin.publish(generation: 2) }  // shard 1 lacks one
        try await etcd.put(keys.member(shard: 1, replica: "r1"), Array(#"{"replica":"r1","shard":1,"address":"http://y","generation":2,"appliedPosition":0,"ready":true}"#.utf8))
        let state = try await admin.publish(generation: 2)
        #expect(state.config.servingGeneration == 2)
        #expect(try await admin.status().routable(shard: 1).map(\.replica) == ["r1"])
        await #expect(throws: ClusterError.self) { try await ClusterAdmin(etcd: etcd, keys: try ClusterKeys(cluster: "nope")).status() }
        #expect(throws: ClusterError.self) { try ClusterKeys(cluster: "bad/name") }
    }
}

/// The operation log in a real etcd: positions in order, reads after a position, compaction and its floor.
@Suite(.enabled(if: EtcdProcess.available, "etcd is not installed (Debian etcd-server; scripts/setup installs it)"))
struct OperationLogTests {
    @Test func appendsReadsAndCompacts() async throws {
        let server = try EtcdProcess()
        defer { server.stop() }
        try await server.waitUntilServing()
        let log = OperationLog(etcd: EtcdClient(endpoint: server.url), keys: try ClusterKeys(cluster: "c"))
        let a = try await log.append(LogOperation(op: .add, id: "a", media: "/m/a.png", title: "A"), shard: 0)
        let b = try await log.append(LogOperation(op: .remove, id: "b"), shard: 0)
        let other = try await log.append(LogOperation(op: .remove, id: "x"), shard: 1)
        #expect(a < b && b < other)
        let all = try await log.entries(shard: 0, after: 0)
        #expect(all.operations.map(\.operation.id) == ["a", "b"] && all.operations.map(\.position) == [a, b])
        #expect(all.readUpTo >= other)
        #expect(try await log.entries(shard: 0, after: a).operations.map(\.operation.id) == ["b"])

        // Nothing dropped yet: no floor. Compacting up to `a` drops it and raises the floor to it.
        #expect(try await log.floor(shard: 0) == 0)
        #expect(try await log.compact(shard: 0, upTo: a) == 1)
        #expect(try await log.floor(shard: 0) == a)
        #expect(try await log.entries(shard: 0, after: 0).operations.map(\.operation.id) == ["b"])
        // Compacting past positions with no operation left does not raise the floor.
        #expect(try await log.compact(shard: 0, upTo: a) == 0)
        #expect(try await log.compact(shard: 1, upTo: other - 1) == 0)
        #expect(try await log.floor(shard: 1) == 0)
    }
}
