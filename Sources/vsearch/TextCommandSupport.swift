import ArgumentParser
import Embedding
import Foundation

/// Shared bits of the text commands (`embed-text`, `search`): stderr messages, usage errors, the model.
enum TextCommandSupport {
    /// Writes `vsearch COMMAND: message` to stderr.
    static func error(_ command: String, _ message: String) {
        printToStandardError(command.isEmpty ? "vsearch: \(message)" : "vsearch \(command): \(message)")
    }

    /// Runs `body`; an error it throws goes to stderr as `vsearch COMMAND: error` and exits with status 1
    /// (an `ExitCode` passes through unchanged).
    static func attempt<T>(_ command: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch { throw exitCode(command, for: error) }
    }

    /// ``attempt(_:_:)`` for asynchronous work (servers, etcd calls).
    static func attempt<T>(_ command: String, _ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch { throw exitCode(command, for: error) }
    }

    /// What ``attempt(_:_:)`` throws for `error`: an `ExitCode` unchanged; anything else printed to stderr
    /// as `vsearch COMMAND: error`, then exit status 1.
    private static func exitCode(_ command: String, for error: any Error) -> ExitCode {
        if let exit = error as? ExitCode { return exit }
        Self.error(command, "\(error)")
        return ExitCode(1)
    }

    /// Prints `vsearch COMMAND: [what ]listening on ADDRESS` on stdout, unbuffered: scripts wait for this
    /// line to learn the port (with --port 0).
    static func announceListening(_ command: String, _ what: String = "", on address: String) {
        FileHandle.standardOutput.write(Data("vsearch \(command): \(what.isEmpty ? "" : what + " ")listening on \(address)\n".utf8))
    }

    /// A usage error: message on stderr, exit status 2 (ARCHITECTURE.md), not ArgumentParser's 64.
    static func usage(_ command: String, _ message: String) -> ExitCode {
        error(command, message)
        return ExitCode(2)
    }

    /// Loads all-MiniLM-L6-v2 from `--model` or the default locations, running each forward pass on
    /// `threads` threads; failures go to stderr, exit 1.
    static func loadTextEncoder(_ command: String, model: String?, threads: Int = 1) throws -> TextEncoder {
        guard let directory = model.map({ URL(fileURLWithPath: $0) }) ?? TextModelLocator.miniLMDirectory() else {
            error(command, "all-MiniLM-L6-v2 model files not found in $VSEARCH_MODELS/minilm or assets/models/minilm (run scripts/setup, or pass --model DIR)")
            throw ExitCode(1)
        }
        return try attempt(command) { try TextEncoder(modelDirectory: directory, threads: threads) }
    }
}
