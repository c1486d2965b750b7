import DurableFiles
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The index's few system calls, fenced in one place. Every failure names the file.
enum FileIO {
    static func errorText() -> String { String(cString: strerror(errno)) }

    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    static func makeDirectory(_ path: String) throws {
        if mkdir(path, 0o755) != 0 && errno != EEXIST {
            throw VectorIndexError.io(path, "cannot create directory: \(errorText())")
        }
    }

    static func listDirectory(_ path: String) throws -> [String] {
        guard let dir = opendir(path) else { throw VectorIndexError.io(path, "cannot list directory: \(errorText())") }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Reads a small file whole (manifests, logs); `limit` guards against absurd sizes.
    static func readFile(_ path: String, limit: Int = 1 << 34) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw VectorIndexError.io(path, "cannot open: \(errorText())") }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw VectorIndexError.io(path, "cannot stat: \(errorText())") }
        let size = Int(st.st_size)
        guard size <= limit else { throw VectorIndexError(.corrupt, path, "is \(size) bytes, more than the \(limit) allowed") }
        var out = [UInt8](repeating: 0, count: size)
        var done = 0
        try out.withUnsafeMutableBytes { buf in
            while done < size {
                let n = pread(fd, buf.baseAddress! + done, size - done, off_t(done))
                if n < 0 && errno == EINTR { continue }
                guard n >= 0 else { throw VectorIndexError.io(path, "cannot read: \(errorText())") }
                if n == 0 { break }
                done += n
            }
        }
        return done == size ? out : Array(out[0..<done])
    }

    static func fsyncDirectory(_ path: String) throws {
        do { try DirectorySync.sync(path) } catch { throw VectorIndexError.io(path, error.message) }
    }

    static func rename(_ from: String, _ to: String) throws {
        guard Glibc.rename(from, to) == 0 else { throw VectorIndexError.io(to, "cannot rename from \(from): \(errorText())") }
    }

    static func remove(_ path: String) { unlink(path) }

    /// Writes `bytes` to `path` atomically (`DurableFiles.AtomicFileWriter`: temp file, fsync, rename,
    /// fsync of the directory holding `path`).
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        do { try AtomicFileWriter.replace(path, with: bytes) } catch { throw VectorIndexError.io(path, error.message) }
    }
}

/// A file opened for writing with positioned writes. Not shared between threads.
final class WritableFile {
    let path: String
    private(set) var fd: Int32

    init(creating path: String) throws {
        self.path = path
        fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw VectorIndexError.io(path, "cannot create: \(FileIO.errorText())") }
    }

    init(appending path: String) throws {
        self.path = path
        fd = open(path, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { throw VectorIndexError.io(path, "cannot open for writing: \(FileIO.errorText())") }
    }

    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws {
        var done = 0
        while done < bytes.count {
            let n = pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(offset + done))
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw VectorIndexError.io(path, "cannot write: \(FileIO.errorText())") }
            done += n
        }
    }

    func write(_ bytes: [UInt8], at offset: Int) throws { try bytes.withUnsafeBytes { try write($0, at: offset) } }

    func size() throws -> Int {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw VectorIndexError.io(path, "cannot stat: \(FileIO.errorText())") }
        return Int(st.st_size)
    }

    func truncate(to size: Int) throws {
        guard ftruncate(fd, off_t(size)) == 0 else { throw VectorIndexError.io(path, "cannot truncate: \(FileIO.errorText())") }
    }

    func sync() throws {
        guard fsync(fd) == 0 else { throw VectorIndexError.io(path, "cannot fsync: \(FileIO.errorText())") }
    }

    func close() {
        if fd >= 0 { Glibc.close(fd); fd = -1 }
    }

    deinit { close() }
}

/// The one writer's lock on an index directory: `DurableFiles.ExclusiveFileLock` on `DIR/LOCK`, with
/// failures reported as `VectorIndexError` (`.locked` when another writer holds it).
final class DirectoryLock {
    private let lock: ExclusiveFileLock

    init(directory: String, wait: Bool) throws {
        do {
            lock = try ExclusiveFileLock(path: directory + "/LOCK", wait: wait)
        } catch {
            switch error {
            case .held: throw VectorIndexError(.locked, directory, "another writer holds the index lock")
            case .system(let failure): throw VectorIndexError.io(failure.path, failure.message)
            }
        }
    }

    func unlock() { lock.unlock() }
}
