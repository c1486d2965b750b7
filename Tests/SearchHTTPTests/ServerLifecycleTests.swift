import Dispatch
import Foundation
@testable import SearchHTTP
import Testing

/// The real server on loopback, driven over raw sockets: the upload limit holds for a chunked body with
/// no declared length (refused while it streams), and a graceful shutdown lets a request in flight finish.
@Suite struct ServerLifecycleTests {
    @Test func chunkedUploadOverTheLimitIsRefusedWhileStreaming() async throws {
        let service = try HTTPFixtures.service(try HTTPFixtures.sharedIndex.get()) { $0.maxUploadBytes = 256 << 10 }
        let server = try await LiveServer.start(service)
        let port = server.port
        // 4 MiB in 64 KiB chunks, no Content-Length: the server answers 413 after ~256 KiB.
        let chunks = (0..<64).map { _ in RawHTTP.chunk([UInt8](repeating: 0xAB, count: 64 << 10)) } + [Array("0\r\n\r\n".utf8)]
        let reply = try await RawHTTP.exchange(port: port, head: "POST /v1/search HTTP/1.1\r\nHost: x\r\nContent-Type: image/jpeg\r\nTransfer-Encoding: chunked\r\n\r\n",
                                               chunks: chunks)
        #expect(reply.status == 413)
        #expect(reply.text.contains("payload_too_large"))
        let ok = try await RawHTTP.exchange(port: port, head: "GET /v1/search?q=apple HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        #expect(ok.status == 200)
        try await server.stop()
    }

    /// A client that sends its body too slowly gets 408 once the request deadline has passed (checked at
    /// each chunk). One that stops sending altogether gets the 408 too, or at worst a closed connection,
    /// but never a hang. The server goes on answering others. The idle timeout is set well beyond the
    /// deadline, so that when the other suites keep the cores busy the connection is not closed before the
    /// (delayed) deadline answers.
    @Test func slowAndStalledBodiesAreCutOff() async throws {
        let service = try HTTPFixtures.service(try HTTPFixtures.sharedIndex.get()) {
            $0.requestTimeout = .milliseconds(300)
            $0.idleTimeout = .seconds(10)
        }
        let server = try await LiveServer.start(service)
        let port = server.port
        let head = "POST /v1/search HTTP/1.1\r\nHost: x\r\nContent-Type: image/jpeg\r\nContent-Length: 100000\r\n\r\n"
        do {
            let slow = try await RawHTTP.exchange(port: port, head: head, chunks: [[0xFF, 0xD8], [0xFF, 0xE0], [0, 0x10]], pause: 0.4)
            #expect(slow.status == 408, "slow body: \(slow.text)")
            #expect(slow.text.contains("request_timeout"))
        } catch let failure as RawHTTP.Failure {
            // Under heavy load the 408 and the close can cross the client's next chunk (a reset loses the
            // reply): a closed connection is still a cut-off, a hang is not.
            #expect(!failure.timedOut, "slow body: \(failure)")
        }
        do {
            let stalled = try await RawHTTP.exchange(port: port, head: head, chunks: [[0xFF, 0xD8, 0xFF]])  // then silence
            #expect(stalled.status == 408, "stalled body: \(stalled.text)")
        } catch let failure as RawHTTP.Failure {
            #expect(!failure.timedOut, "stalled body: \(failure)")  // closed without a reply is fine
        }
        #expect(try await RawHTTP.exchange(port: port, head: "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").status == 200)
        try await server.stop()
    }

    /// Bodies reserve their declared length before a byte is read: while two stalled 1 MiB uploads hold
    /// the whole 2 MiB budget, a third upload is refused at once with 503 `overloaded` (before its body),
    /// and the budget is free again once the stalled ones have been cut off.
    @Test func stalledUploadsCannotExceedTheBodyBudget() async throws {
        let service = try HTTPFixtures.service(try HTTPFixtures.sharedIndex.get()) {
            $0.maxUploadBytes = 1 << 20
            $0.maxBodyBytesInFlight = 2 << 20
            // Long enough that the stalled uploads still hold the budget when the third arrives, even when a
            // loaded test run delays this test between its steps (with 2 s they were sometimes cut off first).
            $0.requestTimeout = .seconds(20)
            $0.idleTimeout = .seconds(40)
        }
        let server = try await LiveServer.start(service)
        let port = server.port
        let head = "POST /v1/search HTTP/1.1\r\nHost: x\r\nContent-Type: image/jpeg\r\nContent-Length: \(1 << 20)\r\n\r\n"
        let stalled = (0..<2).map { _ in
            Task { try? await RawHTTP.exchange(port: port, head: head, chunks: [[UInt8](repeating: 0xAB, count: 100_000)]) }
        }
        try await waitUntil { service.bodies.inUse == 2 << 20 }
        let refused = try await RawHTTP.exchange(port: port, head: head)
        #expect(refused.status == 503, "\(refused.text)")
        #expect(refused.text.contains("overloaded"))
        for task in stalled { _ = await task.value }
        try await waitUntil { service.bodies.inUse == 0 }
        try await server.stop()
    }

    @Test func gracefulShutdownFinishesRequestsInFlight() async throws {
        let service = try HTTPFixtures.service(try HTTPFixtures.sharedIndex.get()) { $0.embeddingConcurrency = 1 }
        let server = try await LiveServer.start(service)
        let port = server.port
        // Hold the one embedding slot so the image search below is in flight (queued) during shutdown.
        let gate = DispatchSemaphore(value: 0)
        let blocker = Task { try await service.imageWork.run { gate.wait() } }
        try await waitUntil { service.imageWork.inFlight == 1 }
        let jpeg = try HTTPFixtures.sampleBytes("apple.jpg")
        // The reply can only come after this test's next steps (shutdown, then the gate), which a loaded
        // suite can delay for minutes (a 90 s limit once ran out in CI): wait as long as the fixtures' requests.
        let inFlight = Task {
            try await RawHTTP.exchange(port: port, head: "POST /v1/search?k=1 HTTP/1.1\r\nHost: x\r\nContent-Type: image/jpeg\r\nContent-Length: \(jpeg.count)\r\nConnection: close\r\n\r\n",
                                       chunks: [jpeg], replyTimeout: Int(HTTPFixtures.generousTimeout.components.seconds))
        }
        try await waitUntil { service.imageWork.queued == 1 }
        await server.group.triggerGracefulShutdown()
        gate.signal()
        try await blocker.value
        let reply = try await inFlight.value
        #expect(reply.status == 200)
        #expect(reply.text.contains("apple.jpg"))
        try await server.run.value  // the group ends once the request has finished
    }
}
