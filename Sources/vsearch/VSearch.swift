import ArgumentParser

/// The `vsearch` command line: argument parsing only; every subcommand calls into the libraries.
@main
struct VSearch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vsearch",
        abstract: "Visual and video search: inspect, embed, index and search images and videos.",
        subcommands: [InspectCommand.self, ResizeCommand.self, EmbedCommand.self, EmbedTextCommand.self, SearchCommand.self, VectorsCommand.self,
                      BuildCommand.self, AddCommand.self, RemoveCommand.self, InfoCommand.self, VersionsCommand.self, RollbackCommand.self, FrameCommand.self]
    )
}
