import Foundation
import SearchEngine

/// Copying this service's index to or from another machine (a shard replica that fell behind its operation
/// log takes a peer's copy): the serving version (``IndexDirectory/exportServing(to:)``) and the uploaded
/// media, laid out as `FOLDER/version/…` and `FOLDER/media/…`.
extension SearchService {
    /// Copies the serving version and the media folder into `folder` (created). Runs on the write pool, so
    /// this service's own writes wait for it; returns the version copied.
    public func exportCopy(into folder: String) async throws -> UInt64 {
        let index = index, media = media
        return try await writeWork.answer("copy") {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let version = try index.exportServing(to: folder + "/version")
            // After the version: every file its catalog names is there already (uploads are stored before
            // they are committed); files of later uploads are extra, never missing.
            if FileManager.default.fileExists(atPath: media.directory) {
                try FileManager.default.copyItem(atPath: media.directory, toPath: folder + "/media")
            }
            return version
        }
    }

    /// Installs a copy of version `version` made by ``exportCopy(into:)`` on a peer whose media folder was
    /// `peerMedia`: its media files join this service's media folder, item sources are pointed there, and
    /// the version serves under its own number (``IndexDirectory/importVersion(from:as:rebasing:to:)``).
    /// `folder` must be on this index's file system.
    public func importCopy(from folder: String, version: UInt64, peerMedia: String) async throws {
        let index = index, media = media
        try await writeWork.answer("copy") {
            let manager = FileManager.default
            let incoming = folder + "/media"
            if manager.fileExists(atPath: incoming) {
                try manager.createDirectory(atPath: media.directory, withIntermediateDirectories: true)
                for name in try manager.contentsOfDirectory(atPath: incoming) where !manager.fileExists(atPath: media.directory + "/" + name) {
                    try manager.moveItem(atPath: incoming + "/" + name, toPath: media.directory + "/" + name)
                }
            }
            try index.importVersion(from: folder + "/version", as: version, rebasing: peerMedia + "/", to: media.directory + "/")
        }
        try await reopenIndex(reason: "copied from a peer")
    }

    /// The folder uploads are stored in (`DIR/media`).
    public var mediaDirectory: String { media.directory }
}
