import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import SearchEngine
import SearchHTTP

/// A replica's recovery when its shard's operation log was compacted past it: it takes a ready peer's
/// copy of the index — `GET /internal/v1/copy` on the peer answers a tar of the serving version and the
/// media (``SearchService/exportCopy(into:)``) with the log position it reflects — installs it
/// (``SearchService/importCopy(from:peerMedia:)``) and goes on applying the log from that position.
///
/// tar (GNU tar, part of every Debian) is the archive format: one streamed body, nothing held in memory,
/// and a format any operator can open. The archive is written under the index directory (`.copies/`),
/// unlinked once opened, and streamed in 1 MiB chunks.
public enum PeerCopy {
    /// The position header: the peer's applied log position when its copy was taken (the copy holds at
    /// least every operation up to it; re-applying later ones is idempotent).
    public static let appliedHeader = "x-vsearch-applied"
    /// The peer's media folder, for pointing item sources at the receiver's own.
    public static let mediaHeader = "x-vsearch-media"
    /// The index version (cluster generation) copied; the receiver installs it under the same number.
    public static let versionHeader = "x-vsearch-version"
    static let chunk = 1 << 20

    /// Registers `GET /internal/v1/copy` for `service` (its log position read with `appliedPosition`).
    public static func register(on router: Router<BasicRequestContext>, service: SearchService,
                                appliedPosition: @escaping @Sendable () -> UInt64) {
        // Scratch folders of copies a crash interrupted.
        try? FileManager.default.removeItem(atPath: service.index.path + "/.copies")
        router.get("/internal/v1/copy") { _, _ in
            // Read before the copy: the copy then holds every operation up to it (the position is recorded
            // only after an operation is applied).
            let applied = appliedPosition()
            let scratch = try scratchFolder(service.index.path)
            defer { try? FileManager.default.removeItem(atPath: scratch) }
            let version = try await service.exportCopy(into: scratch + "/tree")
            let archive = scratch + "/copy.tar"
            try tar(["-cf", archive, "-C", scratch + "/tree", "."])
            guard let handle = FileHandle(forReadingAtPath: archive) else { throw APIError.internal("\(archive): cannot open") }
            let size = (try? FileManager.default.attributesOfItem(atPath: archive)[.size] as? Int) ?? nil
            var headers = HTTPFields()
            headers[HTTPField.Name(appliedHeader)!] = String(applied)
            headers[HTTPField.Name(mediaHeader)!] = service.mediaDirectory
            headers[HTTPField.Name(versionHeader)!] = String(version)
            headers[.contentType] = "application/x-tar"
            return Response(status: .ok, headers: headers, body: ResponseBody(contentLength: size) { writer in
                defer { try? handle.close() }
                while let data = try handle.read(upToCount: chunk), !data.isEmpty {
                    try await writer.write(ByteBuffer(bytes: data))
                }
                try await writer.finish(nil)
            })
        }
    }

    /// Downloads `peer`'s copy and installs it in `service`; returns the log position it reflects.
    public static func recover(service: SearchService, from peer: String, http: HTTPClient = ClusterHTTP.client,
                               logger: Logger) async throws -> UInt64 {
        let scratch = try scratchFolder(service.index.path)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let archive = scratch + "/copy.tar"
        let response = try await http.execute(HTTPClientRequest(url: peer + "/internal/v1/copy"), timeout: .seconds(3600))
        guard response.status == .ok, let applied = response.headers.first(name: appliedHeader).flatMap(UInt64.init),
              let version = response.headers.first(name: versionHeader).flatMap(UInt64.init),
              let peerMedia = response.headers.first(name: mediaHeader) else {
            throw ClusterError.copyFailed(peer, "no copy in the answer (HTTP \(response.status.code))")
        }
        FileManager.default.createFile(atPath: archive, contents: nil)
        guard let handle = FileHandle(forWritingAtPath: archive) else { throw ClusterError.copyFailed(archive, "cannot write") }
        var bytes = 0
        do {
            for try await buffer in response.body {
                try handle.write(contentsOf: Data(buffer.readableBytesView))
                bytes += buffer.readableBytes
            }
            try handle.synchronize()
            try handle.close()
        } catch {
            try? handle.close()
            throw error
        }
        try FileManager.default.createDirectory(atPath: scratch + "/tree", withIntermediateDirectories: true)
        try tar(["-xf", archive, "-C", scratch + "/tree", "--no-same-owner"])
        try await service.importCopy(from: scratch + "/tree", version: version, peerMedia: peerMedia)
        logger.notice("installed a peer's copy of the index", metadata: ["peer": "\(peer)", "version": "\(version)",
                                                                         "applied": "\(applied)", "bytes": "\(bytes)"])
        return applied
    }

    /// A fresh folder under `DIR/.copies/` (the same file system as the index, so the import is a rename).
    static func scratchFolder(_ indexPath: String) throws -> String {
        let folder = indexPath + "/.copies/" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }

    /// Runs GNU tar with `arguments`; throws with its stderr when it fails.
    static func tar(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["tar"] + arguments
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ClusterError.copyFailed("tar \(arguments.first ?? "")", String(message.prefix(500)))
        }
    }
}
