#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Opens an input file (a build's, an add's or an upload's) for reading, safely:
/// - never follows a symlink in the last component (`O_NOFOLLOW`): every input path was resolved when it
///   was listed, so a symlink there now means the file was swapped since — refused;
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
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        return .success(FileHandle(fileDescriptor: fd, closeOnDealloc: true))
    }
}
