#if canImport(Glibc)
import Glibc
#endif
import Foundation
import SearchEngine
import SearchTesting
import Testing

/// Inputs that are not regular files are refused when opened, never read: a FIFO named by a manifest
/// would otherwise block the build forever while it holds the index lock; a symlink where a resolved file
/// was listed means the file was swapped since.
@Suite struct UntrustedInputFileTests {
    @Test func aFIFOAndASwappedInSymlinkAreRefusedAndTheRestIsIndexed() throws {
        let scratch = try TemporaryDirectory("vs-fifo")
        defer { scratch.remove() }
        let folder = scratch.file("media")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try BuildFixtures.copy(BuildFixtures.sample("apple.jpg"), to: folder)
        let fifo = folder + "/pipe.jpg"
        #expect(mkfifo(fifo, 0o600) == 0)
        let swapped = folder + "/swapped.jpg"
        try FileManager.default.createSymbolicLink(atPath: swapped, withDestinationPath: folder + "/apple.jpg")
        let entries = [BuildEntry(path: fifo), BuildEntry(path: swapped), BuildEntry(path: folder + "/apple.jpg")]
        let index = IndexDirectory(path: scratch.file("index"))
        let summary = try BuildFixtures.builder(index).build(entries: entries, inputDescription: "untrusted")

        #expect(summary.indexed == 1 && summary.items == 1)
        #expect(summary.failures.map { ($0.input as NSString).lastPathComponent } == ["pipe.jpg", "swapped.jpg"])
        #expect(summary.failures.allSatisfy { $0.code == .unreadable })
        #expect(summary.failures.first?.reason.contains("not a regular file") == true)
        #expect(summary.failures.last?.reason.contains("symbolic link") == true)
    }

    /// Issue #14 item 13: a manifest's folder swapped for a symbolic link to a folder outside the root after
    /// the manifest was read (and its paths confined) is not followed — neither for a photo nor for a video
    /// (which FFmpeg reads through the checked descriptor) — and the outside files are never indexed.
    @Test func aFolderSwappedForASymlinkAfterListingDoesNotLeaveTheRoot() throws {
        let scratch = try TemporaryDirectory("vs-dirswap")
        defer { scratch.remove() }
        let root = scratch.file("root"), outside = scratch.file("outside")
        for folder in [root + "/photos", outside] {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        try BuildFixtures.copy(BuildFixtures.sample("apple.jpg"), to: root + "/photos")
        try BuildFixtures.copy(BuildFixtures.sample("megamind-10s.mp4"), to: root + "/photos")
        try BuildFixtures.copy(BuildFixtures.sample("butterfly.jpg"), to: root)
        // The outside folder holds other content under the same names.
        try FileManager.default.copyItem(atPath: BuildFixtures.sample("baboon.jpg"), toPath: outside + "/apple.jpg")
        try FileManager.default.copyItem(atPath: BuildFixtures.sample("pedestrians-20s.mp4"), toPath: outside + "/megamind-10s.mp4")
        let manifest = root + "/manifest.jsonl"
        try Data("""
            {"path": "photos/apple.jpg", "id": "apple"}
            {"path": "photos/megamind-10s.mp4", "id": "megamind"}
            {"path": "butterfly.jpg", "id": "butterfly"}

            """.utf8).write(to: URL(fileURLWithPath: manifest))
        let listed = try BuildInput.entries(input: manifest)
        #expect(listed.entries.count == 3 && listed.rejected.isEmpty)

        // Between listing and reading: photos/ becomes a symbolic link to the outside folder.
        try FileManager.default.removeItem(atPath: root + "/photos")
        try FileManager.default.createSymbolicLink(atPath: root + "/photos", withDestinationPath: outside)
        let index = IndexDirectory(path: scratch.file("index"))
        let summary = try BuildFixtures.builder(index).build(entries: listed.entries, inputDescription: manifest)

        #expect(summary.indexed == 1 && summary.items == 1, "only the butterfly: \(summary.failures)")
        #expect(Set(summary.failures.map { ($0.input as NSString).lastPathComponent }) == ["apple.jpg", "megamind-10s.mp4"])
        #expect(summary.failures.allSatisfy { $0.code == .unreadable && $0.reason.contains("symbolic link") }, "\(summary.failures)")
    }
}
