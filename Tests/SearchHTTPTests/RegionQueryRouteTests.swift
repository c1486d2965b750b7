import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SearchEngine
import SearchHTTP
import SearchTesting
import Testing

/// Issue #19 item 6 over HTTP: `box=x,y,w,h` crops the uploaded query image (form field or query
/// parameter); a malformed, out-of-range or empty box, or one without an image, is 400 naming `box`.
@Suite struct RegionQueryRouteTests {
    static func post(_ client: some TestClientProtocol, image: [UInt8], box: String?, inURL: Bool = false) async throws -> TestResponse {
        var form = MultipartBody()
        form.file("image", fileName: "orange.jpg", type: "image/jpeg", image)
        form.field("k", "5")
        if let box, !inURL { form.field("box", box) }
        let uri = "/v1/search" + (inURL ? "?box=" + (box ?? "") : "")
        return try await client.execute(uri: uri, method: .post, headers: form.headers, body: form.body)
    }

    @Test func aBoxChangesTheQueryAndTheWholeImageBoxChangesNothing() async throws {
        let service = try HTTPFixtures.service(try HTTPFixtures.sharedIndex.get())
        let photo = try HTTPFixtures.sampleBytes("fruits.jpg")
        try await HTTPFixtures.app(service).test(.router) { client in
            let plain = try await Self.post(client, image: photo, box: nil).json(SearchResponse.self).results
            let whole = try await Self.post(client, image: photo, box: "0,0,1,1").json(SearchResponse.self).results
            #expect(!plain.isEmpty && whole == plain)
            let corner = try await Self.post(client, image: photo, box: "0,0,0.3,0.3")
            #expect(corner.status == .ok, "\(corner.text)")
            let cornerResults = try corner.json(SearchResponse.self).results
            #expect(cornerResults.map(\.score) != plain.map(\.score))
            // The same box as a query parameter.
            let inURL = try await Self.post(client, image: photo, box: "0,0,0.3,0.3", inURL: true).json(SearchResponse.self).results
            #expect(inURL == cornerResults)
        }
    }

    @Test func aBadBoxIs400NamingBoxAndTheReason() async throws {
        let service = try HTTPFixtures.service(try HTTPFixtures.sharedIndex.get())
        let photo = try HTTPFixtures.sampleBytes("orange.jpg")
        try await HTTPFixtures.app(service).test(.router) { client in
            for (box, reason) in [("0,0,1", "x,y,w,h"), ("a,b,c,d", "numbers"), ("0.5,0.5,0.6,0.2", "outside"),
                                  ("0.2,0.2,0,0.5", "empty"), ("-0.1,0,0.5,0.5", "≥ 0"), ("nan,0,0.5,0.5", "finite")] {
                let response = try await Self.post(client, image: photo, box: box)
                #expect(response.status == .badRequest, "\(box): \(response.text)")
                #expect(response.errorCode == "invalid_parameter")
                #expect(response.text.contains("box") && response.text.contains(reason), "\(box): \(response.text)")
            }
            let noImage = try await client.execute(uri: "/v1/search?q=apple&box=0,0,0.5,0.5", method: .get)
            #expect(noImage.status == .badRequest && noImage.errorCode == "invalid_parameter" && noImage.text.contains("box"))
        }
    }
}
