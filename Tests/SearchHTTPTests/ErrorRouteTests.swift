import Dispatch
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import SearchHTTP
import Testing

/// Every error path answers with its status and stable code in a JSON body, never a crash.
@Suite struct ErrorRouteTests {
    private func expectError(_ response: TestResponse, _ status: HTTPResponse.Status, _ code: String,
                             sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(response.status == status, "\(response.text)", sourceLocation: sourceLocation)
        #expect(response.errorCode == code, "\(response.text)", sourceLocation: sourceLocation)
        #expect(response.headers[.contentType]?.hasPrefix("application/json") == true, sourceLocation: sourceLocation)
    }

    @Test func badQueries() async throws {
        let service = try HTTPFixtures.service(try HTTPFixtures.sharedIndex.get())
        try await HTTPFixtures.app(service).test(.router) { client in
            expectError(try await client.execute(uri: "/v1/search", method: .get), .badRequest, "missing_query")
            expectError(try await client.execute(uri: "/v1/search?q=", method: .get), .badRequest, "missing_query")
            expectError(try await client.execute(uri: "/v1/search?q=cat&k=0", method: .get), .badRequest, "invalid_parameter")
            expectError(try await client.execute(uri: "/v1/search?q=cat&k=abc", method: .get), .badRequest, "invalid_parameter")
            expectError(try await client.execute(uri: "/v1/search?q=cat&k=101", method: .get), .badRequest, "invalid_parameter")
            expectError(try await client.execute(uri: "/v1/search?q=cat&filter=colour%3Dred", method: .get), .badRequest, "invalid_parameter")
            // Invalid UTF-8 (a lone continuation byte, an overlong encoding) and a broken escape.
            expectError(try await client.execute(uri: "/v1/search?q=%FF", method: .get), .badRequest, "invalid_text")
            expectError(try await client.execute(uri: "/v1/search?q=a%C0%AFb", method: .get), .badRequest, "invalid_text")
            expectError(try await client.execute(uri: "/v1/search?q=%ZZ", method: .get), .badRequest, "invalid_text")
            let long = String(repeating: "word ", count: 1000)
            expectError(try await client.execute(uri: "/v1/search?q=" + long.replacingOccurrences(of: " ", with: "+"), method: .get),
                        .badRequest, "invalid_parameter")
            // Odd but valid text gets results or none, never an error.
            for q in ["%22%22%22", "*", "NEAR(a+b)", "%E2%80%8B", "%F0%9F%90%B1+cat", "-", "a%00b"] {
                let response = try await client.execute(uri: "/v1/search?q=\(q)", method: .get)
                #expect(response.status == .ok, "q=\(q): \(response.text)")
            }
        }
    }

    @Test func badUploads() async throws {
        let service = try HTTPFixtures.service(try HTTPFixtures.sharedIndex.get())
        try await HTTPFixtures.app(service).test(.router) { client in
            // No or the wrong content type.
            expectError(try await client.execute(uri: "/v1/search", method: .post, body: ByteBuffer(string: "x")), .unsupportedMediaType, "unsupported_media_type")
            expectError(try await client.execute(uri: "/v1/search", method: .post, headers: [.contentType: "text/plain"], body: ByteBuffer(string: "cat")),
                        .unsupportedMediaType, "unsupported_media_type")
            // Bytes that are no image; a truncated JPEG; a GIF (recognised, not decoded).
            expectError(try await client.execute(uri: "/v1/search", method: .post, headers: [.contentType: "image/jpeg"], body: ByteBuffer(string: "not an image at all")),
                        .badRequest, "undecodable_image")
            let jpeg = try HTTPFixtures.sampleBytes("apple.jpg")
            var form = MultipartBody()
            form.file("image", fileName: "cut.jpg", type: "image/jpeg", Array(jpeg.prefix(jpeg.count / 3)))
            expectError(try await client.execute(uri: "/v1/search", method: .post, headers: form.headers, body: form.body), .badRequest, "undecodable_image")
            let gif: [UInt8] = Array("GIF89a".utf8) + [1, 0, 1, 0, 0x80, 0, 0] + [UInt8](repeating: 0, count: 32)
            expectError(try await client.execute(uri: "/v1/search", method: .post, headers: [.contentType: "image/gif"], body: ByteBuffer(bytes: gif)),
                        .unsupportedMediaType, "unsupported_media_type")
            // Multipart: invalid UTF-8 text, a wrong boundary, a form without image or text.
            var badText = MultipartBody()
            badText.field("text", [0x63, 0x61, 0xFF, 0x74])
            expectError(try await client.execute(uri: "/v1/search", method: .post, headers: badText.headers, body: badText.body), .badRequest, "invalid_text")
            var other = MultipartBody()
            other.field("text", "cat")
            expectError(try await client.execute(uri: "/v1/search", method: .post, headers: [.contentType: "multipart/form-data; boundary=nope"], body: other.body),
                        .badRequest, "bad_multipart")
            var empty = MultipartBody()
            empty.field("k", "3")
            expectError(try await client.execute(uri: "/v1/search", method: .post, headers: empty.headers, body: empty.body), .badRequest, "missing_query")
        }
    }

    @Test func uploadLimitGives413() async throws {
        let service = try HTTPFixtures.service(try HTTPFixtures.sharedIndex.get()) { $0.maxUploadBytes = 16 << 10 }
        try await HTTPFixtures.app(service).test(.router) { client in
            let big = try HTTPFixtures.sampleBytes("baboon.jpg")
            #expect(big.count > 16 << 10)
            var form = MultipartBody()
            form.file("image", fileName: "baboon.jpg", type: "image/jpeg", big)
            expectError(try await client.execute(uri: "/v1/search", method: .post, headers: form.headers, body: form.body), .contentTooLarge, "payload_too_large")
            expectError(try await client.execute(uri: "/v1/search", method: .post, headers: [.contentType: "image/jpeg"], body: ByteBuffer(bytes: big)),
                        .contentTooLarge, "payload_too_large")
        }
    }

    @Test func unknownRoutesAndItems() async throws {
        let service = try HTTPFixtures.service(try HTTPFixtures.sharedIndex.get())
        try await HTTPFixtures.app(service).test(.router) { client in
            expectError(try await client.execute(uri: "/v2/nothing", method: .get), .notFound, "not_found")
            expectError(try await client.execute(uri: "/v1/items/no-such-item", method: .get), .notFound, "item_not_found")
            expectError(try await client.execute(uri: "/v1/items/no-such-item/thumbnail", method: .get), .notFound, "item_not_found")
            expectError(try await client.execute(uri: "/v1/items/x/thumbnail?size=5000", method: .get), .badRequest, "invalid_parameter")
            expectError(try await client.execute(uri: "/v1/items/x/thumbnail?t=-1", method: .get), .badRequest, "invalid_parameter")
            // Path traversal attempts are just ids that do not exist.
            expectError(try await client.execute(uri: "/v1/items/..%2F..%2Fetc%2Fpasswd/thumbnail", method: .get), .notFound, "item_not_found")
        }
    }

    /// With the one embedding slot taken and no queue, an image query is refused with 503 `overloaded`;
    /// with a queue, a query that waits past the request timeout gets 503 `timeout`. Text queries use their
    /// own pool and still answer meanwhile.
    @Test func overloadAndTimeoutGive503() async throws {
        let index = try HTTPFixtures.sharedIndex.get()
        let jpeg = try HTTPFixtures.sampleBytes("apple.jpg")
        for (queue, code) in [(0, "overloaded"), (4, "timeout")] {
            let service = try HTTPFixtures.service(index) {
                $0.embeddingConcurrency = 1
                $0.embeddingQueueLimit = queue
                // The queued request waits out a short deadline; the overloaded one is refused at once.
                $0.requestTimeout = queue == 0 ? HTTPFixtures.generousTimeout : .milliseconds(300)
            }
            let gate = DispatchSemaphore(value: 0)
            let blocker = Task { try await service.imageWork.run { gate.wait() } }
            try await waitUntil { service.imageWork.inFlight == 1 }
            try await HTTPFixtures.app(service).test(.router) { client in
                let response = try await client.execute(uri: "/v1/search", method: .post, headers: [.contentType: "image/jpeg"], body: ByteBuffer(bytes: jpeg))
                expectError(response, .serviceUnavailable, code)
                #expect(response.headers[.retryAfter] == "1")
                if queue == 0 { #expect(try await client.execute(uri: "/v1/search?q=apple", method: .get).status == .ok) }
            }
            gate.signal()
            try await blocker.value
            #expect(service.imageWork.inFlight == 0 && service.imageWork.queued == 0)
        }
    }
}
