import Foundation
import SearchTesting
import Testing
import Embedding

/// Writes a safetensors file from (name, dtype, shape, raw little-endian bytes) entries, in order.
private func writeSafeTensors(
    _ entries: [(String, String, [Int], [UInt8])], metadata: [String: String] = [:], in dir: URL, name: String = "w.safetensors",
    headerEdit: (String) -> String = { $0 }
) throws -> String {
    var parts: [String] = []
    var offset = 0
    var data: [UInt8] = []
    for (n, dtype, shape, bytes) in entries {
        parts.append("\"\(n)\":{\"dtype\":\"\(dtype)\",\"shape\":\(shape),\"data_offsets\":[\(offset),\(offset + bytes.count)]}")
        offset += bytes.count
        data += bytes
    }
    if !metadata.isEmpty {
        let items = metadata.map { "\"\($0.key)\":\"\($0.value)\"" }.joined(separator: ",")
        parts.append("\"__metadata__\":{\(items)}")
    }
    let header = Array(headerEdit("{" + parts.joined(separator: ",") + "}").utf8)
    var file = withUnsafeBytes(of: UInt64(header.count).littleEndian) { Array($0) }
    file += header + data
    let url = dir.appendingPathComponent(name)
    try Data(file).write(to: url)
    return url.path
}

private func bytes(_ values: [Float]) -> [UInt8] { values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian) { Array($0) } } }

private func tempDir() throws -> URL {
    try TextFixtures.temporaryDirectory("safetensors")
}

/// zlib CRC-32, bit by bit: the oracle for the reader's table-driven checksum.
private func naiveCRC32(_ data: [UInt8]) -> UInt32 {
    var c: UInt32 = 0xFFFF_FFFF
    for b in data {
        c ^= UInt32(b)
        for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
    }
    return ~c
}

private func hex8(_ v: UInt32) -> String { let s = String(v, radix: 16); return String(repeating: "0", count: 8 - s.count) + s }

@Suite struct SafeTensorsTests {
    @Test func readsFloat32Float16AndBFloat16() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let f32: [Float] = [1, -2.5, 3.25, 0, 1e-3, 7]
        // binary16: 1.0 = 0x3C00, -2.0 = 0xC000, 65504 = 0x7BFF, smallest subnormal = 0x0001
        let f16: [UInt16] = [0x3C00, 0xC000, 0x7BFF, 0x0001]
        let bf16: [UInt16] = [0x3F80, 0xC040] // 1.0, -3.0
        let path = try writeSafeTensors([
            ("a.weight", "F32", [2, 3], bytes(f32)),
            ("half", "F16", [4], f16.flatMap { withUnsafeBytes(of: $0.littleEndian) { Array($0) } }),
            ("brain", "BF16", [1, 2], bf16.flatMap { withUnsafeBytes(of: $0.littleEndian) { Array($0) } }),
        ], metadata: ["format": "test"], in: dir)
        let file = try SafeTensors(path: path)
        #expect(file.names == ["a.weight", "brain", "half"])
        #expect(file.metadata["format"] == "test")
        #expect(try file.tensor("a.weight") == WeightTensor(shape: [2, 3], values: f32))
        #expect(try file.tensor("half").values == [1, -2, 65504, Float(sign: .plus, exponent: -24, significand: 1)])
        #expect(try file.tensor("brain", shape: [1, 2]).values == [1, -3])
        #expect(throws: WeightFileError.self) { try file.tensor("a.weight", shape: [3, 2]) }
        #expect(throws: WeightFileError(path: path, reason: .noSuchTensor("nope"))) { try file.tensor("nope") }
    }

    @Test func verifiesTheRecordedChecksum() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let values = (0..<1001).map { Float($0) * 0.37 - 11 }
        let data = bytes(values)
        let crc = naiveCRC32(data)
        let good = try writeSafeTensors([("x", "F32", [1001], data)], metadata: ["crc32": hex8(crc)], in: dir, name: "good")
        #expect(try SafeTensors(path: good, requireChecksum: true).tensor("x").values == values)

        var flipped = data
        flipped[777] ^= 0x10
        let bad = try writeSafeTensors([("x", "F32", [1001], flipped)], metadata: ["crc32": hex8(crc)], in: dir, name: "bad")
        #expect(throws: WeightFileError(path: bad, reason: .checksumMismatch(expected: crc, actual: naiveCRC32(flipped)))) {
            try SafeTensors(path: bad)
        }
        let unsummed = try writeSafeTensors([("x", "F32", [1001], data)], in: dir, name: "none")
        _ = try SafeTensors(path: unsummed)
        #expect(throws: WeightFileError.self) { try SafeTensors(path: unsummed, requireChecksum: true) }
    }

    @Test func rejectsDamagedHeaders() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = bytes([1, 2, 3, 4])
        let cases: [(String, (String) -> String)] = [
            ("wrong-length", { $0.replacingOccurrences(of: "[2, 2]", with: "[2, 3]") }),
            ("bad-dtype", { $0.replacingOccurrences(of: "F32", with: "Q4") }),
            ("past-end", { $0.replacingOccurrences(of: "[0,16]", with: "[8,24]") }),
            ("negative", { $0.replacingOccurrences(of: "[2, 2]", with: "[-2, -2]") }),
            ("not-json", { String($0.dropLast()) }),
        ]
        for (name, edit) in cases {
            let path = try writeSafeTensors([("m", "F32", [2, 2], data)], in: dir, name: name, headerEdit: edit)
            #expect(throws: WeightFileError.self, "\(name)") { try SafeTensors(path: path) }
        }
        // Truncated data, and a header length larger than the file.
        let whole = try writeSafeTensors([("m", "F32", [2, 2], data)], in: dir, name: "whole")
        let contents = try Data(contentsOf: URL(fileURLWithPath: whole))
        let truncated = dir.appendingPathComponent("truncated").path
        try contents.dropLast(3).write(to: URL(fileURLWithPath: truncated))
        #expect(throws: WeightFileError.self) { try SafeTensors(path: truncated) }
        var huge = contents
        huge.replaceSubrange(0..<8, with: withUnsafeBytes(of: UInt64(1 << 40).littleEndian) { Array($0) })
        let hugePath = dir.appendingPathComponent("huge").path
        try huge.write(to: URL(fileURLWithPath: hugePath))
        #expect(throws: WeightFileError.self) { try SafeTensors(path: hugePath) }
    }

    @Test func missingFileTellsTheUserToRunSetup() throws {
        let error = try #require(throws: WeightFileError.self) { try SafeTensors(path: "/nonexistent/model.safetensors") }
        #expect(error.description.contains("/nonexistent/model.safetensors"))
        #expect(error.description.contains("run scripts/setup"))
    }
}
