import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SearchEngine
import SearchHTTP
import SearchTesting
import Testing

/// Issue #19 over HTTP: paging (`k`, `next_cursor`, `cursor`), `min_similarity`, `collapse`, the filter
/// grammar, `PATCH /v1/items/{id}` and `GET /v1/items`.
@Suite struct SearchFeatureRouteTests {
    static let token = WriteRouteTests.token

    /// `next_cursor` as raw JSON: a string, or null (present either way).
    static func rawNextCursor(_ response: TestResponse) throws -> Any? {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
        #expect(object.keys.contains("next_cursor"), "next_cursor missing: \(response.text)")
        return object["next_cursor"]
    }

    @Test func pagesFollowTheCursorToANullOne() async throws {
        let service = try HTTPFixtures.service(try HTTPFixtures.sharedIndex.get())
        try await HTTPFixtures.app(service).test(.router) { client in
            let whole = try await client.execute(uri: "/v1/search?q=bunny+photo&k=100", method: .get)
            #expect(try Self.rawNextCursor(whole) is NSNull)
            let all = try whole.json(SearchResponse.self).results
            #expect(all.count >= 3)
            var seen: [SearchHit] = []
            var uri = "/v1/search?q=bunny+photo&k=2"
            for _ in 0..<10 {
                let response = try await client.execute(uri: uri, method: .get)
                #expect(response.status == .ok, "\(response.text)")
                let page = try response.json(SearchResponse.self)
                #expect(page.k == 2)
                seen += page.results
                guard let next = page.nextCursor else { break }
                uri = "/v1/search?q=bunny+photo&k=2&cursor=\(next)"
            }
            #expect(seen == all)
            // The same cursor in a multipart form.
            let first = try await client.execute(uri: "/v1/search?q=bunny+photo&k=2", method: .get).json(SearchResponse.self)
            var form = MultipartBody()
            form.field("text", "bunny photo")
            form.field("k", "2")
            form.field("cursor", try #require(first.nextCursor))
            let posted = try await client.execute(uri: "/v1/search", method: .post, headers: form.headers, body: form.body)
            #expect(try posted.json(SearchResponse.self).results == Array(all[2..<min(4, all.count)]))
            // Another query's cursor, a malformed one: 400 with stable codes.
            let other = try await client.execute(uri: "/v1/search?q=apple&k=2&cursor=\(first.nextCursor!)", method: .get)
            #expect(other.status == .badRequest && other.errorCode == "cursor_mismatch")
            let junk = try await client.execute(uri: "/v1/search?q=apple&k=2&cursor=zzz", method: .get)
            #expect(junk.status == .badRequest && junk.errorCode == "invalid_cursor")
            #expect(!junk.text.contains("/tmp"))
        }
    }

    @Test func cutoffCollapseAndFilterParameters() async throws {
        let service = try HTTPFixtures.service(try HTTPFixtures.sharedIndex.get())
        let orange = try HTTPFixtures.sampleBytes("orange.jpg")
        try await HTTPFixtures.app(service).test(.router) { client in
            for (value, code) in [("2", "invalid_parameter"), ("x", "invalid_parameter")] {
                let response = try await client.execute(uri: "/v1/search?q=apple&min_similarity=\(value)", method: .get)
                #expect(response.status == .badRequest && response.errorCode == code)
            }
            let badCollapse = try await client.execute(uri: "/v1/search?q=apple&collapse=all", method: .get)
            #expect(badCollapse.status == .badRequest && badCollapse.errorCode == "invalid_parameter")
            // An image with a cutoff, as a form field: every visual score at or above it.
            var form = MultipartBody()
            form.file("image", fileName: "orange.jpg", type: "image/jpeg", orange)
            form.field("k", "10")
            form.field("min_similarity", "0.25")
            form.field("collapse", "near_duplicates")
            let answer = try await client.execute(uri: "/v1/search", method: .post, headers: form.headers, body: form.body)
            let results = try answer.json(SearchResponse.self).results
            #expect(!results.isEmpty && results.allSatisfy { $0.score >= 0.25 && $0.duplicates != nil })
            // Without collapse, `duplicates` is left out of the JSON.
            let plain = try await client.execute(uri: "/v1/search?q=apple&k=2", method: .get)
            #expect(!plain.text.contains("duplicates"))
            // The filter grammar; over its bound: 400 naming the limit.
            let filtered = try await client.execute(uri: "/v1/search?q=bunny&k=10&filter=-kind%3Dvideo", method: .get)
            #expect(try filtered.json(SearchResponse.self).results.allSatisfy { $0.kind == "image" })
            let tooMany = "tag%3D" + (1...65).map { "t\($0)" }.joined(separator: "%7C")
            let refused = try await client.execute(uri: "/v1/search?q=bunny&filter=\(tooMany)", method: .get)
            #expect(refused.status == .badRequest && refused.errorCode == "invalid_parameter")
            #expect(refused.text.contains("at most 64"))
        }
    }

    @Test func patchEditsAnItemAndListingPagesThroughItems() async throws {
        let scratch = try TemporaryDirectory("vs-http-patch")
        defer { scratch.remove() }
        let index = try HTTPFixtures.buildIndex(in: scratch)
        let service = try HTTPFixtures.service(index) { $0.apiToken = APIToken(Self.token) }
        try await HTTPFixtures.app(service).test(.router) { client in
            // Listing: pages of two, in order, to a null cursor; a filter.
            var ids: [String] = []
            var uri = "/v1/items?limit=2"
            for _ in 0..<10 {
                let response = try await client.execute(uri: uri, method: .get)
                #expect(response.status == .ok, "\(response.text)")
                let page = try response.json(ItemListPage.self)
                #expect(page.items.count <= 2)
                ids += page.items.map(\.id)
                guard let next = page.nextCursor else { #expect(try Self.rawNextCursor(response) is NSNull); break }
                uri = "/v1/items?limit=2&cursor=\(next)"
            }
            #expect(ids.count == 5 && Set(ids).count == 5)
            let videos = try await client.execute(uri: "/v1/items?filter=kind%3Dvideo", method: .get).json(ItemListPage.self)
            #expect(videos.items.count == 1 && videos.items[0].frames > 0)
            let badLimit = try await client.execute(uri: "/v1/items?limit=0", method: .get)
            #expect(badLimit.status == .badRequest && badLimit.errorCode == "invalid_parameter")

            let apple = try #require(try await client.execute(uri: "/v1/items?filter=title~apple", method: .get).json(ItemListPage.self).items.first)
            let body = ByteBuffer(string: #"{"title":"Quince","tags":["fruit","draft"]}"#)
            let json: HTTPFields = [.contentType: "application/json"]
            // The token is needed.
            let anonymous = try await client.execute(uri: "/v1/items/\(apple.id)", method: .patch, headers: json, body: body)
            #expect(anonymous.status == .unauthorized)
            var headers = json
            headers[.authorization] = "Bearer \(Self.token)"
            let edited = try await client.execute(uri: "/v1/items/\(apple.id)", method: .patch, headers: headers, body: body)
            #expect(edited.status == .ok, "\(edited.text)")
            let dto = try edited.json(ItemDTO.self)
            #expect(dto.title == "Quince" && dto.tags == ["fruit", "draft"] && dto.autoTags == apple.autoTags)
            // Seen by the next search at once, by BM25 and by the tag filter.
            let found = try await client.execute(uri: "/v1/search?q=quince&k=1&semantic_weight=0", method: .get).json(SearchResponse.self)
            #expect(found.results.first?.id == apple.id)
            let drafts = try await client.execute(uri: "/v1/items?filter=tag%3Ddraft", method: .get).json(ItemListPage.self)
            #expect(drafts.items.map(\.id) == [apple.id])
            // Bad bodies and unknown items.
            for (bad, code) in [(#"{"title":5}"#, "invalid_parameter"), (#"{"colour":"red"}"#, "invalid_parameter"),
                                ("[1]", "bad_request"), ("{}", "bad_request"), ("not json", "bad_request")] {
                let response = try await client.execute(uri: "/v1/items/\(apple.id)", method: .patch, headers: headers, body: ByteBuffer(string: bad))
                #expect(response.status == .badRequest && response.errorCode == code, "\(bad): \(response.text)")
            }
            let missing = try await client.execute(uri: "/v1/items/no-such-item", method: .patch, headers: headers, body: body)
            #expect(missing.status == .notFound && missing.errorCode == "item_not_found")
        }
    }
}
