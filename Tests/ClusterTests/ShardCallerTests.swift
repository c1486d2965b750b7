import Cluster
import Foundation
import Hummingbird
import NIOCore
import NIOHTTP1
import SearchHTTP
import Synchronization
import Testing

/// The router's per-shard call: retry on a dead replica, hedge past a slow one, give up when none answers.
@Suite struct ShardCallerTests {
    /// A replica stand-in on a loopback port: answers `GET /who` with `name`, after `delay`.
    final class FakeReplica: Sendable {
        let task: Task<Void, any Error>
        let port: Int

        init(name: String, delay: Duration) async throws {
            let router = Router(context: BasicRequestContext.self)
            router.get("/who") { _, _ in
                try await Task.sleep(for: delay)
                return name
            }
            let bound = AsyncStream<Int>.makeStream()
            var configuration = ServerConfiguration(host: "127.0.0.1", port: 0)
            configuration.requestTimeout = ShardCallerTests.generousDeadline
            let app = SearchApplication.make(router: router, configuration: configuration) { port in bound.continuation.yield(port ?? 0) }
            task = Task { try await app.run() }
            var iterator = bound.stream.makeAsyncIterator()
            port = await iterator.next() ?? 0
        }

        var address: String { "http://127.0.0.1:\(port)" }
        func stop() { task.cancel() }
    }

    /// These tests check the order of attempts, not their timing. In-process, they share the cooperative
    /// thread pool with the whole suite, whose synchronous tests (builds, embeddings) can hold both threads of
    /// a 2-core machine for minutes; a deadline shorter than that let a retry be skipped as "too late".
    static let generousDeadline = Duration.seconds(900)

    static func member(_ address: String) -> MemberRecord { MemberRecord(replica: address, shard: 0, address: address, ready: true) }

    static func name(_ outcome: ShardCaller.Outcome) -> String? {
        if case .answered(let reply) = outcome { return String(buffer: reply.body) }
        return nil
    }

    @Test func movesOnFromADeadReplica() async throws {
        let live = try await FakeReplica(name: "live", delay: .zero)
        defer { live.stop() }
        let dead = "http://127.0.0.1:\(try FreePort.next())"
        // A penalty far longer than the test: the ordering is checked, not how long a penalty lasts (under a
        // loaded CI machine the three calls took longer than the default 2 s).
        let selector = ReplicaSelector(failurePenalty: .seconds(3600))
        let caller = ShardCaller(selector: selector, hedgeDelay: .seconds(60))
        // The dead one must be asked first: the live one is made to look slower (an unmeasured replica costs
        // nothing; between equals the order is by address, which random ports would decide).
        selector.begin(live.address)
        selector.end(live.address, elapsed: .milliseconds(500), failed: false)
        #expect(selector.order([Self.member(live.address), Self.member(dead)]).first?.address == dead)
        let members = [Self.member(dead), Self.member(live.address)]
        for _ in 0..<3 {
            let started = ContinuousClock.now
            let outcome = await caller.call(members, method: .GET, path: "/who", body: nil, deadline: .now + Self.generousDeadline)
            #expect(Self.name(outcome) == "live", "\(outcome) after \(ContinuousClock.now - started)")
        }
        #expect(caller.counters.retries >= 1 && caller.counters.hedges == 0)
        // The dead replica failed, so it now goes last.
        #expect(selector.order([Self.member(dead), Self.member(live.address)]).first?.address == live.address)
    }

    @Test func hedgesPastASlowReplica() async throws {
        let slow = try await FakeReplica(name: "slow", delay: .seconds(3600))
        let fast = try await FakeReplica(name: "fast", delay: .zero)
        defer { slow.stop(); fast.stop() }
        let selector = ReplicaSelector()
        // Make the slow replica look cheapest so it is asked first; the hedge goes to the fast one.
        selector.begin(fast.address)
        selector.end(fast.address, elapsed: .milliseconds(500), failed: false)
        selector.begin(slow.address)
        selector.end(slow.address, elapsed: .milliseconds(1), failed: false)
        let caller = ShardCaller(selector: selector, hedgeDelay: .milliseconds(50))
        let outcome = await caller.call([Self.member(slow.address), Self.member(fast.address)], method: .GET, path: "/who", body: nil,
                                        deadline: .now + Self.generousDeadline)
        #expect(Self.name(outcome) == "fast")
        #expect(caller.counters.hedges == 1 && caller.counters.retries == 0)
    }

    @Test func noReplicaAnsweringIsUnavailable() async throws {
        let caller = ShardCaller(hedgeDelay: .milliseconds(10))
        let dead = [try FreePort.next(), try FreePort.next()].map { Self.member("http://127.0.0.1:\($0)") }
        guard case .unavailable = await caller.call(dead, method: .GET, path: "/who", body: nil, deadline: .now + .seconds(5)) else {
            Issue.record("a call with no live replica answered")
            return
        }
        guard case .unavailable = await caller.call([], method: .GET, path: "/who", body: nil, deadline: .now + .seconds(5)) else {
            Issue.record("a call with no replica answered")
            return
        }
    }
}
