import Tensor

/// Which of EfficientNet-Lite0's 32 1×1 convolutions run in int8, and how: each layer's activation
/// clip (the quantisation threshold as a fraction of a pixel's largest magnitude) and weight range
/// (codes within ±64, which AVX2's fast `vpmaddubsw` kernel needs, or ±127); `nil` keeps a layer in
/// float32. See ``Int8PointwiseWeights``.
///
/// ``shipped`` is the table `EmbeddingBenchmark --calibrate` chose (see ARCHITECTURE.md and
/// BENCHMARKS.md: greedy per layer, minimising the embedding error against float32 on calibration
/// inputs generated from the repository's own `assets/samples` photos); it is a constant, so the
/// int8 encoder is deterministic and needs no calibration data at load.
public struct Int8Calibration: Sendable, Equatable, CustomStringConvertible {
    /// How one layer is quantised.
    public struct Layer: Sendable, Equatable {
        /// Activation threshold as a fraction of each pixel's largest magnitude (0 < clip ≤ 1).
        public var clip: Float
        /// Largest weight code (``Int8PointwiseWeights/weightLimit``).
        public var weightLimit: Int

        public init(clip: Float = 1, weightLimit: Int = Int8PointwiseWeights.narrowLimit) {
            precondition(clip > 0 && clip <= 1 && weightLimit >= 1 && weightLimit <= 127)
            self.clip = clip
            self.weightLimit = weightLimit
        }

        /// `clip` or `clip:limit` (limit 64 when omitted).
        public init?(_ text: some StringProtocol) {
            let parts = text.split(separator: ":")
            guard let clip = parts.first.flatMap({ Float($0) }), clip > 0, clip <= 1, parts.count <= 2 else { return nil }
            let limit = parts.count == 2 ? Int(parts[1]) : Int8PointwiseWeights.narrowLimit
            guard let limit, limit >= 1, limit <= 127 else { return nil }
            self.init(clip: clip, weightLimit: limit)
        }

        var text: String { weightLimit == Int8PointwiseWeights.narrowLimit ? "\(clip)" : "\(clip):\(weightLimit)" }
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

    /// The table the int8 encoder uses by default.
    public static let shipped = uniform()

    /// The table as `--clips` text: per layer `fp32` or `clip[:limit]`, comma-separated.
    public var text: String { layers.map { $0?.text ?? "fp32" }.joined(separator: ",") }

    public var description: String {
        zip(Self.layerNames, layers).map { "\($0)=\($1?.text ?? "fp32")" }.joined(separator: " ")
    }
}
