// libFuzzer target: the append-log reader and the writer's torn-tail repair (Sources/VectorIndex/Format/
// DeltaLog.swift, IVFIndex open, IVFIndexWriter open). A small valid base index (dimension 4, 3 lists)
// is built once; each input is a log for it. The first byte is a control byte: bit 0 repairs the
// header checksum and every record checksum whose framing is consistent, so mutations reach the record
// parser instead of stopping at a checksum. One input in 64 (by a hash of its bytes, so mutations of
// any seed reach it equally) also runs the file round trip below.
//
// Every input: the parser either throws a VectorIndexError or accounts for every byte (records plus a
// torn tail). With the round trip, the input becomes `v1.log`: a reader opens it the same way, and when
// a writer opens, the log afterwards is exactly the prefix readers replayed (the torn tail cut), an add
// through it is durable, and a reopen sees one more vector. (The round trip costs ~1000× the parse.)
#if canImport(Glibc)
import Glibc
#endif

let d = 4
let indexDirectory = FuzzScratch.directory + "/index"
let baseCount = 12

@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> Int32 {
    RepairWarnings.setHandler { _ in }  // a repair per input is the point here, not news
    let vectors = (0..<(baseCount * d)).map { Float(($0 * 7919) % 23) / 23 - 0.5 }
    do {
        let writer = try IVFIndexWriter(directory: indexDirectory)
        try writer.build(from: ArrayVectors(vectors, dimension: d), options: IVFBuildOptions(nlist: 3))
    } catch {
        fatalError("cannot build the base index: \(error)")
    }
    if let seeds = getenv("FUZZ_WRITE_SEEDS").map({ String(cString: $0) }) { writeSeeds(to: seeds); exit(0) }
    return 0
}

/// Seeds: the logs the writer itself produces (adds and removes), then torn and damaged variants.
func writeSeeds(to folder: String) {
    do {
        let writer = try IVFIndexWriter(directory: indexDirectory)
        try writer.add([0.1, 0.2, 0.3, 0.4, -0.1, -0.2, -0.3, -0.4], ids: [100, 101])
        try writer.remove([3, 100])
        try writer.add([0.5, 0.5, 0.5, 0.5], ids: [102])
    } catch {
        fatalError("cannot write the seed log: \(error)")
    }
    let log = FuzzScratch.read(indexDirectory + "/v1.log")
    for control: UInt8 in [0x00] {
        let tag = "parse"
        FuzzScratch.write([control] + log, to: folder + "/writer-log-\(tag)")
        FuzzScratch.write([control | 1] + log + [UInt8](repeating: 0, count: 64), to: folder + "/zero-tail-\(tag)")
        FuzzScratch.write([control | 1] + log + (0..<64).map { UInt8(truncatingIfNeeded: $0 &* 167 &+ 13) },
                          to: folder + "/garbage-tail-\(tag)")
        FuzzScratch.write([control] + log.dropLast(5), to: folder + "/cut-short-\(tag)")
        FuzzScratch.write([control | 1] + Array(log.prefix(64)), to: folder + "/header-only-\(tag)")
    }
}

/// Makes the header checksum and each consistently framed record's checksum right.
func repairChecksums(_ log: inout [UInt8]) {
    guard log.count >= 64 else { return }
    log.storeLE(log.withUnsafeBytes { XXHash64.hash(base: $0.baseAddress, count: 56) }, at: 56)
    var offset = 64
    while offset + 16 <= log.count {
        let length = log.loadLE(UInt32.self, at: offset)
        guard log.loadLE(UInt32.self, at: offset + 4) == ~length, Int(length) <= log.count - offset - 16 else { return }
        let payload = Int(length)
        log.storeLE(log.withUnsafeBytes { XXHash64.hash(base: $0.baseAddress! + offset, count: 8 + payload) }, at: offset + 8 + payload)
        offset += 16 + payload
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size >= 1 else { return 0 }
    var log = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    if data[0] & 1 != 0 { repairChecksums(&log) }
    var parsedLength: Int?
    FuzzScratch.expectingIndexErrors {
        let parsed = try DeltaLog.parse(log, path: "v1.log", baseVersion: 1, dimension: d, nlist: 3)
        precondition(parsed.validLength + parsed.tornTailBytes == log.count, "log bytes unaccounted for")
        parsedLength = parsed.validLength
    }
    guard FuzzScratch.selectsRoundTrip(data, size) else { return 0 }
    let logPath = indexDirectory + "/v1.log"
    FuzzScratch.write(log, to: logPath)
    FuzzScratch.expectingIndexErrors {
        let reader = try IVFIndex.open(directory: indexDirectory)
        precondition(reader.logLength + reader.ignoredLogTailBytes == log.count, "log bytes unaccounted for")
        precondition(reader.logLength == parsedLength, "the reader and the parser disagree")
        if reader.count > 0 { _ = try reader.search(Array(repeating: 0.25, count: d), k: 2, options: SearchOptions(nprobe: 3)) }
        let writer = try IVFIndexWriter(directory: indexDirectory)
        precondition(FuzzScratch.read(logPath) == Array(log.prefix(reader.logLength)), "the writer did not cut exactly the torn tail")
        precondition(writer.repairs.count == (reader.ignoredLogTailBytes > 0 ? 1 : 0), "repair not reported")
        try writer.add([0.1, 0.1, 0.1, 0.1], ids: [9_999])
        let reopened = try IVFIndex.open(directory: indexDirectory)
        precondition(reopened.count == reader.count + 1 && reopened.ignoredLogTailBytes == 0, "an add after the repair was lost")
    }
    return 0
}
