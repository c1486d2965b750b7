import ArgumentParser
import Catalog
import Foundation
import SearchEngine

/// `vsearch update --index DIR --id ID [--title T] [--description D] [--tags a,b]`: edits an item's
/// metadata without re-embedding its media (`IndexMaintenance.update`).
struct UpdateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update",
        abstract: "Edit an item's title, description and/or tags: catalog, BM25 and text vector change; image and frame vectors are kept.")

    @OptionGroup var location: IndexOption
    @Option(help: "Item id.") var id: String
    @Option(help: "New title.") var title: String?
    @Option(help: "New description.") var description: String?
    @Option(help: "New tags, comma-separated (\"\" clears them).") var tags: String?
    @Option(help: "Directory holding the MiniLM model (default: $VSEARCH_MODELS/minilm or assets/models/minilm).") var model: String?
    @Flag(help: "Print the edited item as one JSON object.") var json = false

    func validate() throws {
        guard title != nil || description != nil || tags != nil else {
            throw TextCommandSupport.usage("update", "give at least one of --title, --description, --tags")
        }
    }

    func run() throws {
        let edit = ItemEdit(title: title, description: description,
                            tags: tags.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } })
        let encoder = try TextCommandSupport.loadTextEncoder("update", model: model)
        try TextCommandSupport.attempt("update") {
            guard let edited = try IndexMaintenance.update(id: id, edit: edit, in: location.directory, textEncoder: encoder) else {
                TextCommandSupport.error("update", "\(id): no such item in \(location.index)")
                throw ExitCode(1)
            }
            if json {
                let frames = edited.kind == .video
                    ? try IndexSnapshot(index: location.directory, readers: 1, textVectors: false).catalog.frames(videoID: id).count : 0
                print(try ResultJSON.line(ItemDTO(edited, frames: frames)))
            } else {
                print("updated \(id)")
            }
        }
    }
}

/// `vsearch items --index DIR [--filter F] [--json]`: every item the serving version holds (that passes
/// the filter), in the order they were added.
struct ItemsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "items",
        abstract: "List the items of the serving index version (optionally filtered).",
        discussion: "--json prints one object per item, the same fields as GET /v1/items/{id}.")

    @OptionGroup var location: IndexOption
    @Option(help: "Conditions (the search filter grammar), e.g. kind=image,-tag=draft") var filter: String?
    @Flag(help: "One JSON object per line.") var json = false

    func validate() throws {
        if let filter {
            do { _ = try CatalogFilter(parsing: filter) } catch { throw TextCommandSupport.usage("items", "\(error)") }
        }
    }

    func run() throws {
        try TextCommandSupport.attempt("items") {
            let snapshot = try IndexSnapshot(index: location.directory, readers: 1, textVectors: false)
            let filter = try filter.map(CatalogFilter.init(parsing:)) ?? CatalogFilter()
            var cursor: String?
            repeat {
                let page = try ItemListing.page(snapshot.catalog, filter: filter, cursor: cursor, limit: ItemListing.maximumLimit)
                for item in page.items {
                    print(json ? try ResultJSON.line(item) : "\(item.id)\t\(item.kind)\t\(item.title)\t\(item.tags.joined(separator: ","))\t\(item.path)")
                }
                cursor = page.nextCursor
            } while cursor != nil
        }
    }
}
