import Dispatch
import Foundation
import Hummingbird
@testable import SearchHTTP
import SearchTesting
import Testing

@Suite struct APITokenTests {
    @Test func comparesWholeTokens() throws {
        let token = try #require(APIToken("  abc123  "))
        #expect(token.authorizes("Bearer abc123"))
        #expect(token.authorizes("bearer abc123"))
        for bad in [nil, "", "Bearer", "Bearer ", "Bearer abc12", "Bearer abc1234", "Bearer ABC123", "Basic abc123", "abc123", "Bearer \u{0}bc123"] {
            #expect(!token.authorizes(bad), "\(bad ?? "nil")")
        }
        #expect(APIToken("   ") == nil)
        #expect(!"\(token)".contains("abc"))
    }

    /// Issue #14 item 2: the length difference was folded into 8 bits, so the token followed by exactly
    /// 256·n junk bytes was accepted.
    @Test func tokenFollowedBy256TimesNJunkBytesIsRefused() throws {
        let token = try #require(APIToken("abc123"))
        for n in [1, 2, 3, 16] {
            let junk = String(repeating: "x", count: 256 * n)
            #expect(!token.authorizes("Bearer abc123" + junk), "256·\(n) junk bytes")
            #expect(!token.authorizes("Bearer abc12" + junk + "3"), "256·\(n) bytes inside")
        }
        #expect(token.authorizes("Bearer abc123"))
    }

    @Test func loadsFromAFile() throws {
        let scratch = try TemporaryDirectory("vs-token")
        defer { scratch.remove() }
        try Data("tok-en\n".utf8).write(to: URL(fileURLWithPath: scratch.file("t")))
        #expect(try APIToken.load(file: scratch.file("t")).authorizes("Bearer tok-en"))
        try Data("\n".utf8).write(to: URL(fileURLWithPath: scratch.file("empty")))
        #expect(throws: ServeSetupError.self) { try APIToken.load(file: scratch.file("empty")) }
        #expect(throws: ServeSetupError.self) { try APIToken.load(file: scratch.file("missing")) }
    }
}

@Suite struct ParsingTests {
    @Test func queryStrings() {
        let q = QueryString("q=red+car&k=5&x=%E2%9C%93&bad=%FF&cut=%4&empty=&flag")
        #expect(q.first("q") == .some("red car"))
        #expect(q.first("k") == .some("5"))
        #expect(q.first("x") == .some("✓"))
        #expect(q.first("bad") == .some(nil))
        #expect(q.first("cut") == .some(nil))
        #expect(q.first("empty") == .some(""))
        #expect(q.first("flag") == .some(""))
        #expect(q.first("missing") == .none)
    }

    @Test func multipartBoundaryAndDisposition() {
        #expect(MultipartForm.boundary(contentType: "multipart/form-data; boundary=abc") == "abc")
        #expect(MultipartForm.boundary(contentType: #"Multipart/Form-Data; charset=utf-8; boundary="a b""#) == "a b")
        #expect(MultipartForm.boundary(contentType: "multipart/mixed; boundary=abc") == nil)
        #expect(MultipartForm.boundary(contentType: "multipart/form-data") == nil)
        let p = MultipartForm.Builder.parameters(#"form-data; name="image"; filename="my \"cat\".jpg""#)
        #expect(p == ["name": "image", "filename": #"my "cat".jpg"#])
        #expect(MultipartForm.Builder.parameters("form-data; name=k") == ["name": "k"])
    }

    @Test func multipartFedByteByByte() throws {
        var body = MultipartBody()
        body.field("text", "hello")
        body.file("image", fileName: "x.bin", type: "application/octet-stream", [0, 13, 10, 45, 45, 255])
        let builder = MultipartForm.Builder(boundary: body.boundary)
        for byte in body.body.readableBytesView { try builder.feed(ByteBuffer(bytes: [byte])) }
        let form = try builder.finish()
        #expect(form.parts.map(\.name) == ["text", "image"])
        #expect(form.first("image")!.body == [0, 13, 10, 45, 45, 255])
        #expect(form.first("image")?.fileName == "x.bin")
    }

    /// Found by `Fuzz/multipart`: a byte ≥ 0x80 in a part header's *name* made MultipartKit's parser
    /// index its 128-entry table out of range and trap, taking the server down with one request. It is
    /// now a 400-class `APIError`, whole or split across reads; UTF-8 in header values and binary bodies
    /// still parse.
    @Test func nonASCIIByteInAPartHeaderNameIsABadRequestNotACrash() throws {
        let head = Array("preamble--XyZzY\r\nContent-Dispositio".utf8)  // the parser finds a first boundary anywhere
        let tail = Array(": form-data; name=\"q\"\r\n\r\nred\r\n--XyZzY--\r\n".utf8)
        for byte: UInt8 in [0x80, 0xA0, 0xFF] {
            for chunk in [1, 7, 4096] {
                let builder = MultipartForm.Builder(boundary: "XyZzY")
                let body = head + [byte] + tail
                #expect(throws: APIError.self, "byte \(byte), chunks of \(chunk)") {
                    var offset = 0
                    while offset < body.count {
                        try builder.feed(ByteBuffer(bytes: body[offset..<min(body.count, offset + chunk)]))
                        offset += chunk
                    }
                    _ = try builder.finish()
                }
            }
        }
        let builder = MultipartForm.Builder(boundary: "XyZzY")
        try builder.feed(ByteBuffer(bytes: Array("--XyZzY\r\nContent-Disposition: form-data; name=\"image\"; filename=\"na\u{EF}ve.jpg\"\r\n\r\n".utf8)
            + [0xFF, 0xA0, 0x0A, 0xC3] + Array(": x\r\n--XyZzY--\r\n".utf8)))
        let form = try builder.finish()
        #expect(form.first("image")?.fileName == "na\u{EF}ve.jpg")
        #expect(form.first("image")!.body == [0xFF, 0xA0, 0x0A, 0xC3] + Array(": x".utf8))
    }

    /// Found by `Fuzz/multipart` (second finding): `\n--XyZzY--` inside a body is no delimiter for the parser
    /// (no CR before it), but the first guard took it for the closing one and stopped looking, so a later
    /// part's header name with a byte ≥ 0x80 reached the parser and trapped. The guard now follows the
    /// parser's own states.
    @Test func aFakeClosingDelimiterInABodyDoesNotSwitchTheGuardOff() throws {
        let body = Array("--XyZzY\r\nContent-Disposition: form-data; name=\"k\"\r\n\r\n10 and\n--XyZzY--\r\nmore body".utf8)
            + Array("\r\n--XyZzY\r\nContent-Dispo".utf8) + [0xF1] + Array("sition: form-data; name=\"q\"\r\n\r\nred\r\n--XyZzY--\r\n".utf8)
        for chunk in [1, 5, 4096] {
            let builder = MultipartForm.Builder(boundary: "XyZzY")
            #expect(throws: APIError.self, "chunks of \(chunk)") {
                var offset = 0
                while offset < body.count {
                    try builder.feed(ByteBuffer(bytes: body[offset..<min(body.count, offset + chunk)]))
                    offset += chunk
                }
                _ = try builder.finish()
            }
        }
        // The same form without the bad byte parses: the fake delimiter stays part of the body.
        let clean = Array(String(decoding: body.filter { $0 < 0x80 }, as: UTF8.self).utf8)
        let builder = MultipartForm.Builder(boundary: "XyZzY")
        try builder.feed(ByteBuffer(bytes: clean))
        let form = try builder.finish()
        #expect(form.first("k")?.body == Array("10 and\n--XyZzY--\r\nmore body".utf8))
        #expect(form.first("q")?.body == Array("red".utf8))
    }

    /// The crashing input the fuzzer saved (committed as a seed of Fuzz/multipart): refused, no trap.
    @Test func theFuzzersSecondCrashingInputIsRefused() throws {
        let url = URL(fileURLWithPath: HTTPFixtures.root + "/Fuzz/multipart/seeds/crash-fake-closing-delimiter")
        let data = [UInt8](try Data(contentsOf: url))
        let chunk = Int(data[0]) + 1, body = Array(data.dropFirst())
        let builder = MultipartForm.Builder(boundary: "XyZzY")
        do {
            var offset = 0
            while offset < body.count {
                try builder.feed(ByteBuffer(bytes: body[offset..<min(body.count, offset + chunk)]))
                offset += chunk
            }
            _ = try builder.finish()
        } catch is APIError {}
    }

    @Test func driftReports() {
        #expect(DriftReport.parse(Data(#"{"version":2,"metrics":{}}"#.utf8)) == nil)
        #expect(DriftReport.parse(Data("[]".utf8)) == nil)
        let report = DriftReport.parse(Data(#"{"version":1,"computedAt":5,"metrics":{"a.b":1,"c":"x"},"retrain":false}"#.utf8))
        #expect(report?.metrics.map(\.0) == ["a_b"])
        #expect(report?.retrain == false)
    }

    @Test func mediaExtensionsComeFromContent() {
        #expect(MediaStore.fileExtension(for: [0xFF, 0xD8, 0xFF, 0xE0] + [UInt8](repeating: 0, count: 16)) == "jpg")
        #expect(MediaStore.fileExtension(for: [0, 0, 0, 0x20] + Array("ftypisom".utf8)) == "mp4")
        #expect(MediaStore.fileExtension(for: Array("hello".utf8)) == "bin")
        let store = MediaStore(directory: "/data/index/media")
        #expect(store.contains("/data/index/media/abc.jpg"))
        #expect(!store.contains("/data/index/media/../CURRENT"))
        #expect(!store.contains("/data/index/media/sub/abc.jpg"))
        #expect(!store.contains("/etc/passwd"))
    }
}

@Suite struct ConcurrencyLimiterTests {
    @Test func boundsRunningAndQueuedWork() async throws {
        let limiter = ConcurrencyLimiter(name: "t", limit: 2, queueLimit: 1)
        let gate = DispatchSemaphore(value: 0)
        let running = (0..<2).map { _ in Task { try await limiter.run { gate.wait(); return 1 } } }
        try await waitUntil { limiter.inFlight == 2 }
        let queued = Task { try await limiter.run { 2 } }
        try await waitUntil { limiter.queued == 1 }
        await #expect(throws: ConcurrencyLimiter.Overloaded.self) { try await limiter.run { 3 } }
        gate.signal(); gate.signal()
        #expect(try await running[0].value + running[1].value == 2)
        #expect(try await queued.value == 2)
        #expect(limiter.inFlight == 0 && limiter.queued == 0)
    }

    @Test func cancelledWaitersLeaveTheQueue() async throws {
        let limiter = ConcurrencyLimiter(name: "t", limit: 1, queueLimit: 4)
        let gate = DispatchSemaphore(value: 0)
        let holder = Task { try await limiter.run { gate.wait() } }
        try await waitUntil { limiter.inFlight == 1 }
        let waiter = Task { try await limiter.run { 1 } }
        try await waitUntil { limiter.queued == 1 }
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        #expect(limiter.queued == 0)
        gate.signal()
        try await holder.value
        #expect(limiter.inFlight == 0)
    }
}

/// Polls `condition` without blocking a cooperative thread (the jobs under test need those threads to
/// start); fails after 5,000 polls 2 ms apart. Counted in polls, not by the clock, on purpose: in a loaded
/// run every test shares two cooperative threads, and a wall-clock limit expires while the code under test
/// simply has not been scheduled yet (a 60 s clock limit failed that way; the polls stretch with the load).
func waitUntil(_ condition: () -> Bool, sourceLocation: SourceLocation = #_sourceLocation) async throws {
    for _ in 0..<5000 {
        if condition() { return }
        try await Task.sleep(for: .milliseconds(2))
    }
    Issue.record("condition not reached in 5,000 polls", sourceLocation: sourceLocation)
}
