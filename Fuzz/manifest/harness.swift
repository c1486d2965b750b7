// libFuzzer target: the build manifest parsers (Sources/SearchEngine/Build/ManifestLineReader.swift,
// BuildInput.swift, BuildInputStream.swift and the JSON Lines reader ItemManifest.swift, compiled
// unchanged). Bit 0 of the first byte picks CSV or JSON Lines; the rest is the manifest, written into a
// scratch root holding `photos/a.jpg`, `clip.mp4` and a symlink that leaves the root.
//
// Properties: reading throws only the project's typed errors; every accepted entry resolves inside the
// root (the confinement the manifest reader promises); every rejection names the manifest and a line.
#if canImport(Glibc)
import Glibc
#endif
import Catalog
import Foundation

let scratch: String = {
    let base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : NSTemporaryDirectory()
    let path = "\(base)/fuzz-manifest-\(getpid())"
    try? FileManager.default.createDirectory(atPath: path + "/root/photos", withIntermediateDirectories: true)
    FileManager.default.createFile(atPath: path + "/root/photos/a.jpg", contents: Data([1]))
    FileManager.default.createFile(atPath: path + "/root/clip.mp4", contents: Data([1]))
    FileManager.default.createFile(atPath: path + "/outside.jpg", contents: Data([1]))
    try? FileManager.default.createSymbolicLink(atPath: path + "/root/photos/link.jpg", withDestinationPath: path + "/outside.jpg")
    return path
}()
let root = BuildInput.resolve(scratch + "/root")

func writeScratch(_ bytes: UnsafeBufferPointer<UInt8>, to path: String) {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    precondition(fd >= 0, "cannot write \(path)")
    var done = 0
    while done < bytes.count {
        let n = write(fd, bytes.baseAddress! + done, bytes.count - done)
        precondition(n > 0, "cannot write \(path)")
        done += n
    }
    close(fd)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size >= 1 else { return 0 }
    let manifest = root + (data[0] & 1 == 0 ? "/items.jsonl" : "/items.csv")
    writeScratch(UnsafeBufferPointer(start: data + 1, count: size - 1), to: manifest)
    do {
        try BuildInputStream(input: manifest, root: root).forEach { item in
            switch item {
            case .entry(let entry):
                precondition(BuildInput.isInside(entry.path, root: root), "\(entry.path) escapes \(root)")
            case .rejected(let failure):
                precondition(failure.input.hasPrefix(manifest) || failure.input.hasPrefix("line "),
                             "a rejection that names no manifest line: \(failure.input)")
            }
            return true
        }
    } catch is IndexBuildError {
    } catch is CatalogError {
    } catch {
        fatalError("unexpected error type: \(error)")
    }
    return 0
}
