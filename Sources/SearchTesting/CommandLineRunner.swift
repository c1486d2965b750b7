import Foundation

/// Runs the built `vsearch` executable the way a user does, for tests of the command-line contract.
public enum CommandLineRunner {
    /// What one run printed and how it ended.
    public struct Outcome: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
        /// Non-empty stdout lines.
        public var lines: [String] { stdout.split(separator: "\n").map(String.init) }
    }

    /// `vsearch` beside the test bundle: on Linux the tests run from
    /// `.build/<triple>/<config>/<Package>PackageTests.xctest`, and executables the test target depends on
    /// are built into the same folder.
    public static var vsearchPath: String {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
        if dir.lastPathComponent.hasSuffix(".xctest") { dir = dir.deletingLastPathComponent() }
        return dir.appendingPathComponent("vsearch").path
    }

    /// Runs `vsearch arguments…` to completion (stdout and stderr drained concurrently, so large outputs
    /// cannot block the child).
    public static func vsearch(_ arguments: [String], environment: [String: String]? = nil) throws -> Outcome {
        try run(vsearchPath, arguments, environment: environment)
    }

    /// Runs `executable arguments…` (in `currentDirectory` when given) to completion.
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                           currentDirectory: String? = nil) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let group = DispatchGroup()
        nonisolated(unsafe) var errData = Data()
        group.enter()
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus,
                       stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }
}
