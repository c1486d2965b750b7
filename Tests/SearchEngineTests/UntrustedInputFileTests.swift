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
}
