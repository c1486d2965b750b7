#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive advisory lock (`flock`) on a lock file, held until `unlock()`, deinit, or process exit —
/// the kernel drops it when the process dies, so a writer killed with SIGKILL never leaves a stale lock.
///
/// `@unchecked Sendable` is not claimed: a lock belongs to the one writer that took it.
public final class ExclusiveFileLock {
    /// The lock file.
    public let path: String
    private var descriptor: Int32

    /// The outcome when another process holds the lock and `wait` is false.
    public enum Failure: Error, Sendable {
        /// Another process holds the lock.
        case held(path: String)
        /// The lock file could not be opened or locked.
        case system(FileSystemError)
    }

    /// Opens (creating if needed) `path` and locks it; with `wait`, blocks until the holder releases it.
    public init(path: String, wait: Bool = false) throws(Failure) {
        self.path = path
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .system(.last(path, "open the lock file")) }
        while flock(descriptor, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0 {
            if errno == EINTR { continue }
            let failure: Failure = errno == EWOULDBLOCK ? .held(path: path) : .system(.last(path, "lock"))
            close(descriptor)
            descriptor = -1
            throw failure
        }
    }

    /// Opens (creating if needed) `path` and locks it, waiting at most `timeout` for another holder to
    /// release it (polling every 20 ms); throws ``Failure/held(path:)`` when the time is up.
    public convenience init(path: String, waitingUpTo timeout: Duration) throws(Failure) {
        let deadline = ContinuousClock.now + timeout
        while true {
            do {
                try self.init(path: path, wait: false)
                return
            } catch .held(let path) {
                guard ContinuousClock.now < deadline else { throw .held(path: path) }
                var pause = timespec(tv_sec: 0, tv_nsec: 20_000_000)
                nanosleep(&pause, nil)
            }
        }
    }

    /// Releases the lock (idempotent).
    public func unlock() {
        if descriptor >= 0 {
            flock(descriptor, LOCK_UN)
            close(descriptor)
            descriptor = -1
        }
    }

    deinit { unlock() }
}
