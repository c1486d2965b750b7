import Foundation

/// Reads a manifest file line by line through a fixed 64 KiB buffer, so a manifest of any size is
/// never held in memory whole. A line longer than ``maximumLineBytes`` is reported (and skipped to its
/// end) instead of being buffered; lines must be UTF-8. Line numbers start at 1; the `\n` (and a `\r`
/// before it) are not part of the line.
struct ManifestLineReader {
    enum Line {
        case text(number: Int, String)
        case bad(number: Int, reason: String)
    }

    static let maximumLineBytes = 1 << 20
    private static let chunkBytes = 1 << 16

    let path: String
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var position = 0
    private var number = 0
    private var atEnd = false
    /// The most bytes this reader ever held at once (its read buffer plus the line being assembled):
    /// bounded by 64 KiB + ``maximumLineBytes`` whatever the file's size.
    private(set) var peakHeldBytes = 0

    init(path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw IndexBuildError(.badInput, path, "cannot read the manifest")
        }
        self.path = path
        self.handle = handle
    }

    func close() { try? handle.close() }

    /// The next line, or nil at the end of the file.
    mutating func next() throws -> Line? {
        var line: [UInt8] = []
        var tooLong = false
        while true {
            if position == buffer.count {
                if atEnd { break }
                let data: Data
                do {
                    data = try handle.read(upToCount: Self.chunkBytes) ?? Data()
                } catch {
                    throw IndexBuildError(.io, path, "cannot read the manifest (\(error.localizedDescription))")
                }
                if data.isEmpty { atEnd = true; break }
                buffer = [UInt8](data)
                position = 0
            }
            let rest = buffer[position...]
            if let newline = rest.firstIndex(of: UInt8(ascii: "\n")) {
                if !tooLong { line += buffer[position..<newline] }
                peakHeldBytes = max(peakHeldBytes, buffer.count + line.count)
                position = newline + 1
                return finish(line, tooLong: tooLong || line.count > Self.maximumLineBytes)
            }
            if !tooLong { line += rest }
            peakHeldBytes = max(peakHeldBytes, buffer.count + line.count)
            position = buffer.count
            if line.count > Self.maximumLineBytes {
                tooLong = true
                line = []
            }
        }
        if line.isEmpty && !tooLong { return nil }
        return finish(line, tooLong: tooLong)
    }

    private mutating func finish(_ bytes: [UInt8], tooLong: Bool) -> Line {
        number += 1
        if tooLong { return .bad(number: number, reason: "line longer than \(Self.maximumLineBytes) bytes; skipped") }
        var bytes = bytes[...]
        if bytes.last == UInt8(ascii: "\r") { bytes = bytes.dropLast() }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            return .bad(number: number, reason: "line is not UTF-8")
        }
        return .text(number: number, text)
    }
}
