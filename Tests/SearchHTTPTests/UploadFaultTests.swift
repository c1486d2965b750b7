#if canImport(Glibc)
import Glibc
#endif
import Foundation
import SearchEngine
import SearchTesting
import Testing

/// `POST /v1/items` on a real `vsearch serve` process, killed (`VSEARCH_CRASH_POINT`: SIGKILL, no cleanup)
/// between the upload's durable steps, or failing after its commit (`VSEARCH_FAIL_POINT`): after a restart
/// the index opens, an acknowledged add is there with its media, an unacknowledged one is either wholly
/// there or wholly absent, and a retry ends in a definite answer.
@Suite(.serialized) struct UploadFaultTests {
    /// Killed after the upload was stored, before the ingest: not acknowledged, not indexed; a retry adds it.
    @Test func killedAfterStoringTheUploadLeavesNothingIndexed() async throws {
        let scratch = try TemporaryDirectory("vs-upload-crash")
        defer { scratch.remove() }
        let index = try HTTPFixtures.buildIndex(in: scratch)
        let crashed = try ServerProcess(index: index.path, environment: ["VSEARCH_CRASH_POINT": "upload.media-stored"])
        #expect(await Self.upload(port: crashed.port, id: "orange-1") == nil, "no answer from a killed server")
        #expect(crashed.waitForExit() == SIGKILL)

        let server = try ServerProcess(index: index.path)
        defer { server.stop() }
        #expect(try await RawHTTP.exchange(port: server.port, head: Self.get("/readyz")).status == 200)
        #expect(try await RawHTTP.exchange(port: server.port, head: Self.get("/v1/items/orange-1")).status == 404)
        #expect(await Self.upload(port: server.port, id: "orange-1") == 201, "the retry adds it")
        #expect(try await RawHTTP.exchange(port: server.port, head: Self.get("/v1/items/orange-1/thumbnail?size=64")).status == 200)
    }

    /// Killed after the ingest committed, before the answer: the item is wholly there (row, vector, media),
    /// and a retry is told it is a duplicate — never a half-written item, never a lost original.
    @Test func killedAfterTheCommitKeepsTheWholeItem() async throws {
        let scratch = try TemporaryDirectory("vs-upload-crash")
        defer { scratch.remove() }
        let index = try HTTPFixtures.buildIndex(in: scratch)
        let crashed = try ServerProcess(index: index.path, environment: ["VSEARCH_CRASH_POINT": "upload.committed"])
        #expect(await Self.upload(port: crashed.port, id: "orange-1") == nil)
        #expect(crashed.waitForExit() == SIGKILL)

        let server = try ServerProcess(index: index.path)
        defer { server.stop() }
        #expect(try await RawHTTP.exchange(port: server.port, head: Self.get("/v1/items/orange-1")).status == 200)
        #expect(try await RawHTTP.exchange(port: server.port, head: Self.get("/v1/items/orange-1/thumbnail?size=64")).status == 200)
        #expect(await Self.upload(port: server.port, id: "orange-1") == 409)
        let search = try await RawHTTP.exchange(port: server.port, head: Self.get("/v1/search?item=orange-1&k=3"))
        #expect(search.status == 200, "\(search.text.suffix(300))")
    }

    /// Issue #14 item 7: a step after the commit fails (here the totals read afterwards): the add is answered
    /// as done (201) and its stored original is kept — before the fix the upload was deleted under an indexed
    /// item and the retry got 409.
    @Test func aFailureAfterTheCommitKeepsTheUpload() async throws {
        let scratch = try TemporaryDirectory("vs-upload-fail")
        defer { scratch.remove() }
        let index = try HTTPFixtures.buildIndex(in: scratch)
        let server = try ServerProcess(index: index.path, environment: ["VSEARCH_FAIL_POINT": "add.after-commit"])
        defer { server.stop() }
        #expect(await Self.upload(port: server.port, id: "orange-1") == 201)
        #expect(try await RawHTTP.exchange(port: server.port, head: Self.get("/v1/items/orange-1")).status == 200)
        let media = try FileManager.default.contentsOfDirectory(atPath: index.path + "/media")
        #expect(media.count == 1 && media[0].hasSuffix(".jpg"), "\(media)")
        #expect(try await RawHTTP.exchange(port: server.port, head: Self.get("/v1/items/orange-1/thumbnail?size=64")).status == 200)
    }

    static func get(_ path: String) -> String { "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n" }

    /// POSTs the sample orange as item `id`; the status, or nil when the connection ended without an answer.
    static func upload(port: Int, id: String) async -> Int? {
        let boundary = "uploadfaultboundary42"
        var body = Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"id\"\r\n\r\n\(id)\r\n".utf8)
        body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"orange.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n".utf8)
        body += (try? HTTPFixtures.sampleBytes("orange.jpg")) ?? []
        body += Array("\r\n--\(boundary)--\r\n".utf8)
        let head = "POST /v1/items HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(ServerProcess.token)\r\n"
            + "Content-Type: multipart/form-data; boundary=\(boundary)\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        return try? await RawHTTP.exchange(port: port, head: head, chunks: [body]).status
    }
}

/// `vsearch serve --index DIR --port 0` as a child process with a write token, waited on until it prints
/// its port.
final class ServerProcess: @unchecked Sendable {
    static let token = "upload-fault-token"
    let process = Process()
    let port: Int

    init(index: String, environment extra: [String: String] = [:]) throws {
        var environment = ProcessInfo.processInfo.environment
        if environment["VSEARCH_MODELS"] == nil { environment["VSEARCH_MODELS"] = HTTPFixtures.root + "/assets/models" }
        environment["VSEARCH_API_TOKEN"] = Self.token
        environment.merge(extra) { $1 }
        process.executableURL = URL(fileURLWithPath: CommandLineRunner.vsearchPath)
        process.arguments = ["serve", "--index", index, "--port", "0", "--log-level", "error"]
        process.environment = environment
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The first line names the port ("vsearch serve: listening on http://127.0.0.1:PORT").
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let byte = out.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty { break }
            line += byte
        }
        let text = String(decoding: line, as: UTF8.self)
        guard let port = text.split(separator: ":").last.flatMap({ Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }) else {
            process.terminate()
            throw SearchEngineError(.io, "vsearch serve", "did not print its port: \(text)")
        }
        self.port = port
    }

    /// Waits for the process to end; its exit status or, when killed, the signal.
    func waitForExit() -> Int32 {
        process.waitUntilExit()
        return process.terminationStatus
    }

    func stop() {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }
}
