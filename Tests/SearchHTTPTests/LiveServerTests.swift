import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SearchEngine
import SearchHTTP
import Testing

/// The real server on a loopback port, asked by a real HTTP client (AsyncHTTPClient): HTTP/1.1 over TCP,
/// the same routes.
@Suite struct LiveServerTests {
    /// Generous on purpose: the whole suite shares two cores, and a debug-build image search among dozens of
    /// concurrent tests can take far longer than it does alone (HummingbirdTesting's fixed 20 s was exceeded).
    private static let deadline = TimeAmount.seconds(180)

    private func send(_ port: Int, _ uri: String, method: HTTPMethod = .GET, contentType: String? = nil,
                      body: [UInt8]? = nil) async throws -> (status: HTTPResponseStatus, body: Data) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(uri)")
        request.method = method
        if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
        if let body { request.body = .bytes(body) }
        let response = try await HTTPClient.shared.execute(request, deadline: .now() + Self.deadline)
        let bytes = try await response.body.collect(upTo: 16 << 20)
        return (response.status, Data(bytes.readableBytesView))
    }

    @Test func servesSearchesOverLoopback() async throws {
        let service = try HTTPFixtures.service(try HTTPFixtures.sharedIndex.get()) { $0.maxUploadBytes = 1 << 20 }
        let server = try await LiveServer.start(service)
        do {
            #expect(try await send(server.port, "/healthz").status == .ok)
            var form = MultipartBody()
            form.file("image", fileName: "butterfly.jpg", type: "image/jpeg", try HTTPFixtures.sampleBytes("butterfly.jpg"))
            form.field("text", "butterfly")
            let search = try await send(server.port, "/v1/search", method: .POST, contentType: form.contentType,
                                        body: Array(form.body.readableBytesView))
            #expect(search.status == .ok)
            let answer = try JSONDecoder().decode(SearchResponse.self, from: search.body)
            #expect(answer.query == "image+text")
            #expect(answer.results.first?.path.hasSuffix("/butterfly.jpg") == true)
            let text = try await send(server.port, "/v1/search?q=apple&k=2")
            #expect(try JSONDecoder().decode(SearchResponse.self, from: text.body).results.first?.title == "apple")
            // Over the limit on a real connection: refused with 413 from the declared length, while the
            // client is still sending.
            let tooLarge = try await send(server.port, "/v1/search", method: .POST, contentType: "image/jpeg",
                                          body: [UInt8](repeating: 0xFF, count: (1 << 20) + 1))
            #expect(tooLarge.status == .payloadTooLarge)
            let error = try JSONSerialization.jsonObject(with: tooLarge.body) as? [String: Any]
            #expect((error?["error"] as? [String: Any])?["code"] as? String == "payload_too_large")
        } catch {
            try await server.stop()
            throw error
        }
        try await server.stop()
    }
}
