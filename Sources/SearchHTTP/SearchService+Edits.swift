import Catalog
import Foundation
import SearchEngine

extension SearchService {
    /// Edits item `id`'s title, description and/or tags through `IndexMaintenance.update` (what `vsearch
    /// update` runs: catalog, BM25 and text vector; image and frame vectors kept), durable on return, then
    /// refreshes the snapshot so the next search sees it. `startBy`: as for ``add(_:startBy:)``.
    public func update(id: String, edit: ItemEdit, startBy: ContinuousClock.Instant? = nil) async throws -> ItemDTO {
        let index = index, textEncoder = textEncoder, serving = serving
        let timeout = configuration.requestTimeout
        let item: ItemDTO = try await writeWork.answer("write") {
            if let startBy, ContinuousClock.now > startBy { throw APIError.timeout(seconds: timeout.seconds) }
            guard let edited = try IndexMaintenance.update(id: id, edit: edit, in: index, textEncoder: textEncoder) else {
                throw APIError.itemNotFound(id)
            }
            serving.reopen(reason: "update")
            let frames = edited.kind == .video ? try serving.catalog().frames(videoID: id).count : 0
            return DTOMapping.item(edited, frames: frames)
        }
        thumbnails.removeAll(id: item.id)
        return item
    }

    /// A page of the items the serving version holds (``ItemListing``).
    public func items(filter: CatalogFilter, cursor: String?, limit: Int) async throws -> ItemListPage {
        let serving = serving
        return try await textWork.answer("items") {
            try ItemListing.page(try serving.catalog(), filter: filter, cursor: cursor, limit: limit)
        }
    }
}
