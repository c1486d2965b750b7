#if canImport(Glibc)
import Glibc
#endif

/// A fresh directory under /tmp for one test, removed with its files by `remove()`.
struct TestDirectory {
    let path: String

    init() {
        var template = Array("/tmp/imaging-tests-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(made != nil, "mkdtemp failed")
        path = String(cString: template)
    }

    func write(_ bytes: [UInt8], named name: String) -> String {
        let file = "\(path)/\(name)"
        let handle = fopen(file, "wb")!
        _ = bytes.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, handle) }
        fclose(handle)
        return file
    }

    func read(_ name: String) -> [UInt8]? {
        guard let handle = fopen("\(path)/\(name)", "rb") else { return nil }
        defer { fclose(handle) }
        var bytes = [UInt8](), buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&buffer, 1, buffer.count, handle)
            if n <= 0 { break }
            bytes += buffer[0..<n]
        }
        return bytes
    }

    func entries() -> [String] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var names = [String]()
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    func remove() {
        for name in entries() { unlink("\(path)/\(name)") }
        rmdir(path)
    }
}
