/// How many IVF lists a filtered visual query probes first.
enum VisualProbing {
    /// `base` widened by `items / allowed` for a filter that lets `allowed` of `items` items through
    /// (at most `nlist`): the lists probed then hold about as many allowed vectors as an unfiltered
    /// query's `base` lists hold vectors.
    static func proportional(base: Int, nlist: Int, items: Int, allowed: Int) -> Int {
        guard allowed > 0, allowed < items else { return min(nlist, base) }
        let widened = (Double(base) * Double(items) / Double(allowed)).rounded(.up)
        return widened >= Double(nlist) ? nlist : max(base, Int(widened))
    }
}
