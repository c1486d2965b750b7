import Foundation
import SearchTesting

/// A Spark standalone cluster on loopback for one test: a master and `workers` workers of one core each
/// (PySpark's own `spark-class`, Debian's OpenJDK 17), random free ports, scratch folders; every
/// process (and what its executors started) is killed by ``stop()``. PySpark lives in
/// `assets/spark/venv` (scripts/setup.d/30-spark installs it for `make test`).
final class SparkStandalone: @unchecked Sendable {
    static let venv = TextFixtures.repositoryRoot.path + "/assets/spark/venv"
    static var sparkClass: String { venv + "/bin/spark-class" }
    static var sparkSubmit: String { venv + "/bin/spark-submit" }
    static var python: String { venv + "/bin/python3" }

    /// PySpark and a Java runtime are installed.
    static var available: Bool {
        FileManager.default.isExecutableFile(atPath: sparkClass) && FileManager.default.isExecutableFile(atPath: sparkSubmit)
            && ["/usr/bin/java", "/usr/local/bin/java"].contains { FileManager.default.isExecutableFile(atPath: $0) }
    }

    let scratch: TemporaryDirectory
    let master: ManagedProcess
    let masterURL: String
    private(set) var workers: [ManagedProcess] = []

    /// The environment every Spark process (and the job's Python workers) runs with.
    let environment: [String: String]

    init(workers count: Int) throws {
        scratch = try TemporaryDirectory("spark")
        var environment = ProcessInfo.processInfo.environment
        environment["SPARK_LOCAL_IP"] = "127.0.0.1"
        environment["SPARK_LOCAL_DIRS"] = scratch.file("local")
        environment["SPARK_CONF_DIR"] = scratch.file("conf")
        environment["SPARK_LOG_DIR"] = scratch.file("logs")
        environment["PYSPARK_PYTHON"] = Self.python
        environment["PYSPARK_DRIVER_PYTHON"] = Self.python
        environment.removeValue(forKey: "SPARK_HOME")
        for folder in ["local", "conf", "logs"] { try FileManager.default.createDirectory(atPath: scratch.file(folder), withIntermediateDirectories: true) }
        self.environment = environment

        let port = try FreePort.next()
        masterURL = "spark://127.0.0.1:\(port)"
        master = try ManagedProcess("spark master", executable: Self.sparkClass, arguments: [
            "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", String(port), "--webui-port", String(try FreePort.next()),
        ], environment: environment)
        do {
            try Self.waitForLog(master, containing: "ALIVE")
            for i in 0..<count {
                let folder = scratch.file("worker\(i)")
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                let worker = try ManagedProcess("spark worker \(i)", executable: Self.sparkClass, arguments: [
                    "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--port", String(try FreePort.next()),
                    "--webui-port", String(try FreePort.next()), "--cores", "1", "--memory", "2g", "--work-dir", folder, masterURL,
                ], environment: environment)
                workers.append(worker)
                try Self.waitForLog(worker, containing: "Successfully registered with master")
            }
        } catch {
            stop()
            throw error
        }
    }

    /// Waits (bounded: 60 s) for a log line (Spark logs to stderr) containing `marker`.
    static func waitForLog(_ process: ManagedProcess, containing marker: String) throws {
        for _ in 0..<600 {
            if process.stderr.contains(marker) || process.stdout.contains(marker) { return }
            guard process.isRunning else { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw ProcessFailure("\(process.name) logged no '\(marker)': \(process.stderr.suffix(3000))")
    }

    /// `kill -9` of worker `index` and everything it started (its executor JVM, the executor's Python
    /// workers and their vsearch children), as if the machine died.
    func killWorker(_ index: Int) {
        let root = workers[index].process.processIdentifier
        let tree = ProcessTree.descendants(of: root)
        Foundation.kill(root, SIGKILL)
        for pid in tree { Foundation.kill(pid, SIGKILL) }
        workers[index].kill()
    }

    /// Whether worker `index` is running a process named `name` (a task's vsearch) somewhere below it.
    func workerRuns(_ index: Int, _ name: String) -> Bool {
        ProcessTree.descendants(of: workers[index].process.processIdentifier).contains { pid in
            (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) == name
        }
    }

    func stop() {
        for worker in workers {
            let tree = ProcessTree.descendants(of: worker.process.processIdentifier)
            worker.kill()
            for pid in tree { Foundation.kill(pid, SIGKILL) }
        }
        master.kill()
        scratch.remove()
    }
}

/// Process ids below a process, from `/proc/<pid>/stat` (field 4 is the parent's id).
enum ProcessTree {
    static func descendants(of root: Int32) -> [Int32] {
        var children: [Int32: [Int32]] = [:]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = Int32(name), let stat = try? String(contentsOfFile: "/proc/\(name)/stat", encoding: .utf8),
                  let close = stat.range(of: ")", options: .backwards) else { continue }
            let fields = stat[close.upperBound...].split(separator: " ")
            if fields.count > 2, let parent = Int32(fields[1]) { children[parent, default: []].append(pid) }
        }
        var found: [Int32] = []
        var queue = [root]
        while let pid = queue.popLast() {
            for child in children[pid] ?? [] {
                found.append(child)
                queue.append(child)
            }
        }
        return found
    }
}
