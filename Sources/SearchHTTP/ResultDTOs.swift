import Catalog
import Foundation
import SearchEngine

/// Item records (`ItemDTO`, shared with `vsearch items --json`, lives in SearchEngine).
enum DTOMapping {
    static func item(_ item: CatalogItem, frames: Int) -> ItemDTO {
        ItemDTO(item, frames: frames)
    }
}
