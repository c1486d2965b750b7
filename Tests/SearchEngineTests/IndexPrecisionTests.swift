import Embedding
import Foundation
import SearchEngine
import SearchTesting
import Testing

/// An index version records the CNN precision of its vectors (`precision.json`), and adds must match it.
struct IndexPrecisionTests {
    @Test func recordRoundTripsAndDefaultsToFloat32() throws {
        let scratch = try TemporaryDirectory("vs-precision")
        defer { scratch.remove() }
        #expect(try VersionRecords.precision.read(scratch.path) == .fp32, "no record: an index made before int8")
        for precision in EncoderPrecision.allCases {
            try VersionRecords.precision.write(precision, to: scratch.path)
            #expect(try VersionRecords.precision.read(scratch.path) == precision)
        }
        try Data("{\"precision\":\"int4\"}".utf8).write(to: URL(fileURLWithPath: scratch.file(VersionRecords.precision.fileName)))
        #expect(throws: IndexBuildError.self) { try VersionRecords.precision.read(scratch.path) }
    }

    /// A float32 build records fp32; an int8 encoder's add to it is refused before anything is written.
    @Test func buildRecordsItsPrecisionAndAddRefusesAnother() throws {
        let scratch = try TemporaryDirectory("vs-precision-build")
        defer { scratch.remove() }
        let folder = scratch.file("photos")
        for name in ["apple.jpg", "baboon.jpg"] { try BuildFixtures.copy(BuildFixtures.sample(name), to: folder) }
        let index = IndexDirectory(path: scratch.file("index"))
        _ = try BuildFixtures.builder(index).build(entries: try BuildInput.entries(input: folder).entries, inputDescription: folder)
        #expect(try VersionRecords.precision.serving(index) == .fp32)
        let (_, text) = try BuildFixtures.models.get()
        let files = ProcessInfo.processInfo.environment[ModelFiles.environmentVariable].map(ModelFiles.init(directory:))
            ?? ModelFiles(directory: "\(BuildFixtures.root)/assets/models")
        let int8 = try ImageEncoder(files: files, threads: 1, precision: .int8)
        try BuildFixtures.copy(BuildFixtures.sample("fruits.jpg"), to: scratch.file("more"))
        #expect(throws: IndexBuildError.self) {
            try IndexMaintenance.add([BuildEntry(path: scratch.file("more/fruits.jpg"))], to: index, imageEncoder: int8, textEncoder: text)
        }
        #expect(try IndexInfo.read(index).items == 2)
    }
}
