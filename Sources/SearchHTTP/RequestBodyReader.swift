import Hummingbird
import NIOCore

/// Reads request bodies with a size limit enforced while the bytes arrive: a declared
/// `Content-Length` over the limit is refused before reading anything, and a streamed (chunked) body
/// is refused as soon as it crosses the limit. Never more than `limit` bytes are held.
enum RequestBodyReader {
    static func declaredLength(_ request: Request) -> Int? {
        request.headers[.contentLength].flatMap { Int($0) }
    }

    /// Refuses a declared `Content-Length` over `limit` (413) before any byte is read.
    static func checkDeclaredLength(_ request: Request, limit: Int) throws {
        if let length = declaredLength(request), length > limit { throw APIError.tooLarge(limit: limit) }
    }

    /// The whole body, at most `limit` bytes (413 beyond), as the bytes the decoders take: appended into one
    /// array reserved at the declared length, so the body is held once (no growth copies, no final copy).
    static func collect(_ request: Request, limit: Int) async throws -> [UInt8] {
        var collected: [UInt8] = []
        collected.reserveCapacity(min(declaredLength(request) ?? 0, limit))
        try await forEachChunk(request, limit: limit) { chunk in collected.append(contentsOf: chunk.readableBytesView) }
        return collected
    }

    /// Calls `body` with each chunk as it arrives, throwing 413 once the total passes `limit`.
    static func forEachChunk(_ request: Request, limit: Int, _ body: (ByteBuffer) throws -> Void) async throws {
        try checkDeclaredLength(request, limit: limit)
        var total = 0
        for try await chunk in request.body {
            // A request past its deadline stops at the next chunk: NIO's body stream does not wake a
            // waiting reader on cancellation, so a client that sends nothing more is woken by the
            // connection's idle timeout (`ServerConfiguration.idleTimeout`) closing the input.
            try Task.checkCancellation()
            total += chunk.readableBytes
            if total > limit { throw APIError.tooLarge(limit: limit) }
            try body(chunk)
        }
    }
}
