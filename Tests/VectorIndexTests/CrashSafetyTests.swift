import Foundation
import SearchTesting
import Testing
import VectorIndex

/// kill -9 a writer process at random instants (mid-append, mid-compaction, mid-publish...) and check
/// that the index always opens, verifies, answers, and holds every write the child reported durable.
@Suite struct CrashSafetyTests {
    static var helperPath: String {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
        // On Linux the tests run from `.build/<triple>/<config>/<Package>PackageTests.xctest`.
        if dir.lastPathComponent.hasSuffix(".xctest") { dir = dir.deletingLastPathComponent() }
        return dir.appendingPathComponent("vindex-crash-helper").path
    }

    @Test func killedWriterLeavesAnIndexThatOpensAndAnswers() throws {
        let helper = Self.helperPath
        try #require(FileManager.default.isExecutableFile(atPath: helper), "helper not built at \(helper)")
        let dir = try TemporaryDirectory("crash")
        defer { dir.remove() }
        let d = 16
        let base = RandomVectors(dimension: d, centers: 20, seed: 5).sample(2000, stream: 1)
        do {  // the build's writer releases the lock at the end of this scope, before the children start
            let writer = try IVFIndexWriter(directory: dir.path)
            try writer.build(from: ArrayVectors(base, dimension: d), options: IVFBuildOptions(nlist: 16))
        }
        var nextOp = 0
        var lastCount = 2000
        var rng = RandomVectors.Generator(seed: 99)
        let query = Array(base[0..<d])
        for round in 0..<8 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: helper)
            process.arguments = [dir.path, String(nextOp), String(d)]
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = FileHandle.nullDevice
            try process.run()
            // Sleep 20–300 ms, then SIGKILL wherever the child is.
            usleep(UInt32(20_000 + rng.next() % 280_000))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            let done = output.split(separator: "\n").compactMap { line -> (Int, Int)? in
                let f = line.split(separator: " ")
                guard f.count == 3, f[0] == "done", let op = Int(f[1]), let c = Int(f[2]) else { return nil }
                return (op, c)
            }
            if let last = done.last { nextOp = last.0 + 1; lastCount = last.1 }

            let index = try IVFIndex.open(directory: dir.path)
            try index.verify()
            // Every reported write is durable; the next op may also have completed (killed after it
            // returned but before its line was printed). Op kinds mirror vindex-crash-helper.
            let acceptable: Set<Int>
            switch nextOp % 9 {
            case 4, 8: acceptable = [lastCount]
            case 2, 6: acceptable = Set((0...21).map { lastCount - $0 })
            default: acceptable = [lastCount, lastCount + 20]
            }
            #expect(acceptable.contains(index.count), "round \(round): count \(index.count), \(lastCount) reported after op \(nextOp - 1)")
            let hits = try index.search(query, k: 5, options: SearchOptions(nprobe: 16))
            #expect(hits.count == 5, "round \(round): \(hits) count \(index.count) nlist \(index.nlist) ops \(done.count)")
            if index.count != lastCount { nextOp += 1; lastCount = index.count }
        }
        // Temp files of an interrupted publish may remain until the next writer opens, which removes them.
        let final = try IVFIndexWriter(directory: dir.path)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains(".tmp") }.isEmpty)
        _ = final
    }

    /// Issue #14 item 3 with a real crash: a writer killed with SIGKILL after acknowledging two adds, then
    /// the log given a zero-filled or garbage tail (what the crash leaves when the file had grown but its
    /// data had not reached the disk). The index opens, every acknowledged write is there, nothing
    /// half-written is visible, and the next writer cuts the tail and appends after it.
    @Test(arguments: [false, true])
    func killedWriterWithATornLogTailReopensWithEveryAcknowledgedWrite(_ garbage: Bool) throws {
        let helper = Self.helperPath
        try #require(FileManager.default.isExecutableFile(atPath: helper), "helper not built at \(helper)")
        let dir = try TemporaryDirectory("crash-tail")
        defer { dir.remove() }
        let d = 16
        let base = RandomVectors(dimension: d, centers: 20, seed: 5).sample(2000, stream: 1)
        do {
            let writer = try IVFIndexWriter(directory: dir.path)
            try writer.build(from: ArrayVectors(base, dimension: d), options: IVFBuildOptions(nlist: 16))
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: helper)
        process.arguments = [dir.path, "0", String(d), "1"]  // two adds of 20, then wait to be killed
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        var output = ""
        while !output.contains("done 1 ") {
            let chunk = pipe.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            output += String(decoding: chunk, as: UTF8.self)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        output += String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(output.hasSuffix("done 1 2040\n"), "\(output)")

        let version = try IVFIndex.open(directory: dir.path).version
        let log = dir.file("v\(version).log")
        let tail: Data = garbage ? Data((0..<64).map { UInt8(truncatingIfNeeded: $0 &* 167 &+ 13) }) : Data(count: 4096)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        try handle.seekToEnd()
        try handle.write(contentsOf: tail)
        try handle.close()

        let index = try IVFIndex.open(directory: dir.path)
        try index.verify()
        #expect(index.ignoredLogTailBytes == tail.count)
        // Both acknowledged adds, and nothing else.
        #expect(index.count == 2040)
        #expect(try index.search(Array(base[0..<d]), k: 5, options: SearchOptions(nprobe: 16)).count == 5)

        do {  // the writer holds the directory lock until the end of this scope
            let writer = try IVFIndexWriter(directory: dir.path)
            #expect(writer.repairs.count == 1 && writer.repairs.first?.path == log)
            #expect(writer.repairs.first?.removedBytes == tail.count)
            try writer.add([Float](repeating: 0.5, count: d), ids: [7_777_777])
        }
        let reopened = try IVFIndex.open(directory: dir.path)
        #expect(reopened.count == index.count + 1 && reopened.ignoredLogTailBytes == 0)
    }
}

