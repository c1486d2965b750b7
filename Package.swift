// swift-tools-version: 6.1
// VisualSearch: visual and video search for Linux. Target layout and contracts: see DESIGN.md (shared) and README.md.
import PackageDescription

/// Hot numeric targets (kernels, the index) are compiled optimised even in debug builds, so the test
/// suite runs the real CNN and real index searches in seconds rather than minutes. `-O` is passed as an
/// unsafe flag, which SwiftPM allows for root packages.
let optimisedInDebug: [SwiftSetting] = [.unsafeFlags(["-O"])]

let package = Package(
    name: "VisualSearch",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "vsearch", targets: ["vsearch"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // MARK: System libraries (Debian packages; scripts/setup installs them)
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CJPEG", pkgConfig: "libjpeg", providers: [.apt(["libjpeg62-turbo-dev"])]),
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(
            name: "CFFmpeg", pkgConfig: "libavformat",
            providers: [.apt(["libavformat-dev", "libavcodec-dev", "libswscale-dev", "libavutil-dev"])]),

        // MARK: C shims (libpng / libjpeg report errors with longjmp, which Swift cannot unwind)
        .target(name: "CCodecShims", dependencies: ["CPNG", "CJPEG"]),

        // MARK: Libraries
        .target(name: "Imaging", dependencies: ["CCodecShims"], swiftSettings: optimisedInDebug),
        .target(name: "Tensor", dependencies: ["CBLAS"], swiftSettings: optimisedInDebug),
        .target(name: "Embedding", dependencies: ["Tensor", "Imaging"], swiftSettings: optimisedInDebug),
        .target(name: "VectorIndex", dependencies: ["CBLAS"], swiftSettings: optimisedInDebug),
        .target(name: "VideoFrames", dependencies: ["CFFmpeg", "Imaging"]),
        .target(name: "SearchTesting", dependencies: ["Imaging"]),

        // MARK: Executables
        .executableTarget(
            name: "vsearch",
            dependencies: [
                "Imaging", "Embedding", "VectorIndex", "VideoFrames",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // MARK: Tests (one target per library, Swift Testing)
        .testTarget(name: "ImagingTests", dependencies: ["Imaging", "SearchTesting"], resources: [.copy("Fixtures")]),
        .testTarget(name: "TensorTests", dependencies: ["Tensor", "SearchTesting"]),
        .testTarget(name: "EmbeddingTests", dependencies: ["Embedding", "SearchTesting"]),
        .testTarget(name: "VectorIndexTests", dependencies: ["VectorIndex", "SearchTesting"]),
        .testTarget(name: "VideoFramesTests", dependencies: ["VideoFrames", "SearchTesting"], resources: [.copy("Fixtures")]),
    ],
    swiftLanguageModes: [.v6]
)
