// libFuzzer target: the IVF base-file reader (Sources/VectorIndex/Format/IVFFileLayout.swift and
// IVFIndex's open: sections, centroids, encoding parameters, list directory, lazily verified lists).
// Each input is a control byte plus a `v1.ivf`. Bit 0 of the control byte recomputes the section
// checksums (for sections inside the file) and the header checksum, so mutations reach the structure
// checks instead of stopping at a checksum. One input in 64 (by a hash of its bytes, so mutations of any
// seed reach it equally) also opens the file as an index (a MANIFEST naming version 1 beside it),
// verifies it and searches it (~1000× the header parse).
//
// Property: the header parse and the open either throw a VectorIndexError or give a consistent index.
#if canImport(Glibc)
import Glibc
#endif

let indexDirectory = FuzzScratch.directory + "/index"

@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> Int32 {
    mkdir(indexDirectory, 0o700)
    FuzzScratch.write(Manifest(version: 1).bytes(), to: indexDirectory + "/MANIFEST")
    if let seeds = getenv("FUZZ_WRITE_SEEDS").map({ String(cString: $0) }) { writeSeeds(to: seeds); exit(0) }
    return 0
}

/// Seeds: small indexes the writer builds (flat and sq8 encodings, with and without stored vectors).
func writeSeeds(to folder: String) {
    let d = 4, n = 12
    let vectors = (0..<(n * d)).map { Float(($0 * 7919) % 23) / 23 - 0.5 }
    for (name, encoding, stored) in [("flat", EncodingKind.flat, false), ("sq8", .sq8, false), ("sq8-stored", .sq8, true)] {
        let directory = FuzzScratch.directory + "/seed-\(name)"
        do {
            let writer = try IVFIndexWriter(directory: directory)
            try writer.build(from: ArrayVectors(vectors, dimension: d),
                             options: IVFBuildOptions(nlist: 3, encoding: encoding, storeVectors: stored))
        } catch {
            fatalError("cannot build the \(name) seed: \(error)")
        }
        let file = FuzzScratch.read(directory + "/v1.ivf")
        FuzzScratch.write([0x00] + file, to: "\(folder)/\(name)")
    }
}

func repairChecksums(_ file: inout [UInt8]) {
    let header = IVFFileLayout.headerLength
    guard file.count >= header else { return }
    for section in 0..<IVFFileLayout.sectionCount {
        let entry = 64 + 24 * section
        let offset = file.loadLE(UInt64.self, at: entry), length = file.loadLE(UInt64.self, at: entry + 8)
        guard offset <= UInt64(file.count), length <= UInt64(file.count) - offset else { continue }
        let sum = file.withUnsafeBytes { XXHash64.hash(base: $0.baseAddress! + Int(offset), count: Int(length)) }
        file.storeLE(sum, at: entry + 16)
    }
    file.storeLE(file.withUnsafeBytes { XXHash64.hash(base: $0.baseAddress, count: 248) }, at: 248)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size >= 1 else { return 0 }
    var file = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    if data[0] & 1 != 0 { repairChecksums(&file) }
    FuzzScratch.expectingIndexErrors {
        let layout = try file.withUnsafeBytes { try IVFFileLayout.parse($0, path: "v1.ivf") }
        precondition(layout.fileSize <= file.count, "a layout larger than its file was accepted")
    }
    guard FuzzScratch.selectsRoundTrip(data, size) else { return 0 }
    FuzzScratch.write(file, to: indexDirectory + "/v1.ivf")
    FuzzScratch.expectingIndexErrors {
        let index = try IVFIndex.open(directory: indexDirectory)
        precondition(index.count >= 0 && index.dimension > 0, "inconsistent index")
        try index.verify()
        if index.count > 0, index.dimension <= 4096 {
            let hits = try index.search(Array(repeating: 0.25, count: index.dimension), k: 3, options: SearchOptions(nprobe: 4))
            precondition(hits.count <= min(3, index.count), "more hits than vectors")
        }
    }
    return 0
}
