import Embedding
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import SearchEngine
import SearchHTTP
import SearchTesting

/// Models, tiny real indexes and request helpers for the HTTP tests.
enum HTTPFixtures {
    static let root = TextFixtures.repositoryRoot.path

    /// Real photos committed in `assets/samples/` (Debian opencv-doc; see its README).
    static func sample(_ name: String) -> String { "\(root)/assets/samples/\(name)" }
    static func sampleBytes(_ name: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: sample(name)))) }
    /// The real video cut of the VideoFrames tests (Big Buck Bunny, CC BY 3.0; see its README).
    static let video = "\(root)/Tests/VideoFramesTests/Fixtures/bbb-4s.mp4"

    static let indexedPhotos = ["apple.jpg", "baboon.jpg", "butterfly.jpg", "smarties.png"]

    /// Both models, loaded once for all tests.
    static let models: Result<(image: ImageEncoder, text: TextEncoder), any Error> = Result {
        let env = ProcessInfo.processInfo.environment
        let files = env[ModelFiles.environmentVariable].map(ModelFiles.init(directory:)) ?? ModelFiles(directory: "\(root)/assets/models")
        return (try ImageEncoder(files: files, threads: 1), try TextEncoder(modelDirectory: TextFixtures.miniLMDirectory))
    }

    /// Builds a real index (four photos and a video) in a fresh folder: `vsearch build`'s pipeline.
    static func buildIndex(in scratch: TemporaryDirectory) throws -> IndexDirectory {
        let folder = scratch.file("media-in")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for name in indexedPhotos { try FileManager.default.copyItem(atPath: sample(name), toPath: folder + "/" + name) }
        try FileManager.default.copyItem(atPath: video, toPath: folder + "/bbb-4s.mp4")
        let index = IndexDirectory(path: scratch.file("index"))
        let (image, text) = try models.get()
        let builder = IndexBuilder(index: index, imageEncoder: image, textEncoder: text, options: BuildOptions(batchSize: 8, threads: 2))
        _ = try builder.build(entries: try BuildInput.entries(input: folder).entries, inputDescription: folder)
        return index
    }

    /// One shared read-only index for the tests that do not write. It lives as long as the test process
    /// (nothing runs after the last test to remove it), so folders left by earlier, finished test
    /// processes are removed here first.
    static let sharedIndex: Result<IndexDirectory, any Error> = Result {
        removeFoldersOfFinishedRuns(prefix: "vs-http-shared-")
        return try buildIndex(in: try TemporaryDirectory("vs-http-shared"))
    }

    /// Deletes `<tmp>/<prefix><pid>-…` folders whose process is gone.
    static func removeFoldersOfFinishedRuns(prefix: String) {
        let base = FileManager.default.temporaryDirectory.path
        for name in (try? FileManager.default.contentsOfDirectory(atPath: base)) ?? [] where name.hasPrefix(prefix) {
            guard let pid = Int32(name.dropFirst(prefix.count).prefix { $0 != "-" }), pid != getpid(),
                  kill(pid, 0) != 0, errno == ESRCH else { continue }
            try? FileManager.default.removeItem(atPath: base + "/" + name)
        }
    }

    /// The request timeout of tests that are not about timeouts: longer than a whole loaded test run.
    static let generousTimeout = Duration.seconds(900)

    static func service(_ index: IndexDirectory, _ configure: (inout ServerConfiguration) -> Void = { _ in }) throws -> SearchService {
        var configuration = ServerConfiguration(port: 0, refreshInterval: .zero)
        // The suite runs many tests at once on a 2-core machine, and its synchronous tests (fixture builds,
        // embeddings) can hold both cooperative threads for minutes: a query measured by the wall clock can
        // then take longer than any production budget (120 s once timed out in CI). Tests check answers, not
        // timing; those about timeouts set their own.
        configuration.requestTimeout = generousTimeout
        configure(&configuration)
        let (image, text) = try models.get()
        var logger = Logger(label: "vsearch.http.test")
        logger.logLevel = .warning
        let service = SearchService(index: index, imageEncoder: image, textEncoder: text, configuration: configuration, logger: logger)
        service.openIndex()
        return service
    }

    static func app(_ service: SearchService) -> some ApplicationProtocol {
        var logger = Logger(label: "vsearch.http.test")
        logger.logLevel = .warning
        return SearchApplication.make(service: service, logger: logger)
    }
}

/// A `multipart/form-data` body built by hand, as a browser or curl sends it.
struct MultipartBody {
    let boundary = "vsearch-test-boundary-7MA4YWxkTrZu0gW"
    private(set) var bytes: [UInt8] = []

    mutating func field(_ name: String, _ value: String) { field(name, Array(value.utf8)) }

    mutating func field(_ name: String, _ value: [UInt8]) {
        bytes += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n".utf8) + value + Array("\r\n".utf8)
    }

    mutating func file(_ name: String, fileName: String, type: String, _ content: [UInt8]) {
        bytes += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"; filename=\"\(fileName)\"\r\nContent-Type: \(type)\r\n\r\n".utf8)
        bytes += content + Array("\r\n".utf8)
    }

    var body: ByteBuffer { ByteBuffer(bytes: bytes + Array("--\(boundary)--\r\n".utf8)) }
    var contentType: String { "multipart/form-data; boundary=\(boundary)" }
    var headers: HTTPFields { [.contentType: contentType] }

    func headers(token: String) -> HTTPFields {
        var h = headers
        h[.authorization] = "Bearer \(token)"
        return h
    }
}

extension TestResponse {
    func json<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(body.readableBytesView))
    }

    /// `error.code` of a JSON error body.
    var errorCode: String? {
        struct Body: Decodable { struct Inner: Decodable { var code: String; var message: String }; var error: Inner }
        return try? JSONDecoder().decode(Body.self, from: Data(body.readableBytesView)).error.code
    }

    var text: String { String(buffer: body) }
}
