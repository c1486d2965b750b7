import Foundation

/// Which regions of an image are embedded besides the whole image, so that a query showing only part
/// of an indexed photo (a crop) finds that photo. Each region is cropped from the decoded image and
/// embedded like a photo of its own (one more CNN pass per region); its vector is stored under the
/// image's key with frame number 1, 2, … (`VisualVectorID`), and a search folds it back into its image
/// the way frames fold into their video (``FrameHitGrouping``: an item scores as its best vector).
/// Item queries ("more like this") and near-duplicate collapse keep using the whole-image vector.
///
/// Recorded per index version in `regions.json` (``VersionRecords/regions``) so that `add` and uploads embed
/// the same regions as the build did; a version without the file has none.
public enum RegionLayout: String, Sendable, Codable, CaseIterable {
    /// The whole image only (the default: see BENCHMARKS.md, *Regions*, for what regions cost).
    case none
    /// The centre window, 3/4 of the width and height (one region).
    case center
    /// The four corner windows and the centre window, each 3/4 of the width and height (five regions).
    case grid

    /// The regions as boxes (fractions of the image), in frame order 1, 2, ….
    public var boxes: [QueryBox] {
        switch self {
        case .none: []
        case .center: [try! QueryBox(x: 0.125, y: 0.125, width: 0.75, height: 0.75)]
        case .grid:
            [(0.125, 0.125), (0, 0), (0.25, 0), (0, 0.25), (0.25, 0.25)].map { origin in
                // The values are in range by construction.
                try! QueryBox(x: origin.0, y: origin.1, width: 0.75, height: 0.75)
            }
        }
    }
}
