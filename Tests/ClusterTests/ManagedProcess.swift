import Foundation
import Synchronization

/// A child process of a test (etcd, a `vsearch serve` replica, the router): its stdout and stderr are
/// collected, and it can wait for a line, be killed with SIGKILL, or stopped. Every one is killed when
/// the test's `defer` calls ``kill()`` — no process outlives its test.
final class ManagedProcess: @unchecked Sendable {
    let name: String
    let process = Process()
    private let output = TextBuffer()
    private let errors = TextBuffer()

    init(_ name: String, executable: String, arguments: [String], environment: [String: String]? = nil) throws {
        self.name = name
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        out.fileHandleForReading.readabilityHandler = { [output] handle in
            let data = handle.availableData
            if !data.isEmpty { output.text.withLock { $0 += String(decoding: data, as: UTF8.self) } }
        }
        err.fileHandleForReading.readabilityHandler = { [errors] handle in
            let data = handle.availableData
            if !data.isEmpty { errors.text.withLock { $0 = String(($0 + String(decoding: data, as: UTF8.self)).suffix(20_000)) } }
        }
        try process.run()
    }

    var stdout: String { output.text.withLock { $0 } }
    var stderr: String { errors.text.withLock { $0 } }
    var isRunning: Bool { process.isRunning }

    /// Waits (bounded: `attempts` × 100 ms) for a stdout line containing `marker`; returns that line.
    func waitForLine(containing marker: String, attempts: Int = 1200) throws -> String {
        for _ in 0..<attempts {
            if let line = stdout.split(separator: "\n").first(where: { $0.contains(marker) }) { return String(line) }
            guard process.isRunning else { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw ProcessFailure("\(name) printed no line with '\(marker)'; stderr: \(stderr.suffix(2000))")
    }

    /// SIGKILL, then reaps.
    func kill() {
        if process.isRunning {
            Foundation.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}

final class TextBuffer: Sendable {
    let text = Mutex("")
}

struct ProcessFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Free loopback TCP ports (bound to port 0, then released).
enum FreePort {
    static func next() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ProcessFailure("socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else { throw ProcessFailure("bind() failed") }
        let named = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw ProcessFailure("getsockname() failed") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
