import Foundation
import SearchTesting
import Testing

/// The cluster commands' usage errors (exit 2) and failures (exit 1, naming what and why).
@Suite struct ClusterCommandTests {
    static func run(_ arguments: [String]) throws -> CommandLineRunner.Outcome {
        try CommandLineRunner.vsearch(arguments, environment: ClusterProcessTests.environment)
    }

    @Test(arguments: [
        ["build", "--input", "x", "--index", "y", "--shard", "2/2"],
        ["build", "--input", "x", "--index", "y", "--shard", "one"],
        ["serve", "--index", "x", "--etcd", "http://127.0.0.1:1"],
        ["serve", "--index", "x", "--advertise", "http://a"],
        ["serve", "--index", "x", "--etcd", "http://127.0.0.1:1", "--cluster", "c", "--shard", "0", "--host", "0.0.0.0"],
        ["serve", "--index", "x", "--etcd", "http://127.0.0.1:1", "--cluster", "bad/name", "--shard", "0"],
        ["cluster", "create", "--etcd", "http://127.0.0.1:1", "--cluster", "c", "--shards", "0"],
        ["cluster", "status", "--etcd", "http://127.0.0.1:1"],
        ["router", "--etcd", "http://127.0.0.1:1", "--cluster", "c", "--shard-timeout-ms", "0"],
    ])
    func usageErrorsExitTwo(arguments: [String]) throws {
        let outcome = try Self.run(arguments)
        #expect(outcome.status == 2, "\(arguments): \(outcome.stderr)")
    }

    @Test func anUnreachableEtcdIsNamed() throws {
        let url = "http://127.0.0.1:\(try FreePort.next())"
        for arguments in [["cluster", "status", "--etcd", url, "--cluster", "c"],
                          ["cluster", "create", "--etcd", url, "--cluster", "c", "--shards", "2"],
                          ["cluster", "publish", "--etcd", url, "--cluster", "c", "--generation", "1"]] {
            let outcome = try Self.run(arguments)
            #expect(outcome.status == 1 && outcome.stderr.contains(url), "\(arguments): \(outcome.stderr)")
        }
    }
}
