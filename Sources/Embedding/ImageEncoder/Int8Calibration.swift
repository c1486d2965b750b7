import Tensor

/// Which of EfficientNet-Lite0's 32 1×1 convolutions run in int8, and how: each layer's activation
/// clip (the quantisation threshold as a fraction of a pixel's range), weight code range and
/// activation code range; `nil` keeps a layer in float32. See ``Int8PointwiseWeights``.
///
/// ``shipped`` is the table the int8 encoder uses (see ARCHITECTURE.md and BENCHMARKS.md for how it was
/// chosen with `EmbeddingBenchmark --calibrate` on inputs generated from the repository's own
/// `assets/samples` photos); it is a constant, so the int8 encoder is deterministic and needs no
/// calibration data at load.
public struct Int8Calibration: Sendable, Equatable, CustomStringConvertible {
    /// How one layer is quantised.
    public struct Layer: Sendable, Equatable {
        /// Activation threshold as a fraction of each pixel's range (0 < clip ≤ 1).
        public var clip: Float
        /// Largest weight code (``Int8PointwiseWeights/weightLimit``).
        public var weightLimit: Int
        /// Largest activation code (``Int8PointwiseWeights/activationLevels``).
        public var activationLevels: Int

        /// Defaults: ±127 weights, activations 0…127 (exact on AVX2's fast `vpmaddubsw` path).
        public init(clip: Float = 1, weightLimit: Int = 127, activationLevels: Int = 127) {
            precondition(clip > 0 && clip <= 1 && (1...127).contains(weightLimit) && (1...255).contains(activationLevels))
            self.clip = clip
            self.weightLimit = weightLimit
            self.activationLevels = activationLevels
        }

        /// `clip` or `clip:weightLimit:activationLevels`.
        public init?(_ text: some StringProtocol) {
            let parts = text.split(separator: ":")
            guard parts.count == 1 || parts.count == 3, let clip = Float(parts[0]), clip > 0, clip <= 1 else { return nil }
            let limit = parts.count == 3 ? Int(parts[1]) : 127, levels = parts.count == 3 ? Int(parts[2]) : 127
            guard let limit, let levels, (1...127).contains(limit), (1...255).contains(levels) else { return nil }
            self.init(clip: clip, weightLimit: limit, activationLevels: levels)
        }

        var text: String { weightLimit == 127 && activationLevels == 127 ? "\(clip)" : "\(clip):\(weightLimit):\(activationLevels)" }
    }

    /// Per layer in ``layerNames`` order: how it is quantised, or nil for float32.
    public var layers: [Layer?]

    public init(layers: [Layer?]) {
        precondition(layers.count == Self.layerNames.count, "expected \(Self.layerNames.count) layers")
        self.layers = layers
    }

    /// Parses ``text`` (`fp32` or `clip[:limit]` per layer, comma-separated); nil when malformed.
    public init?(text: String) {
        let items = text.split(separator: ",")
        guard items.count == Self.layerNames.count else { return nil }
        var layers: [Layer?] = []
        for item in items {
            if item == "fp32" { layers.append(nil); continue }
            guard let layer = Layer(item) else { return nil }
            layers.append(layer)
        }
        self.init(layers: layers)
    }

    /// The 1×1 convolutions in network order: `blocks.N.expand` (blocks 1…15), `blocks.N.project`, `head`.
    public static let layerNames: [String] = EfficientNetLite0.blocks.enumerated().flatMap { index, block in
        (block.expandRatio == 1 ? [] : ["blocks.\(index).expand"]) + ["blocks.\(index).project"]
    } + ["head"]

    /// Every layer in int8, quantised the same way.
    public static func uniform(_ layer: Layer = Layer()) -> Int8Calibration {
        Int8Calibration(layers: layerNames.map { _ in layer })
    }

    /// The table the int8 encoder uses by default, the output of `EmbeddingBenchmark --calibrate
    /// assets/samples` (72 inputs from the repository's 12 sample photos; per-layer float32 sensitivity,
    /// then float32 in that order until the mean cosine to float32 reached 0.999): every layer int8 with
    /// the default codes and clip 1, except the projections of blocks 1, 0, 11, 8 and 15. Projections
    /// narrow the network to 16–192 channels, so their rounding errors are not averaged away; these five
    /// are ~12 % of the 1×1 multiply-adds.
    public static let shipped: Int8Calibration = {
        var table = uniform()
        for block in [1, 0, 11, 8, 15] { table.layers[layerNames.firstIndex(of: "blocks.\(block).project")!] = nil }
        return table
    }()

    /// The table as `--clips` text: per layer `fp32` or `clip[:limit]`, comma-separated.
    public var text: String { layers.map { $0?.text ?? "fp32" }.joined(separator: ",") }

    public var description: String {
        zip(Self.layerNames, layers).map { "\($0)=\($1?.text ?? "fp32")" }.joined(separator: " ")
    }
}
