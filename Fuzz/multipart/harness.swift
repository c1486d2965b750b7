// libFuzzer target: the streaming multipart/form-data reader (Sources/SearchHTTP/MultipartForm.swift,
// compiled unchanged, over MultipartKit's MultipartParser). The first byte picks the chunk size the body
// arrives in (1…256 bytes, as a slow client would send it); the rest is the body, under the boundary
// "XyZzY". Every input must give a form or an APIError, never trap, and a form holds at most
// MultipartForm.maxParts parts whose bodies are no larger than the input.
import NIOCore

/// The one thing MultipartForm.swift needs from the rest of SearchHTTP (which would pull in Hummingbird).
struct APIError: Error {
    let message: String
    static func badMultipart(_ message: String) -> APIError { APIError(message: message) }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size >= 1 else { return 0 }
    let chunk = Int(data[0]) + 1
    let body = UnsafeBufferPointer(start: data + 1, count: size - 1)
    let builder = MultipartForm.Builder(boundary: "XyZzY")
    do {
        var offset = 0
        while offset < body.count {
            let end = min(body.count, offset + chunk)
            try builder.feed(ByteBuffer(bytes: body[offset..<end]))
            offset = end
        }
        let form = try builder.finish()
        precondition(form.parts.count <= MultipartForm.maxParts, "\(form.parts.count) parts")
        precondition(form.parts.reduce(0) { $0 + $1.body.count } <= body.count, "parts larger than the body")
    } catch is APIError {
    } catch {
        fatalError("unexpected error type: \(error)")
    }
    _ = MultipartForm.boundary(contentType: String(decoding: body.prefix(256), as: UTF8.self))
    _ = MultipartForm.Builder.parameters(String(decoding: body.prefix(512), as: UTF8.self))
    return 0
}
