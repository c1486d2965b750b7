import Foundation
import Imaging
import SearchEngine
import SearchTesting
import Testing

/// `vsearch build` killed with SIGKILL right after its first checkpoint, then run again: it resumes,
/// embeds only what was not finished, and publishes every item exactly once.
@Suite struct BuildCrashTests {
    static var vsearchPath: String { CommandLineRunner.vsearchPath }

    /// 40 distinct real-photo derivatives (each sample photo at several sizes).
    static func photoFolder(_ path: String) throws -> Int {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        var count = 0
        for name in ["apple.jpg", "baboon.jpg", "butterfly.jpg", "fruits.jpg", "orange.jpg"] {
            let image = try ImageDecoder.decode(path: BuildFixtures.sample(name))
            for side in stride(from: 120, to: 280, by: 20) {
                try PNGEncoder.write(image.fitted(within: side), to: "\(path)/\(name)-\(side).png", compressionLevel: 1)
                count += 1
            }
        }
        return count
    }

    @Test func killedBuildResumesWithoutDuplicates() throws {
        let vsearch = Self.vsearchPath
        try #require(FileManager.default.isExecutableFile(atPath: vsearch), "vsearch not built at \(vsearch)")
        let scratch = try TemporaryDirectory("vs-kill")
        defer { scratch.remove() }
        let folder = scratch.file("photos")
        let total = try Self.photoFolder(folder)
        let index = IndexDirectory(path: scratch.file("index"))
        let spillPath = index.stagingDirectory + "/vectors.spill"
        let recordBytes = 8 + 4 * 1280 + 8

        let process = Process()
        process.executableURL = URL(fileURLWithPath: vsearch)
        // fp32: the resume below runs the library's builder, whose default encoder is float32 (a build is
        // resumed only with the precision it started with).
        process.arguments = ["build", "--input", folder, "--index", index.path, "--batch", "2", "--threads", "2", "--quiet",
                             "--precision", "fp32"]
        var environment = ProcessInfo.processInfo.environment
        if environment["VSEARCH_MODELS"] == nil { environment["VSEARCH_MODELS"] = "\(BuildFixtures.root)/assets/models" }
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Kill as soon as the first checkpoint (a whole record) is on disk.
        while process.isRunning {
            let size = (try? FileManager.default.attributesOfItem(atPath: spillPath)[.size] as? Int) ?? 0
            if size >= 32 + recordBytes { break }
            usleep(1000)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        #expect(try index.currentVersion() == nil)  // nothing published: the build was cut short

        let summary = try BuildFixtures.builder(index, batchSize: 8)
            .build(entries: try BuildInput.entries(input: folder).entries, inputDescription: URL(fileURLWithPath: folder).standardizedFileURL.path)
        #expect(summary.resumed >= 1)
        #expect(summary.resumed + summary.embeddedImages == total)
        #expect(summary.items == total && summary.vectors == total)
        #expect(summary.duplicates.isEmpty && summary.failures.isEmpty)
    }
}
