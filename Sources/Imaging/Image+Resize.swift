extension Image {
    /// Resized to exactly `width`×`height` with an antialiased `filter` (support widens with the reduction).
    public func resized(width: Int, height: Int, filter: ResizeFilter = .bilinear) -> Image {
        precondition(width > 0 && height > 0, "resize target \(width)x\(height)")
        if width == self.width && height == self.height { return self }
        return Resampler.resample(self, outputWidth: width, outputHeight: height,
                                  window: (0, 0, width, height), filter: filter)
    }

    /// The size with the shorter side scaled to `side`, the longer one scaled by the same factor and
    /// rounded to nearest (ties to even, as Python's `round`), at least 1.
    public static func sizeWithShorterSide(_ side: Int, width: Int, height: Int) -> (width: Int, height: Int) {
        precondition(side > 0 && width > 0 && height > 0, "shorter side \(side) of \(width)x\(height)")
        let scale = Double(side) / Double(min(width, height))
        if width <= height {
            return (side, max(1, Int((Double(height) * scale).rounded(.toNearestOrEven))))
        }
        return (max(1, Int((Double(width) * scale).rounded(.toNearestOrEven))), side)
    }

    /// Resized so the shorter side is `side` pixels, keeping the aspect ratio (up or down).
    public func resizedShorterSide(to side: Int, filter: ResizeFilter = .bilinear) -> Image {
        let size = Image.sizeWithShorterSide(side, width: width, height: height)
        return resized(width: size.width, height: size.height, filter: filter)
    }

    /// Resized to fit within `side`×`side`, keeping the aspect ratio (the longer side becomes `side`).
    /// Images already within the box are returned unchanged (thumbnails never upscale).
    public func fitted(within side: Int, filter: ResizeFilter = .bilinear) -> Image {
        precondition(side > 0, "fit box \(side)")
        if width <= side && height <= side { return self }
        let scale = Double(side) / Double(max(width, height))
        let w = width >= height ? side : max(1, Int((Double(width) * scale).rounded(.toNearestOrEven)))
        let h = height > width ? side : max(1, Int((Double(height) * scale).rounded(.toNearestOrEven)))
        return resized(width: w, height: h, filter: filter)
    }

    /// What the CNN sees: shorter side resized to `resizeShorterSideTo`, then the centred `crop`×`crop`
    /// square (offsets `round((W − crop) / 2)`, `round((H − crop) / 2)`). Identical to
    /// `resizedShorterSide(to:).centerCropped(to:)`, but computes only the cropped pixels.
    public func modelInput(resizeShorterSideTo: Int = 256, crop: Int = 224, filter: ResizeFilter = .bilinear) -> Image {
        precondition(crop > 0 && resizeShorterSideTo >= crop, "crop \(crop) larger than the resized side \(resizeShorterSideTo)")
        let size = Image.sizeWithShorterSide(resizeShorterSideTo, width: width, height: height)
        let left = Image.centredOffset(size.width, crop), top = Image.centredOffset(size.height, crop)
        return Resampler.resample(self, outputWidth: size.width, outputHeight: size.height,
                                  window: (left, top, crop, crop), filter: filter)
    }
}
