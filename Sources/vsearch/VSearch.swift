import ArgumentParser
import Foundation
import Tensor

/// The `vsearch` command line: argument parsing only; every subcommand calls into the libraries.
@main
struct VSearch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vsearch",
        abstract: "Visual and video search: inspect, embed, index and search images and videos.",
        subcommands: [
            InspectCommand.self, ResizeCommand.self, FrameCommand.self, EmbedCommand.self, EmbedTextCommand.self,
            BuildCommand.self, AddCommand.self, RemoveCommand.self, InfoCommand.self, VersionsCommand.self,
            RollbackCommand.self, SearchCommand.self, UpdateCommand.self, ItemsCommand.self, VectorsCommand.self,
            EvalCommand.self, DriftCommand.self,
            ServeCommand.self, RouterCommand.self, ClusterCommand.self, SegmentCommand.self,
        ]
    )

    /// Runs the chosen subcommand. Differs from swift-argument-parser's default only in the exit status of
    /// usage errors: ARCHITECTURE.md fixes it at 2 (the parser's default is 64, EX_USAGE).
    static func main() async {
        // OpenBLAS is process-wide state: keep it at one thread. Every parallel part of the product (the
        // CNN, MiniLM, the index) splits its own work over the threads its caller chose, and only calls
        // BLAS for per-thread blocks; BLAS threads of its own would oversubscribe the cores.
        BLAS.threadCount = 1
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
