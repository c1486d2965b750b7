import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A depth-first walk of a folder in sorted order (names compared as strings, each directory's
/// entries sorted before descending), skipping hidden names. Only one listing per directory level is
/// held, so memory grows with the depth and the largest single directory, not with the whole tree.
/// Symlinks are not followed into directories; a symlink to a file inside the folder is skipped (the
/// file is listed as itself), one leading outside is reported.
struct FolderWalk {
    enum Found {
        case file(String)
        case rejected(BuildFailure)
    }

    let root: String

    init(_ directory: String) {
        root = URL(fileURLWithPath: directory).resolvingSymlinksInPath().path
    }

    /// Calls `body` for each regular file (absolute path) and each refused symlink, in order; stops
    /// when `body` returns false. Returns false if stopped.
    @discardableResult
    func forEach(_ body: (Found) throws -> Bool) throws -> Bool {
        try walk(root, body)
    }

    private func walk(_ directory: String, _ body: (Found) throws -> Bool) throws -> Bool {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { !$0.hasPrefix(".") }.sorted()
        } catch {
            if directory == root { throw IndexBuildError(.badInput, directory, "cannot list the folder") }
            return try body(.rejected(BuildFailure(input: directory, reason: "cannot list the folder; skipped", code: .unreadable)))
        }
        for name in names {
            let path = directory + "/" + name
            var info = stat()
            guard lstat(path, &info) == 0 else { continue }
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                if try !walk(path, body) { return false }
            case S_IFREG:
                if try !body(.file(path)) { return false }
            case S_IFLNK:
                let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
                if !BuildInput.isInside(resolved, root: root) {
                    let failure = BuildFailure(input: path, reason: "a symlink to \(resolved), outside the folder; not followed", code: .pathEscapesRoot)
                    if try !body(.rejected(failure)) { return false }
                }
            default:
                continue
            }
        }
        return true
    }
}
