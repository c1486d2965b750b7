/// What `vsearch resize` produces.
public enum ResizeMode: String, Sendable, CaseIterable {
    /// The model input: shorter side to `round(size · 256 / 224)`, then the centred `size`×`size` square
    /// (for 224: shorter side 256, crop 224 — the ImageNet evaluation crop).
    case crop
    /// A thumbnail: the whole picture scaled to fit within `size`×`size` (never upscaled).
    case fit
}

extension ImageDecoder {
    /// Decodes the file at `path` and resizes it for `mode`, letting JPEGs decode at a reduced DCT scale
    /// whenever the result is still at least as large as the resize needs.
    public static func decodeResized(
        path: String, size: Int, mode: ResizeMode, filter: ResizeFilter = .bilinear, options: DecodeOptions = .init()
    ) throws(ImagingError) -> Image {
        let bytes = try readFile(path: path, maxBytes: options.maxFileBytes)
        return try decodeResized(data: bytes, name: path, size: size, mode: mode, filter: filter, options: options)
    }

    /// In-memory variant of `decodeResized(path:size:mode:filter:options:)`; `name` labels errors.
    public static func decodeResized(
        data: [UInt8], name: String, size: Int, mode: ResizeMode, filter: ResizeFilter = .bilinear,
        options: DecodeOptions = .init()
    ) throws(ImagingError) -> Image {
        precondition(size > 0, "resize size \(size)")
        var options = options
        switch mode {
        case .crop:
            let shorter = Int((Double(size) * 256 / 224).rounded())
            options.minimumShorterSide = shorter
            return try decode(data: data, name: name, options: options)
                .modelInput(resizeShorterSideTo: shorter, crop: size, filter: filter)
        case .fit:
            // The longer side must stay ≥ size, i.e. the shorter side ≥ size · shorter / longer.
            let info = try inspect(data: data, name: name, options: options)
            let longer = max(info.width, info.height), shorterSide = min(info.width, info.height)
            options.minimumShorterSide = (size * shorterSide + longer - 1) / longer
            return try decode(data: data, name: name, options: options).fitted(within: size, filter: filter)
        }
    }
}
