import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SearchEngine
import SearchHTTP
import SearchTesting
import Testing

/// Adding and removing items over HTTP, and who may.
@Suite struct WriteRouteTests {
    static let token = "s3cret-token-for-tests"

    private func expectError(_ response: TestResponse, _ status: HTTPResponse.Status, _ code: String,
                             sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(response.status == status, "\(response.text)", sourceLocation: sourceLocation)
        #expect(response.errorCode == code, "\(response.text)", sourceLocation: sourceLocation)
    }

    @Test func writesNeedTheToken() async throws {
        let index = try HTTPFixtures.sharedIndex.get()
        var orangeForm = MultipartBody()
        orangeForm.file("file", fileName: "orange.jpg", type: "image/jpeg", try HTTPFixtures.sampleBytes("orange.jpg"))
        let form = orangeForm
        // No token configured: every write is refused, whatever the client sends.
        let closed = try HTTPFixtures.service(index)
        try await HTTPFixtures.app(closed).test(.router) { client in
            expectError(try await client.execute(uri: "/v1/items", method: .post, headers: form.headers(token: Self.token), body: form.body),
                        .unauthorized, "writes_disabled")
            expectError(try await client.execute(uri: "/v1/items/anything", method: .delete, headers: [.authorization: "Bearer \(Self.token)"]),
                        .unauthorized, "writes_disabled")
        }
        // A token configured: missing, wrong, truncated, extended or non-Bearer credentials get 401.
        let open = try HTTPFixtures.service(index) { $0.apiToken = APIToken(Self.token) }
        try await HTTPFixtures.app(open).test(.router) { client in
            let response = try await client.execute(uri: "/v1/items", method: .post, headers: form.headers, body: form.body)
            expectError(response, .unauthorized, "unauthorized")
            #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
            for credentials in ["Bearer wrong", "Bearer " + Self.token.dropLast(), "Bearer \(Self.token)x", "Basic \(Self.token)", Self.token, "Bearer"] {
                var headers = form.headers
                headers[.authorization] = credentials
                expectError(try await client.execute(uri: "/v1/items", method: .post, headers: headers, body: form.body), .unauthorized, "unauthorized")
                expectError(try await client.execute(uri: "/v1/items/some-id", method: .delete, headers: [.authorization: credentials]),
                            .unauthorized, "unauthorized")
            }
            // Reads stay open.
            #expect(try await client.execute(uri: "/v1/search?q=apple", method: .get).status == .ok)
        }
        // Nothing was written.
        #expect(!FileManager.default.fileExists(atPath: index.path + "/media"))
    }

    /// Add a photo → it is searchable by image and text at once, readable, its thumbnail served; the same
    /// content or id again → 409; delete → 404 afterwards and gone from the results and from disk.
    @Test func addSearchDelete() async throws {
        let scratch = try TemporaryDirectory("vs-http-write")
        defer { scratch.remove() }
        let index = try HTTPFixtures.buildIndex(in: scratch)
        let service = try HTTPFixtures.service(index) { $0.apiToken = APIToken(Self.token) }
        let orange = try HTTPFixtures.sampleBytes("orange.jpg")
        try await HTTPFixtures.app(service).test(.router) { client in
            var form = MultipartBody()
            form.file("file", fileName: "../../etc/evil name.jpg", type: "image/jpeg", orange)
            form.field("id", "orange-1")
            form.field("title", "A fresh orange")
            form.field("description", "citrus fruit on a table")
            form.field("tags", "fruit, citrus")
            let added = try await client.execute(uri: "/v1/items", method: .post, headers: form.headers(token: Self.token), body: form.body)
            #expect(added.status == .created, "\(added.text)")
            #expect(added.headers[.location] == "/v1/items/orange-1")
            let item = try added.json(ItemDTO.self)
            #expect(item.id == "orange-1" && item.kind == "image" && item.title == "A fresh orange")
            #expect(item.tags == ["fruit", "citrus"])
            // Stored under DIR/media by content hash, never under the client's name.
            #expect(item.path.hasPrefix(index.path + "/media/") && item.path.hasSuffix(".jpg"))
            #expect(!item.path.contains("evil"))
            #expect(FileManager.default.fileExists(atPath: item.path))
            let hash = try #require(item.contentHash)
            #expect(item.path == index.path + "/media/\(hash).jpg")

            let byImage = try await client.execute(uri: "/v1/search?k=1", method: .post, headers: [.contentType: "image/jpeg"], body: ByteBuffer(bytes: orange))
            #expect(try byImage.json(SearchResponse.self).results.first?.id == "orange-1")
            let byText = try await client.execute(uri: "/v1/search?q=fresh+orange&k=1", method: .get)
            #expect(try byText.json(SearchResponse.self).results.first?.id == "orange-1")
            #expect(try await client.execute(uri: "/v1/items/orange-1", method: .get).json(ItemDTO.self) == item)
            #expect(try await client.execute(uri: "/v1/items/orange-1/thumbnail", method: .get).status == .ok)

            // The same bytes again (another id), or the same id with other bytes: conflicts.
            var again = MultipartBody()
            again.file("file", fileName: "copy.jpg", type: "image/jpeg", orange)
            expectError(try await client.execute(uri: "/v1/items", method: .post, headers: again.headers(token: Self.token), body: again.body), .conflict, "duplicate")
            var sameID = MultipartBody()
            sameID.file("file", fileName: "squirrel.jpg", type: "image/jpeg", try HTTPFixtures.sampleBytes("squirrel_cls.jpg"))
            sameID.field("id", "orange-1")
            expectError(try await client.execute(uri: "/v1/items", method: .post, headers: sameID.headers(token: Self.token), body: sameID.body), .conflict, "id_conflict")
            // Bad ids and media that is not an image or video.
            var badID = MultipartBody()
            badID.file("file", fileName: "squirrel.jpg", type: "image/jpeg", try HTTPFixtures.sampleBytes("squirrel_cls.jpg"))
            badID.field("id", "../x")
            expectError(try await client.execute(uri: "/v1/items", method: .post, headers: badID.headers(token: Self.token), body: badID.body), .badRequest, "invalid_parameter")
            var text = MultipartBody()
            text.file("file", fileName: "notes.txt", type: "text/plain", Array("just some words, no media\n".utf8))
            expectError(try await client.execute(uri: "/v1/items", method: .post, headers: text.headers(token: Self.token), body: text.body),
                        .unsupportedMediaType, "unsupported_media_type")
            var broken = MultipartBody()
            let jpeg = try HTTPFixtures.sampleBytes("messi5.jpg")
            broken.file("file", fileName: "broken.jpg", type: "image/jpeg", Array(jpeg.prefix(jpeg.count / 4)))
            expectError(try await client.execute(uri: "/v1/items", method: .post, headers: broken.headers(token: Self.token), body: broken.body),
                        .badRequest, "undecodable_media")
            var noFile = MultipartBody()
            noFile.field("title", "nothing attached")
            expectError(try await client.execute(uri: "/v1/items", method: .post, headers: noFile.headers(token: Self.token), body: noFile.body), .badRequest, "bad_request")
            // Refused uploads leave no files behind: only the orange is stored.
            #expect(try FileManager.default.contentsOfDirectory(atPath: index.path + "/media") == ["\(hash).jpg"])

            // The original gone from disk: its thumbnail is 404 media_unavailable (not a 500).
            try FileManager.default.removeItem(atPath: item.path)
            expectError(try await client.execute(uri: "/v1/items/orange-1/thumbnail?size=100", method: .get), .notFound, "media_unavailable")

            let deleted = try await client.execute(uri: "/v1/items/orange-1", method: .delete, headers: [.authorization: "Bearer \(Self.token)"])
            #expect(deleted.status == .noContent)
            expectError(try await client.execute(uri: "/v1/items/orange-1", method: .get), .notFound, "item_not_found")
            expectError(try await client.execute(uri: "/v1/items/orange-1", method: .delete, headers: [.authorization: "Bearer \(Self.token)"]), .notFound, "item_not_found")
            let after = try await client.execute(uri: "/v1/search?k=10", method: .post, headers: [.contentType: "image/jpeg"], body: ByteBuffer(bytes: orange))
            #expect(try after.json(SearchResponse.self).results.allSatisfy { $0.id != "orange-1" })
            #expect(!FileManager.default.fileExists(atPath: item.path))
        }
    }

    /// A change made beside the server (here `IndexMaintenance.add`, what `vsearch add` runs in another
    /// process) is seen by the next search, and searches keep answering while writes run.
    @Test func changesByOthersAreSeenAndSearchesRunDuringWrites() async throws {
        let scratch = try TemporaryDirectory("vs-http-external")
        defer { scratch.remove() }
        let index = try HTTPFixtures.buildIndex(in: scratch)
        let service = try HTTPFixtures.service(index) { $0.apiToken = APIToken(Self.token) }
        let (imageEncoder, textEncoder) = try HTTPFixtures.models.get()
        try await HTTPFixtures.app(service).test(.router) { client in
            let before = try await client.execute(uri: "/v1/search?q=squirrel&k=1", method: .get).json(SearchResponse.self)
            #expect(before.results.first?.title != "squirrel_cls")
            let copy = scratch.file("squirrel_cls.jpg")
            try FileManager.default.copyItem(atPath: HTTPFixtures.sample("squirrel_cls.jpg"), toPath: copy)
            let summary = try IndexMaintenance.add([BuildEntry(path: copy, id: "squirrel")], to: index, imageEncoder: imageEncoder, textEncoder: textEncoder)
            #expect(summary.indexed == 1)
            // The search that notices the change starts a reopen in the background and answers from the
            // current snapshot meanwhile: the change is visible as soon as the new snapshot is swapped in.
            let squirrel = try HTTPFixtures.sampleBytes("squirrel_cls.jpg")
            var seen = false
            for _ in 0..<200 where !seen {
                let after = try await client.execute(uri: "/v1/search?k=1", method: .post, headers: [.contentType: "image/jpeg"],
                                                     body: ByteBuffer(bytes: squirrel))
                seen = try after.json(SearchResponse.self).results.first?.id == "squirrel"
                if !seen { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(seen, "the change by another process was never seen")

            // Writes and searches at once: every search answers 200 with results.
            try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for (i, name) in ["chicky_512.png", "building.jpg", "starry_night.jpg"].enumerated() {
                    group.addTask {
                        var form = MultipartBody()
                        form.file("file", fileName: name, type: name.hasSuffix(".png") ? "image/png" : "image/jpeg", try HTTPFixtures.sampleBytes(name))
                        form.field("id", "added-\(i)")
                        return try await client.execute(uri: "/v1/items", method: .post, headers: form.headers(token: Self.token), body: form.body).status
                    }
                }
                for _ in 0..<6 {
                    group.addTask {
                        let response = try await client.execute(uri: "/v1/search?k=3", method: .post, headers: [.contentType: "image/jpeg"],
                                                                body: ByteBuffer(bytes: try HTTPFixtures.sampleBytes("apple.jpg")))
                        #expect(try response.json(SearchResponse.self).results.first?.path.hasSuffix("/apple.jpg") == true)
                        return response.status
                    }
                }
                var statuses: [HTTPResponse.Status] = []
                for try await status in group { statuses.append(status) }
                #expect(statuses.filter { $0 == .created }.count == 3)
                #expect(statuses.filter { $0 == .ok }.count == 6)
            }
            for i in 0..<3 {
                #expect(try await client.execute(uri: "/v1/items/added-\(i)", method: .get).status == .ok)
            }
        }
    }
}
