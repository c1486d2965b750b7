// Shared by the ivf and ivflog fuzz targets (compiled into the same module as Sources/VectorIndex, so
// internal types such as DeltaLog and IVFFileLayout are visible).
#if canImport(Glibc)
import Glibc
#endif

enum FuzzScratch {
    /// A per-process directory on tmpfs when there is one (a file write per input must be cheap).
    static let directory: String = {
        let root = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp"
        let path = "\(root)/fuzz-vindex-\(getpid())"
        mkdir(path, 0o700)
        return path
    }()

    static func write(_ bytes: [UInt8], to path: String) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        precondition(fd >= 0, "cannot write \(path)")
        var done = 0
        bytes.withUnsafeBytes { raw in
            while done < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + done, raw.count - done)
                precondition(n > 0, "cannot write \(path)")
                done += n
            }
        }
        close(fd)
    }

    static func read(_ path: String) -> [UInt8] { (try? FileIO.readFile(path)) ?? [] }

    /// Whether this input also takes the (costly) file round trip: one in 64, by a hash of all its bytes.
    static func selectsRoundTrip(_ data: UnsafePointer<UInt8>, _ size: Int) -> Bool {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a
        for i in 0..<size { hash = (hash ^ UInt64(data[i])) &* 0x100_0000_01b3 }
        return hash % 64 == 0
    }

    /// Runs `body`, accepting only VectorIndexError as a failure (anything else is a finding).
    static func expectingIndexErrors(_ body: () throws -> Void) {
        do { try body() } catch is VectorIndexError {} catch { fatalError("unexpected error type: \(error)") }
    }
}

extension [UInt8] {
    mutating func storeLE<T: FixedWidthInteger>(_ value: T, at offset: Int) {
        Swift.withUnsafeBytes(of: value.littleEndian) { replaceSubrange(offset..<(offset + MemoryLayout<T>.size), with: $0) }
    }
    func loadLE<T: FixedWidthInteger>(_: T.Type, at offset: Int) -> T {
        withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: T.self)) }
    }
}
