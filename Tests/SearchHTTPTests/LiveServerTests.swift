import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SearchEngine
import SearchHTTP
import Testing

/// The real server on a loopback port: HTTP/1.1 over TCP, the same routes.
@Suite struct LiveServerTests {
    @Test func servesSearchesOverLoopback() async throws {
        let service = try HTTPFixtures.service(try HTTPFixtures.sharedIndex.get()) { $0.maxUploadBytes = 1 << 20 }
        try await HTTPFixtures.app(service).test(.live) { client in
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
            var form = MultipartBody()
            form.file("image", fileName: "butterfly.jpg", type: "image/jpeg", try HTTPFixtures.sampleBytes("butterfly.jpg"))
            form.field("text", "butterfly")
            let response = try await client.execute(uri: "/v1/search", method: .post, headers: form.headers, body: form.body)
            #expect(response.status == .ok)
            let answer = try response.json(SearchResponse.self)
            #expect(answer.query == "image+text")
            #expect(answer.results.first?.path.hasSuffix("/butterfly.jpg") == true)
            let text = try await client.execute(uri: "/v1/search?q=apple&k=2", method: .get)
            #expect(try text.json(SearchResponse.self).results.first?.title == "apple")
            // Over the limit on a real connection: refused with 413 from the declared length.
            let big = ByteBuffer(bytes: [UInt8](repeating: 0xFF, count: (1 << 20) + 1))
            let tooLarge = try await client.execute(uri: "/v1/search", method: .post, headers: [.contentType: "image/jpeg"], body: big)
            #expect(tooLarge.status == .contentTooLarge && tooLarge.errorCode == "payload_too_large")
        }
    }
}
