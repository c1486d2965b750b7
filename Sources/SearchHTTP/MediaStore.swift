import Foundation
import Imaging
import SearchEngine

/// Where uploaded media lives: `DIR/media/<sha256 of the bytes>.<ext>`, the extension chosen from the
/// content (never from the client's file name), written atomically (temp file, fsync, rename, fsync
/// the directory). No client input ever becomes part of a path, so nothing a client sends can read or
/// write outside this folder.
public struct MediaStore: Sendable {
    static let folderName = "media"
    public let directory: String

    /// A store in `directory` (created on first write).
    public init(directory: String) { self.directory = directory }

    /// A stored upload: its path, content hash, and whether this call created the file (a failed add
    /// deletes only files it created; an identical earlier upload's file stays).
    public struct Stored: Sendable {
        public var path: String
        public var hash: String
        public var created: Bool
    }

    /// Stores `bytes`, whose content hash (``ContentHash/sha256(bytes:)``) the caller has computed already.
    public func store(_ bytes: [UInt8], hash: String) throws -> Stored {
        let path = directory + "/" + hash + "." + Self.fileExtension(for: bytes)
        if FileManager.default.fileExists(atPath: path) { return Stored(path: path, hash: hash, created: false) }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw APIError.internal("\(directory): cannot create the media folder (\(error.localizedDescription))")
        }
        do {
            try AtomicFile.write(bytes, to: path)
        } catch {
            throw APIError.internal("\(error)")
        }
        return Stored(path: path, hash: hash, created: true)
    }

    /// Deletes `path` if it is a file of this store (never anything else).
    func delete(_ path: String) {
        guard contains(path) else { return }
        try? FileManager.default.removeItem(atPath: path)
    }

    func contains(_ path: String) -> Bool {
        let standardized = URL(fileURLWithPath: path).standardizedFileURL.path
        let root = URL(fileURLWithPath: directory).standardizedFileURL.path + "/"
        return standardized.hasPrefix(root) && !standardized.dropFirst(root.count).contains("/")
    }

    /// File extension from the leading bytes: images by `ImageFormat.sniff`, common video containers by
    /// their signatures, `bin` otherwise (FFmpeg probes content, so the extension is only for people).
    static func fileExtension(for bytes: [UInt8]) -> String {
        let head = Array(bytes.prefix(64))
        if let format = ImageFormat.sniff(head) {
            switch format {
            case .jpeg: return "jpg"
            case .png: return "png"
            default: return format.rawValue.lowercased()
            }
        }
        if head.count >= 12, Array(head[4..<8]) == Array("ftyp".utf8) { return "mp4" }
        if head.starts(with: [0x1A, 0x45, 0xDF, 0xA3]) { return "mkv" }
        if head.count >= 12, head.starts(with: Array("RIFF".utf8)), Array(head[8..<12]) == Array("AVI ".utf8) { return "avi" }
        if head.starts(with: [0x00, 0x00, 0x01, 0xBA]) || head.first == 0x47 { return "mpg" }
        return "bin"
    }
}
