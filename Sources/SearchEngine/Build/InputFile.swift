#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Opens an input file (a build's, an add's or an upload's) for reading, safely:
/// - never follows a symlink in the last component (`O_NOFOLLOW`): every input path was resolved when it
///   was listed, so a symlink there now means the file was swapped since — refused;
/// - never reads another file than the path named: the opened descriptor's real path must still be that
///   path (a folder on it swapped for a symlink since it was listed is refused); callers read through the
///   descriptor (FFmpeg too, via `/proc/self/fd/N`), never by name again;
/// - never blocks (`O_NONBLOCK` at open): a FIFO, socket or device is refused as not a regular file — a FIFO
///   named by a manifest would otherwise block the build forever while it holds the index lock.
enum InputFile {
    /// Why a path was not opened.
    enum Refusal: Error, Sendable {
        case notFound
        case unreadable(String)
        case notRegular(String)
    }

    /// A handle on the regular file at `path`, in blocking mode again once opened.
    static func open(_ path: String) -> Result<FileHandle, Refusal> {
        let fd = Glibc.open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            switch errno {
            case ENOENT, ENOTDIR: return .failure(.notFound)
            case ELOOP: return .failure(.unreadable("is a symbolic link now (changed since it was listed); not followed"))
            default: return .failure(.unreadable("cannot be read (\(String(cString: strerror(errno))))"))
            }
        }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            close(fd)
            return .failure(.notRegular("is not a regular file (a FIFO, socket, device or folder); refused"))
        }
        // Every input path was resolved (no symbolic links on it) and confined when it was listed. The file
        // actually opened must be that path still: a folder on it swapped for a symbolic link since (which
        // O_NOFOLLOW does not see: it guards the last component only) would otherwise lead outside the root.
        if let opened = openedPath(fd), opened != path {
            close(fd)
            return .failure(.unreadable("leads to \(opened) now (a folder on its path was replaced by a symbolic link since it was listed); not followed"))
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        return .success(FileHandle(fileDescriptor: fd, closeOnDealloc: true))
    }

    /// The path the kernel has for open descriptor `fd` (`/proc/self/fd/N`), nil where there is no /proc.
    private static func openedPath(_ fd: Int32) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/fd/\(fd)", &buffer, buffer.count - 1)
        guard length > 0 else { return nil }
        return String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
