import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SearchEngine
import SearchHTTP
import SearchTesting
import Testing

/// The query contract shared by the CLI and the HTTP service: the same query gives the same
/// ``SearchHit``s field for field both ways; "more like this" by item id (and moment); fusion weights
/// and the RRF constant as parameters; errors that name no server path.
@Suite struct QueryContractTests {
    /// `vsearch search --json` and `GET /v1/search` on the same index: identical results, every field
    /// (the timing field of the HTTP envelope aside). Text, item, and item + text with weights.
    @Test func cliAndHTTPAgreeFieldForField() async throws {
        let index = try HTTPFixtures.sharedIndex.get()
        let service = try HTTPFixtures.service(index)
        let video = try #require(try IndexSnapshot(index: index).catalog.items(keys: Array(1...16)).values.first { $0.kind == .video })
        let cases: [(cli: [String], url: String)] = [
            (["--text", "bunny video", "--k", "4"], "/v1/search?q=bunny+video&k=4"),
            (["--item", video.id, "--k", "3"], "/v1/search?item=\(video.id)&k=3"),
            (["--item", video.id, "--at", "2.5", "--k", "3"], "/v1/search?item=\(video.id)&t=2.5&k=3"),
            (["--item", video.id, "--text", "butterfly", "--k", "5", "--visual-weight", "0.5", "--bm25-weight", "2",
              "--semantic-weight", "0", "--rrf-k", "10"],
             "/v1/search?item=\(video.id)&q=butterfly&k=5&visual_weight=0.5&bm25_weight=2&semantic_weight=0&rrf_k=10"),
            (["--text", "bunny video", "--k", "4", "--min-similarity", "0.1", "--collapse"],
             "/v1/search?q=bunny+video&k=4&min_similarity=0.1&collapse=near_duplicates"),
            (["--item", video.id, "--k", "3", "--filter=-kind=video,title~apple|butterfly|smarties"],
             "/v1/search?item=\(video.id)&k=3&filter=-kind%3Dvideo%2Ctitle~apple%7Cbutterfly%7Csmarties"),
        ]
        var modelEnvironment = ProcessInfo.processInfo.environment
        if modelEnvironment["VSEARCH_MODELS"] == nil { modelEnvironment["VSEARCH_MODELS"] = HTTPFixtures.root + "/assets/models" }
        let environment = modelEnvironment
        try await HTTPFixtures.app(service).test(.router) { client in
            for (arguments, url) in cases {
                let run = try CommandLineRunner.vsearch(["search", "--index", index.path, "--json"] + arguments, environment: environment)
                #expect(run.status == 0, "\(arguments): \(run.stderr)")
                let fromCLI = try run.lines.map { try JSONDecoder().decode(SearchHit.self, from: Data($0.utf8)) }
                let response = try await client.execute(uri: url, method: .get)
                #expect(response.status == .ok, "\(url)")
                let fromHTTP = try response.json(SearchResponse.self).results
                #expect(!fromCLI.isEmpty)
                #expect(fromCLI == fromHTTP, "\(arguments)")
                // Not only decoded alike: the same JSON text, key for key.
                let httpLines = try fromHTTP.map { try ResultJSON.line($0) }
                #expect(run.lines == httpLines, "\(arguments)")
            }
        }
    }

    /// Paging from the CLI (`--cursor ""`, then the printed cursor) gives the HTTP pages, and the cursors
    /// are the same: one issued by either side fetches the next page on the other.
    @Test func cliPagingMatchesHTTPPaging() async throws {
        let index = try HTTPFixtures.sharedIndex.get()
        let service = try HTTPFixtures.service(index)
        var environment = ProcessInfo.processInfo.environment
        if environment["VSEARCH_MODELS"] == nil { environment["VSEARCH_MODELS"] = HTTPFixtures.root + "/assets/models" }
        let env = environment
        try await HTTPFixtures.app(service).test(.router) { client in
            let first = try CommandLineRunner.vsearch(["search", "--index", index.path, "--json", "--text", "bunny photo", "--k", "2", "--cursor", ""],
                                                      environment: env)
            #expect(first.status == 0, "\(first.stderr)")
            // Hits, then one last line with the cursor only.
            let last = try #require(first.lines.last)
            struct Cursor: Decodable { var next_cursor: String? }
            let cursor = try #require(try JSONDecoder().decode(Cursor.self, from: Data(last.utf8)).next_cursor)
            #expect(last == #"{"next_cursor":"\#(cursor)"}"#)
            let http = try await client.execute(uri: "/v1/search?q=bunny+photo&k=2", method: .get).json(SearchResponse.self)
            #expect(try first.lines.dropLast().map { try JSONDecoder().decode(SearchHit.self, from: Data($0.utf8)) } == http.results)
            #expect(http.nextCursor == cursor)
            let second = try CommandLineRunner.vsearch(["search", "--index", index.path, "--json", "--text", "bunny photo", "--k", "2", "--cursor", cursor],
                                                       environment: env)
            let page2 = try await client.execute(uri: "/v1/search?q=bunny+photo&k=2&cursor=\(cursor)", method: .get).json(SearchResponse.self)
            #expect(try second.lines.dropLast().map { try JSONDecoder().decode(SearchHit.self, from: Data($0.utf8)) } == page2.results)
            #expect(page2.results.first?.rank == 3)
            // Without --cursor the output is unchanged: hits only.
            let plain = try CommandLineRunner.vsearch(["search", "--index", index.path, "--json", "--text", "bunny photo", "--k", "2"], environment: env)
            #expect(plain.lines.count == 2 && !plain.stdout.contains("next_cursor"))
        }
    }

    /// "More like this": an indexed photo's stored vector finds photos, never itself; a video's frame at a
    /// moment; unknown ids are 404; `t` without `item` is 400.
    @Test func moreLikeThisByItemOverHTTP() async throws {
        let index = try HTTPFixtures.sharedIndex.get()
        let service = try HTTPFixtures.service(index)
        let catalog = try IndexSnapshot(index: index).catalog
        let apple = try #require(try catalog.items(keys: Array(1...16)).values.first { $0.source.hasSuffix("/apple.jpg") })
        try await HTTPFixtures.app(service).test(.router) { client in
            let answer = try await client.execute(uri: "/v1/search?item=\(apple.id)&k=4", method: .get).json(SearchResponse.self)
            #expect(answer.query == "item")
            #expect(answer.results.count == 4)  // three other photos and the video
            #expect(!answer.results.contains { $0.id == apple.id })
            #expect(answer.results.allSatisfy { $0.sources == ["visual": 1 + $0.rank - 1] && $0.scores["visual"] == $0.score })
            // The same in a multipart form.
            var form = MultipartBody()
            form.field("item", apple.id)
            form.field("k", "4")
            let posted = try await client.execute(uri: "/v1/search", method: .post, headers: form.headers, body: form.body)
            #expect(try posted.json(SearchResponse.self).results.map(\.id) == answer.results.map(\.id))

            let missing = try await client.execute(uri: "/v1/search?item=no-such-item", method: .get)
            #expect(missing.status == .notFound)
            #expect(missing.errorCode == "item_not_found")
            let stray = try await client.execute(uri: "/v1/search?q=apple&t=3", method: .get)
            #expect(stray.status == .badRequest)
            let badWeight = try await client.execute(uri: "/v1/search?q=apple&bm25_weight=-1", method: .get)
            #expect(badWeight.status == .badRequest)
            #expect(badWeight.errorCode == "invalid_parameter")
        }
    }

    /// Weights change the fused order: with the semantic and concepts weights at 0 the BM25 ranking decides alone.
    @Test func fusionWeightsAreHonoured() async throws {
        let service = try HTTPFixtures.service(try HTTPFixtures.sharedIndex.get())
        try await HTTPFixtures.app(service).test(.router) { client in
            let lexical = try await client.execute(uri: "/v1/search?q=bunny+butterfly&k=5&semantic_weight=0&concepts_weight=0", method: .get)
                .json(SearchResponse.self).results
            let ranked = lexical.filter { $0.sources["bm25"] != nil }
            #expect(!ranked.isEmpty)
            #expect(ranked.map { $0.sources["bm25"]! } == Array(1...ranked.count))
            #expect(ranked.allSatisfy { abs($0.score - 1 / (60 + Double($0.sources["bm25"]!))) < 1e-12 })
            let flat = try await client.execute(uri: "/v1/search?q=bunny&k=3&rrf_k=0&semantic_weight=0&concepts_weight=0", method: .get)
                .json(SearchResponse.self).results
            #expect(flat.first.map { abs($0.score - 1) < 1e-12 } == true)  // 1 / (0 + rank 1)
        }
    }

    /// A failure inside the server answers a generic 500: no file path, no SQL; the detail goes to the log.
    @Test func internalErrorsNameNoPathOrSQL() throws {
        struct Leaky: Error, CustomStringConvertible {
            var description: String { "/srv/index/versions/000001/catalog.sqlite: SQLite error 1: near \"SELECT\": syntax error (in: SELECT * FROM items)" }
        }
        for error in [Leaky() as any Error,
                      SearchEngineError(.corruptIndex, "/srv/index/versions/000001/visual", "checksum mismatch"),
                      SearchEngineError(.io, "/srv/index", "cannot write", cause: Leaky())] {
            let mapped = APIError.mapping(error)
            #expect(mapped.status == .internalServerError)
            #expect(!mapped.message.contains("/srv") && !mapped.message.contains("SELECT"))
            #expect(mapped.logDetail?.contains("/srv") == true)
        }
        let notFound = APIError.mapping(SearchEngineError(.itemNotFound, "cat-1", "no item with this id"))
        #expect(notFound.status == .notFound && notFound.code == "item_not_found")
    }
}
