import Foundation
import SearchTesting

/// Runs the built `vsearch` with `VSEARCH_CRASH_POINT` armed (the models from `VSEARCH_MODELS`, else the
/// repository's), for the tests that kill a writer between two of its durable steps.
enum CrashPointRunner {
    /// Runs `vsearch arguments…` until it ends; true when the crash point killed it (SIGKILL).
    static func killed(_ arguments: [String], at point: String) throws -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLineRunner.vsearchPath)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        if environment["VSEARCH_MODELS"] == nil { environment["VSEARCH_MODELS"] = "\(BuildFixtures.root)/assets/models" }
        environment["VSEARCH_CRASH_POINT"] = point
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL
    }
}
