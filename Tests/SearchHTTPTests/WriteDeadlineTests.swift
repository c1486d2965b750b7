import Dispatch
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SearchEngine
@testable import SearchHTTP
import SearchTesting
import Testing

/// A write that cannot start within its request's time gives up before changing anything (503
/// `timeout`), so the client's retry is added normally — never a 503 for a write that then commits and
/// makes the retry a 409.
@Suite struct WriteDeadlineTests {
    @Test func aWriteThatWaitedPastItsDeadlineChangesNothing() async throws {
        let scratch = try TemporaryDirectory("vs-http-write-deadline")
        defer { scratch.remove() }
        let index = try HTTPFixtures.buildIndex(in: scratch)
        let service = try HTTPFixtures.service(index) {
            $0.apiToken = APIToken(WriteRouteTests.token)
            $0.requestTimeout = .milliseconds(500)
        }
        var form = MultipartBody()
        form.file("file", fileName: "orange.jpg", type: "image/jpeg", try HTTPFixtures.sampleBytes("orange.jpg"))
        form.field("id", "late-orange")
        let upload = form
        try await HTTPFixtures.app(service).test(.router) { client in
            // Hold the one write slot past the deadline of the add queued behind it.
            let gate = DispatchSemaphore(value: 0)
            let blocker = Task { try await service.writeWork.run { gate.wait() } }
            try await waitUntil { service.writeWork.inFlight == 1 }
            let late = Task {
                try await client.execute(uri: "/v1/items", method: .post, headers: upload.headers(token: WriteRouteTests.token), body: upload.body)
            }
            try await waitUntil { service.writeWork.queued == 1 }
            try await Task.sleep(for: .milliseconds(700))
            gate.signal()
            try await blocker.value
            let answer = try await late.value
            #expect(answer.status == .serviceUnavailable && answer.errorCode == "timeout", "\(answer.text)")
            // Nothing was written: the item is not there, and the retry is an ordinary add.
            #expect(try await client.execute(uri: "/v1/items/late-orange", method: .get).status == .notFound)
            let retry = try await client.execute(uri: "/v1/items", method: .post, headers: upload.headers(token: WriteRouteTests.token), body: upload.body)
            #expect(retry.status == .created, "\(retry.text)")
        }
    }
}
