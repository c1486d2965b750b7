import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

/// One shard replica's HTTP answer.
public struct ShardReply: Sendable {
    public var status: Int
    public var contentType: String?
    public var body: ByteBuffer
    /// The replica that answered.
    public var address: String
}

/// Calls one shard through its replicas, within a deadline:
///
/// - replicas are tried cheapest first (``ReplicaSelector``: recent latency × requests in flight);
/// - a connection failure, a timeout or a 5xx from one replica moves on to the next at once (retry);
/// - if the first has not answered after ``hedgeDelay``, a second is asked too (a hedged request, as
///   Qdrant's `read_fan_out_delay_ms`), and the first answer wins — the other call is cancelled;
/// - any answer below 500 (a result, or a definite 4xx such as an unknown item) ends the call.
///
/// When no replica answers by the deadline the shard is ``Outcome/unavailable(_:)``: the router then
/// answers without it and says so (``SearchEngine/Coverage``).
public final class ShardCaller: Sendable {
    public enum Outcome: Sendable {
        case answered(ShardReply)
        case unavailable(String)
    }

    let http: HTTPClient
    public let selector: ReplicaSelector
    public let hedgeDelay: Duration
    public static let maxResponseBytes = 64 << 20
    private let counts = Mutex<(retries: Int, hedges: Int, unavailable: Int)>((0, 0, 0))

    /// Calls moved on to another replica after a failure, hedged calls, and shard calls no replica answered
    /// (since start; for `/metrics`).
    public var counters: (retries: Int, hedges: Int, unavailable: Int) { counts.withLock { $0 } }

    public init(http: HTTPClient = ClusterHTTP.client, selector: ReplicaSelector = ReplicaSelector(), hedgeDelay: Duration = .milliseconds(150)) {
        self.http = http
        self.selector = selector
        self.hedgeDelay = hedgeDelay
    }

    private enum Event: Sendable {
        case done(Result<ShardReply, AttemptError>)
        case hedge
    }

    struct AttemptError: Error, Sendable { var reason: String }

    /// Sends `method path` (with `body` as JSON when given) to `replicas` until one answers or `deadline` passes.
    public func call(_ replicas: [MemberRecord], method: HTTPMethod, path: String, body: [UInt8]?,
                     deadline: ContinuousClock.Instant) async -> Outcome {
        let ordered = selector.order(replicas)
        guard !ordered.isEmpty else { return .unavailable("no ready replica") }
        return await withTaskGroup(of: Event.self) { group -> Outcome in
            var next = 0
            var running = 0
            var failures: [String] = []
            func launch() {
                let member = ordered[next]
                next += 1
                running += 1
                group.addTask { .done(await self.attempt(member.address, method: method, path: path, body: body, deadline: deadline)) }
            }
            launch()
            if ordered.count > 1 {
                let delay = hedgeDelay
                group.addTask {
                    try? await Task.sleep(for: delay)
                    return .hedge
                }
            }
            while let event = await group.next() {
                switch event {
                case .done(.success(let reply)):
                    group.cancelAll()
                    return .answered(reply)
                case .done(.failure(let error)):
                    running -= 1
                    failures.append(error.reason)
                    if next < ordered.count, ContinuousClock.now < deadline {
                        counts.withLock { $0.retries += 1 }
                        launch()
                    } else if running == 0 {
                        group.cancelAll()
                        counts.withLock { $0.unavailable += 1 }
                        return .unavailable(failures.joined(separator: "; "))
                    }
                case .hedge:
                    if next < ordered.count, running > 0, !Task.isCancelled {
                        counts.withLock { $0.hedges += 1 }
                        launch()
                    }
                }
            }
            return .unavailable(failures.isEmpty ? "cancelled" : failures.joined(separator: "; "))
        }
    }

    private func attempt(_ address: String, method: HTTPMethod, path: String, body: [UInt8]?,
                         deadline: ContinuousClock.Instant) async -> Result<ShardReply, AttemptError> {
        let remaining = deadline - ContinuousClock.now
        guard remaining > .zero else { return .failure(AttemptError(reason: "\(address): deadline passed")) }
        var request = HTTPClientRequest(url: address + path)
        request.method = method
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let start = ContinuousClock.now
        selector.begin(address)
        do {
            let response = try await http.execute(request, timeout: .milliseconds(Int64(max(1, remaining.wholeMilliseconds))))
            let bytes = try await response.body.collect(upTo: Self.maxResponseBytes)
            let failed = response.status.code >= 500
            selector.end(address, elapsed: ContinuousClock.now - start, failed: failed)
            if failed { return .failure(AttemptError(reason: "\(address): HTTP \(response.status.code)")) }
            return .success(ShardReply(status: Int(response.status.code), contentType: response.headers.first(name: "Content-Type"),
                                       body: bytes, address: address))
        } catch {
            // A call cancelled because another replica answered first is not the replica's fault.
            selector.end(address, elapsed: ContinuousClock.now - start, failed: !Task.isCancelled)
            return .failure(AttemptError(reason: "\(address): \(error)"))
        }
    }
}
