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

    @Option(help: "Index directory.")
    var index: String

    @Option(help: "Item id.")
    var id: String

    @Option(help: "New title.")
    var title: String?

    @Option(help: "New description.")
    var description: String?

    @Option(help: "New tags, comma-separated (\"\" clears them).")
    var tags: String?

    @Option(help: "Directory holding the MiniLM model (default: $VSEARCH_MODELS/minilm or assets/models/minilm).")
    var model: String?

    @Flag(help: "Print the edited item as one JSON object.")
    var json = false

    func validate() throws {
        guard title != nil || description != nil || tags != nil else {
            throw TextCommandSupport.usage("update", "give at least one of --title, --description, --tags")
        }
    }

    func run() throws {
        let edit = ItemEdit(title: title, description: description,
                            tags: tags.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } })
        let encoder = try TextCommandSupport.loadTextEncoder("update", model: model)
        do {
            guard let edited = try IndexMaintenance.update(id: id, edit: edit, in: IndexDirectory(path: index), textEncoder: encoder) else {
                TextCommandSupport.error("update", "\(id): no such item in \(index)")
                throw ExitCode(1)
            }
            if json {
                let frames = edited.kind == .video
                    ? try IndexSnapshot(index: IndexDirectory(path: index), readers: 1, textVectors: false).catalog.frames(videoID: id).count : 0
                print(try ResultJSON.line(ItemDTO(edited, frames: frames)))
            } else {
                print("updated \(id)")
            }
        } catch let exit as ExitCode {
            throw exit
        } catch {
            TextCommandSupport.error("update", "\(error)")
            throw ExitCode(1)
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

    @Option(help: "Index directory.")
    var index: String

    @Option(help: "Conditions (the search filter grammar), e.g. kind=image,-tag=draft")
    var filter: String?

    @Flag(help: "One JSON object per line.")
    var json = false

    func validate() throws {
        if let filter {
            do { _ = try CatalogFilter(parsing: filter) } catch { throw TextCommandSupport.usage("items", "\(error)") }
        }
    }

    func run() throws {
        do {
            let snapshot = try IndexSnapshot(index: IndexDirectory(path: index), readers: 1, textVectors: false)
            let filter = try filter.map(CatalogFilter.init(parsing:)) ?? CatalogFilter()
            var cursor: String?
            repeat {
                let page = try ItemListing.page(snapshot.catalog, filter: filter, cursor: cursor, limit: ItemListing.maximumLimit)
                for item in page.items {
                    print(json ? try ResultJSON.line(item) : "\(item.id)\t\(item.kind)\t\(item.title)\t\(item.tags.joined(separator: ","))\t\(item.path)")
                }
                cursor = page.nextCursor
            } while cursor != nil
        } catch {
            TextCommandSupport.error("items", "\(error)")
            throw ExitCode(1)
        }
    }
}
