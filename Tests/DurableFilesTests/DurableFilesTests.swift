import Dispatch
import DurableFiles
import Foundation
import SearchTesting
import Testing

@Suite struct AtomicFileWriterTests {
    @Test func replacesTheWholeFileAndLeavesNoTemporaryBehind() throws {
        let scratch = try TemporaryDirectory("durable-replace")
        defer { scratch.remove() }
        let path = scratch.file("manifest")
        try AtomicFileWriter.replace(path, with: Array("first version, longer".utf8))
        try AtomicFileWriter.replace(path, with: Array("second".utf8))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "second")
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path) == ["manifest"])
    }

    @Test func failureNamesTheFileAndTheReason() throws {
        let scratch = try TemporaryDirectory("durable-missing")
        defer { scratch.remove() }
        let path = scratch.file("no-such-dir/out.bin")
        let error = try #require(throws: FileSystemError.self) { try AtomicFileWriter.replace(path, with: [1, 2, 3]) }
        #expect(error.code == ENOENT)
        #expect(error.operation == "create")
        #expect(error.description.contains("no-such-dir/out.bin"))
        #expect(!FileManager.default.fileExists(atPath: scratch.file("no-such-dir")))
    }
}

@Suite struct DirectorySyncTests {
    @Test(arguments: [("a/b", "a"), ("/b", "/"), ("b", "."), ("/x/y/z.tmp", "/x/y")])
    func parentOfAPath(path: String, parent: String) {
        #expect(DirectorySync.parent(of: path) == parent)
    }

    @Test func moveIsVisibleAtTheNewNameOnly() throws {
        let scratch = try TemporaryDirectory("durable-move")
        defer { scratch.remove() }
        try FileManager.default.createDirectory(atPath: scratch.file("staging"), withIntermediateDirectories: true)
        try AtomicFileWriter.replace(scratch.file("staging/data"), with: [7])
        try DirectorySync.move(scratch.file("staging"), to: scratch.file("published"))
        #expect(FileManager.default.fileExists(atPath: scratch.file("published/data")))
        #expect(!FileManager.default.fileExists(atPath: scratch.file("staging")))
        #expect(throws: FileSystemError.self) { try DirectorySync.sync(scratch.file("staging")) }
    }
}

@Suite struct ExclusiveFileLockTests {
    @Test func secondHolderIsRefusedUntilTheFirstUnlocks() throws {
        let scratch = try TemporaryDirectory("durable-lock")
        defer { scratch.remove() }
        let first = try ExclusiveFileLock(path: scratch.file("LOCK"))
        // flock belongs to an open file description, so a second open in the same process contends too.
        do {
            _ = try ExclusiveFileLock(path: scratch.file("LOCK"))
            Issue.record("a second exclusive lock was granted")
        } catch {
            guard case .held(let path) = error else { Issue.record("expected .held, got \(error)"); return }
            #expect(path == scratch.file("LOCK"))
        }
        first.unlock()
        let second = try ExclusiveFileLock(path: scratch.file("LOCK"))
        second.unlock()
    }

    /// A writer waits a bounded time for the holder: it gets the lock as soon as the holder lets go, and
    /// gives up with `.held` once the wait is over.
    @Test func boundedWaitGetsTheLockWhenReleasedAndGivesUpOtherwise() throws {
        let scratch = try TemporaryDirectory("durable-lock-wait")
        defer { scratch.remove() }
        let holder = try ExclusiveFileLock(path: scratch.file("LOCK"))
        do {
            _ = try ExclusiveFileLock(path: scratch.file("LOCK"), waitingUpTo: .milliseconds(100))
            Issue.record("the lock was granted while held")
        } catch {
            guard case .held = error else { Issue.record("expected .held, got \(error)"); return }
        }
        nonisolated(unsafe) let release = holder  // handed to one other thread, which only unlocks it
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { release.unlock() }
        let waited = try ExclusiveFileLock(path: scratch.file("LOCK"), waitingUpTo: .seconds(30))
        waited.unlock()
    }

    @Test func lockInAMissingDirectoryIsASystemError() throws {
        do {
            _ = try ExclusiveFileLock(path: "/nonexistent-vsearch-dir/LOCK")
            Issue.record("locked a file in a missing directory")
        } catch {
            guard case .system(let failure) = error else { Issue.record("expected .system, got \(error)"); return }
            #expect(failure.code == ENOENT)
        }
    }
}

@Suite struct ReadOnlyMappingTests {
    @Test func mapsTheFileBytes() throws {
        let scratch = try TemporaryDirectory("durable-map")
        defer { scratch.remove() }
        let bytes = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try AtomicFileWriter.replace(scratch.file("blob"), with: bytes)
        let mapping = try ReadOnlyMapping(path: scratch.file("blob"))
        #expect(mapping.count == bytes.count)
        #expect(Array(mapping.bytes) == bytes)
        #expect(Array(mapping.bytes(4096..<4100)) == Array(bytes[4096..<4100]))
        mapping.advise(willNeed: false, offset: 5000, length: 3000)
        #expect(Array(mapping.bytes(5000..<5004)) == Array(bytes[5000..<5004]))  // refaulted from the file
    }

    @Test func emptyFileMapsToNothing() throws {
        let scratch = try TemporaryDirectory("durable-empty")
        defer { scratch.remove() }
        try AtomicFileWriter.replace(scratch.file("empty"), with: [])
        let mapping = try ReadOnlyMapping(path: scratch.file("empty"))
        #expect(mapping.count == 0 && mapping.base == nil)
    }

    @Test func directoriesAndMissingFilesAreRefused() throws {
        let scratch = try TemporaryDirectory("durable-refuse")
        defer { scratch.remove() }
        let directory = try #require(throws: FileSystemError.self) { try ReadOnlyMapping(path: scratch.path) }
        #expect(directory.reason == "not a regular file")
        let missing = try #require(throws: FileSystemError.self) { try ReadOnlyMapping(path: scratch.file("absent")) }
        #expect(missing.code == ENOENT && missing.path == scratch.file("absent"))
    }
}
