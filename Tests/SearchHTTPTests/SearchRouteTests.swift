import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SearchEngine
import SearchHTTP
import SearchTesting
import Testing

/// Searching a real index (four photos and a video) through the routes: multipart and raw-body image
/// uploads, text, image + text, and a video frame finding its video at the right moment.
@Suite struct SearchRouteTests {
    @Test func multipartImageUploadFindsThePhotoItself() async throws {
        let service = try HTTPFixtures.service(try HTTPFixtures.sharedIndex.get())
        try await HTTPFixtures.app(service).test(.router) { client in
            for name in ["butterfly.jpg", "smarties.png"] {
                var form = MultipartBody()
                form.file("image", fileName: name, type: name.hasSuffix(".png") ? "image/png" : "image/jpeg", try HTTPFixtures.sampleBytes(name))
                form.field("k", "3")
                let response = try await client.execute(uri: "/v1/search", method: .post, headers: form.headers, body: form.body)
                #expect(response.status == .ok, "\(String(buffer: response.body).prefix(300))")
                let answer = try response.json(SearchResponse.self)
                #expect(answer.query == "image")
                #expect(answer.results.count == 3)
                let top = try #require(answer.results.first)
                #expect(top.path.hasSuffix("/" + name), "query \(name)")
                #expect(top.rank == 1 && top.kind == "image")
                #expect(top.sources == ["visual": 1])
                #expect(top.score > 0.99)  // cosine similarity of an image with itself
                #expect(top.thumbnail == "/v1/items/\(top.id)/thumbnail")
                #expect(answer.results.map(\.score) == answer.results.map(\.score).sorted(by: >))
            }
        }
    }

    @Test func rawImageBodyWithQueryInTheURL() async throws {
        let service = try HTTPFixtures.service(try HTTPFixtures.sharedIndex.get())
        try await HTTPFixtures.app(service).test(.router) { client in
            let response = try await client.execute(uri: "/v1/search?k=2", method: .post, headers: [.contentType: "image/jpeg"],
                                                    body: ByteBuffer(bytes: try HTTPFixtures.sampleBytes("apple.jpg")))
            #expect(response.status == .ok, "\(String(buffer: response.body).prefix(300))")
            let answer = try response.json(SearchResponse.self)
            #expect(answer.results.count == 2)
            #expect(answer.results.first?.path.hasSuffix("/apple.jpg") == true)
            // Image + text in the URL: fused with RRF over the three sources.
            let fused = try await client.execute(uri: "/v1/search?k=3&q=baboon", method: .post, headers: [.contentType: "image/jpeg"],
                                                 body: ByteBuffer(bytes: try HTTPFixtures.sampleBytes("baboon.jpg")))
            let both = try fused.json(SearchResponse.self)
            #expect(both.query == "image+text")
            #expect(both.results.first?.path.hasSuffix("/baboon.jpg") == true)
            #expect(both.results.first?.sources["visual"] == 1)
            #expect(both.results.first?.sources["bm25"] == 1)
        }
    }

    @Test func textSearchByGetAndByMultipartAgreeWithTheLibrary() async throws {
        let index = try HTTPFixtures.sharedIndex.get()
        let service = try HTTPFixtures.service(index)
        let engine = QueryEngine(snapshot: try IndexSnapshot(index: index), models: QueryModels(text: try HTTPFixtures.models.get().text))
        let expected = try engine.hits(for: SearchRequest(text: "bunny video", options: QueryOptions(k: 4))).map(\.id)
        try await HTTPFixtures.app(service).test(.router) { client in
            let response = try await client.execute(uri: "/v1/search?q=bunny+video&k=4", method: .get)
            #expect(response.status == .ok, "\(String(buffer: response.body).prefix(300))")
            let answer = try response.json(SearchResponse.self)
            #expect(answer.query == "text")
            #expect(answer.results.map(\.id) == expected)
            let top = try #require(answer.results.first)
            #expect(top.kind == "video" && top.title == "Big Buck Bunny (excerpt)")
            #expect(top.timestamp == nil && top.moments.isEmpty)  // text matches whole items, as the CLI
            #expect(top.sources["bm25"] == 1)

            var form = MultipartBody()
            form.field("text", "bunny video")
            form.field("k", "4")
            let posted = try await client.execute(uri: "/v1/search", method: .post, headers: form.headers, body: form.body)
            #expect(try posted.json(SearchResponse.self).results.map(\.id) == expected)

            // Filters use the CLI's syntax.
            let images = try await client.execute(uri: "/v1/search?q=bunny&filter=kind%3Dimage&k=10", method: .get)
            #expect(try images.json(SearchResponse.self).results.allSatisfy { $0.kind == "image" })
        }
    }

    /// The video's thumbnail at 2.5 s (a real FFmpeg-decoded frame, JPEG-compressed and resized) used as a
    /// query finds the video, with its best moment near 2.5 s.
    @Test func aVideoFrameFindsItsVideoAtTheMoment() async throws {
        let service = try HTTPFixtures.service(try HTTPFixtures.sharedIndex.get())
        try await HTTPFixtures.app(service).test(.router) { client in
            let text = try await client.execute(uri: "/v1/search?q=bunny&k=1", method: .get).json(SearchResponse.self)
            let video = try #require(text.results.first)
            let thumbnail = try await client.execute(uri: "/v1/items/\(video.id)/thumbnail?size=320&t=2.5", method: .get)
            #expect(thumbnail.status == .ok)
            #expect(thumbnail.headers[.contentType] == "image/jpeg")
            let jpeg = Array(thumbnail.body.readableBytesView)
            #expect(jpeg.starts(with: [0xFF, 0xD8, 0xFF]))

            let response = try await client.execute(uri: "/v1/search?k=3", method: .post, headers: [.contentType: "image/jpeg"],
                                                    body: ByteBuffer(bytes: jpeg))
            let answer = try response.json(SearchResponse.self)
            let top = try #require(answer.results.first)
            #expect(top.id == video.id && top.kind == "video")
            let moment = try #require(top.timestamp)
            #expect(abs(moment - 2.5) <= 1.0, "best moment \(moment)")
            #expect(top.moments.first?.timestamp == moment)
            #expect(top.thumbnail.contains("?t="))
        }
    }

    @Test func itemAndImageThumbnail() async throws {
        let service = try HTTPFixtures.service(try HTTPFixtures.sharedIndex.get())
        try await HTTPFixtures.app(service).test(.router) { client in
            let found = try await client.execute(uri: "/v1/search?q=butterfly&k=1", method: .get).json(SearchResponse.self)
            let hit = try #require(found.results.first)
            let item = try await client.execute(uri: "/v1/items/\(hit.id)", method: .get)
            #expect(item.status == .ok)
            let dto = try item.json(ItemDTO.self)
            #expect(dto.id == hit.id && dto.kind == "image" && dto.title == "butterfly")
            #expect(dto.width != nil && dto.height != nil && dto.frames == 0)
            #expect(!dto.autoTags.isEmpty)
            let thumbnail = try await client.execute(uri: "/v1/items/\(hit.id)/thumbnail?size=64", method: .get)
            #expect(thumbnail.status == .ok)
            let image = try ImageDecoderProbe.size(Array(thumbnail.body.readableBytesView))
            #expect(max(image.width, image.height) == 64)  // fit: the longer side is the size
        }
    }
}
