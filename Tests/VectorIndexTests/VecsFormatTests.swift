import Foundation
import SearchTesting
import Testing
import VectorIndex

@Suite struct VecsFormatTests {
    @Test func fvecsAndIvecsRoundTrip() throws {
        let dir = try TemporaryDirectory("vecs")
        defer { dir.remove() }
        let values = RandomVectors.gaussian(10, dimension: 5, seed: 3)
        try VecsFormat.writeFvecs(values, dimension: 5, to: dir.file("a.fvecs"))
        let f = try FvecsFile(path: dir.file("a.fvecs"))
        #expect(f.count == 10 && f.dimension == 5)
        #expect(f.allVectors() == values)
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir.file("a.fvecs"))).count == 10 * (4 + 20))
        try VecsFormat.writeIvecs([1, 2, 3, -1, 5, 6], dimension: 3, to: dir.file("b.ivecs"))
        #expect(try VecsFormat.readIvecs(dir.file("b.ivecs")) == [[1, 2, 3], [-1, 5, 6]])
    }

    @Test func malformedFvecsAreRejectedNamingTheFile() throws {
        let dir = try TemporaryDirectory("badvecs")
        defer { dir.remove() }
        let good = dir.file("good.fvecs")
        try VecsFormat.writeFvecs(RandomVectors.gaussian(4, dimension: 3, seed: 1), dimension: 3, to: good)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: good))
        func write(_ name: String, _ data: Data) throws -> String {
            let p = dir.file(name)
            try data.write(to: URL(fileURLWithPath: p))
            return p
        }
        var badDim = bytes
        badDim.replaceSubrange(16..<20, with: [4, 0, 0, 0])  // second record claims d = 4
        var hugeDim = bytes
        hugeDim.replaceSubrange(0..<4, with: [0, 0, 0, 0x7F])
        var nan = bytes
        nan.replaceSubrange(4..<8, with: withUnsafeBytes(of: Float.nan.bitPattern.littleEndian) { Data($0) })
        let cases = [
            try write("empty.fvecs", Data()),
            try write("truncated.fvecs", bytes.prefix(bytes.count - 2)),
            try write("baddim.fvecs", badDim),
            try write("huge.fvecs", hugeDim),
            try write("nan.fvecs", nan),
            dir.file("missing.fvecs"),
        ]
        for path in cases {
            #expect { try FvecsFile(path: path) } throws: { error in
                (error as? VectorIndexError)?.description.contains(path) == true
            }
        }
    }
}
