import Cluster
import Foundation
import SearchTesting

/// A real etcd server for one test: a temporary data directory, random free loopback ports, killed at
/// the end. etcd comes from Debian's `etcd-server` (scripts/setup installs it).
final class EtcdProcess: @unchecked Sendable {
    let process: ManagedProcess
    let scratch: TemporaryDirectory
    let url: String

    /// `etcd` on PATH or in /usr/bin, or nil.
    static let executable: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") + ["/usr/bin", "/usr/local/bin"] {
            let candidate = "\(directory)/etcd"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }()

    static var available: Bool { executable != nil }

    init() throws {
        guard let executable = Self.executable else { throw ProcessFailure("etcd is not installed (Debian etcd-server; run scripts/setup)") }
        scratch = try TemporaryDirectory("etcd")
        let client = try FreePort.next(), peer = try FreePort.next()
        url = "http://127.0.0.1:\(client)"
        process = try ManagedProcess("etcd", executable: executable, arguments: [
            "--name", "test", "--data-dir", scratch.file("data"),
            "--listen-client-urls", url, "--advertise-client-urls", url,
            "--listen-peer-urls", "http://127.0.0.1:\(peer)", "--initial-advertise-peer-urls", "http://127.0.0.1:\(peer)",
            "--initial-cluster", "test=http://127.0.0.1:\(peer)", "--log-level", "error",
        ])
    }

    /// Waits (bounded) until etcd answers a read.
    func waitUntilServing() async throws {
        let etcd = EtcdClient(endpoint: url, timeout: .seconds(1))
        for _ in 0..<300 {
            let answered = (try? await etcd.list(prefix: "/probe")) != nil
            if answered { return }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ProcessFailure("etcd did not start: \(process.stderr.suffix(2000))")
    }

    func stop() {
        process.kill()
        scratch.remove()
    }
}
