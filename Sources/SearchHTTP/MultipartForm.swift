import Foundation
import MultipartKit
import NIOCore

/// A `multipart/form-data` body parsed as it streams in (MultipartKit's `MultipartParser` fed chunk by
/// chunk), so the total size limit holds while reading and no part is buffered twice.
struct MultipartForm: Sendable {
    struct Part: Sendable {
        var name: String
        /// The client's file name, if the part is a file (used only for a default title).
        var fileName: String?
        /// The part's bytes (held once: appended as they arrive, never copied again).
        var body: [UInt8]
    }

    var parts: [Part] = []

    func first(_ names: String...) -> Part? { parts.first { names.contains($0.name) } }
    func all(_ name: String) -> [Part] { parts.filter { $0.name == name } }

    /// Most parts a form may have (fields are few; this bounds per-part bookkeeping).
    static let maxParts = 64

    /// The boundary parameter of a `multipart/form-data` content type, or nil if it is not one.
    static func boundary(contentType: String) -> String? {
        let pieces = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let type = pieces.first, type.lowercased() == "multipart/form-data" else { return nil }
        for piece in pieces.dropFirst() {
            let kv = piece.split(separator: "=", maxSplits: 1).map(String.init)
            guard kv.count == 2, kv[0].trimmingCharacters(in: .whitespaces).lowercased() == "boundary" else { continue }
            var value = kv[1].trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return (1...200).contains(value.utf8.count) ? value : nil
        }
        return nil
    }

    /// Feeds a parser chunk by chunk; `finish()` returns the form.
    final class Builder {
        private let parser: MultipartParser
        private var form = MultipartForm()
        private var headers: [(String, String)] = []
        private var body: [UInt8] = []
        /// Bytes the first chunk of a file part reserves (the declared body length): one allocation, so an
        /// upload is never held twice while its array grows.
        private let fileReservation: Int
        private var failure: APIError?
        private var complete = false
        private var headerGuard: MultipartHeaderGuard

        /// - Parameter expectedBytes: the request's declared length (bounded by the upload limit), if known.
        init(boundary: String, expectedBytes: Int = 0) {
            headerGuard = MultipartHeaderGuard(boundary: boundary)
            fileReservation = expectedBytes
            parser = MultipartParser(boundary: boundary)
            parser.onHeader = { [unowned self] name, value in headers.append((name, value)) }
            parser.onBody = { [unowned self] chunk in
                if body.isEmpty, fileReservation > 0, headers.contains(where: { $0.1.contains("filename=") }) {
                    body.reserveCapacity(fileReservation)
                }
                body.append(contentsOf: chunk.readableBytesView)
            }
            parser.onPartComplete = { [unowned self] in finishPart() }
        }

        func feed(_ chunk: ByteBuffer) throws {
            if let failure { throw failure }
            guard headerGuard.accepts(chunk.readableBytesView) else {
                throw APIError.badMultipart("a part header name holds a non-ASCII byte")
            }
            do {
                try parser.execute(chunk)
            } catch {
                throw APIError.badMultipart("malformed (\(error))")
            }
            if let failure { throw failure }
        }

        func finish() throws -> MultipartForm {
            if let failure { throw failure }
            guard !form.parts.isEmpty else { throw APIError.badMultipart("no parts (is the boundary right and the body complete?)") }
            return form
        }

        private func finishPart() {
            defer { headers.removeAll(); body = [] }
            guard form.parts.count < MultipartForm.maxParts else {
                failure = APIError.badMultipart("more than \(MultipartForm.maxParts) parts")
                return
            }
            let disposition = headers.first { $0.0.lowercased() == "content-disposition" }?.1 ?? ""
            let parameters = Self.parameters(disposition)
            guard let name = parameters["name"] else {
                failure = APIError.badMultipart("a part has no Content-Disposition name")
                return
            }
            form.parts.append(Part(name: name, fileName: parameters["filename"], body: body))
        }

        /// `form-data; name="image"; filename="cat.jpg"` → `["name": "image", "filename": "cat.jpg"]`.
        static func parameters(_ value: String) -> [String: String] {
            var result: [String: String] = [:]
            var rest = Substring(value)
            // Skip the disposition type.
            if let semicolon = rest.firstIndex(of: ";") { rest = rest[rest.index(after: semicolon)...] } else { return [:] }
            while !rest.isEmpty {
                rest = rest.drop { $0 == " " || $0 == "\t" || $0 == ";" }
                guard let equals = rest.firstIndex(of: "=") else { break }
                let key = rest[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
                rest = rest[rest.index(after: equals)...]
                var value = ""
                if rest.first == "\"" {
                    rest = rest.dropFirst()
                    var escaped = false
                    while let c = rest.first {
                        rest = rest.dropFirst()
                        if escaped { value.append(c); escaped = false } else if c == "\\" { escaped = true } else if c == "\"" { break } else { value.append(c) }
                    }
                } else {
                    let end = rest.firstIndex(of: ";") ?? rest.endIndex
                    value = rest[..<end].trimmingCharacters(in: .whitespaces)
                    rest = rest[end...]
                }
                if result[key] == nil { result[key] = value }
            }
            return result
        }
    }
}
