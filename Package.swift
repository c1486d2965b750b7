// swift-tools-version: 6.1
// VisualSearch: visual and video search for Linux. Target layout, data flow and contracts: see ARCHITECTURE.md and README.md.
import PackageDescription

/// Hot numeric targets (kernels, the index) are compiled optimised even in debug builds, so the test
/// suite runs the real CNN and real index searches in seconds rather than minutes. `-O` is passed as an
/// unsafe flag, which SwiftPM allows for root packages.
let optimisedInDebug: [SwiftSetting] = [.unsafeFlags(["-O"])]

/// The Tensor kernels are written with `SIMD8<Float>` (one AVX register: 8 channels of an NHWC row).
/// Without a CPU baseline above x86-64 (SSE2), Swift lowers `addProduct` to a libm `fmaf` call per
/// lane; `haswell` (AVX2 + FMA + F16C, i.e. x86-64-v3) makes it one `vfmadd231ps`.
#if arch(x86_64)
let simdKernels: [SwiftSetting] = [.unsafeFlags(["-O", "-target-cpu", "haswell"])]
#else
let simdKernels: [SwiftSetting] = optimisedInDebug
#endif

/// The vector index's distance kernels target x86-64-v3 (AVX2 + FMA), as FAISS's AVX2 build does; the
/// `VECTORINDEX_FMA` condition selects fused multiply-add in the kernels (without hardware FMA it would
/// become a libm call per lane). Other architectures use the portable SIMD code.
#if arch(x86_64)
let vectorIndexSettings: [SwiftSetting] = optimisedInDebug + [
    .unsafeFlags(["-Xcc", "-mavx2", "-Xcc", "-mfma"]), .define("VECTORINDEX_FMA"),
]
#else
let vectorIndexSettings: [SwiftSetting] = optimisedInDebug
#endif

let package = Package(
    name: "VisualSearch",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "vsearch", targets: ["vsearch"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", .upToNextMajor(from: "3.12.3")),
        // HTTP service (SearchHTTP)
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.4.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.65.0"),
        // Cluster: etcd's v3 JSON gateway and the router's calls to shard replicas
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    ],
    targets: [
        // MARK: System libraries (Debian packages; scripts/setup installs them)
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CJPEG", pkgConfig: "libjpeg", providers: [.apt(["libjpeg62-turbo-dev"])]),
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(
            name: "CFFmpeg", pkgConfig: "libavformat",
            providers: [.apt(["libavformat-dev", "libavcodec-dev", "libswscale-dev", "libavutil-dev"])]),

        // MARK: C shims (libpng / libjpeg report errors with longjmp, which Swift cannot unwind)
        .target(name: "CCodecShims", dependencies: ["CPNG", "CJPEG"], cSettings: [.unsafeFlags(["-O2"])]),
        // AVX-512 variants of the hot convolution kernels (per-function `target` attributes) and the CPU
        // check that gates them; Tensor picks them at run time, so the build runs on AVX2-only CPUs too.
        .target(name: "CConvKernels", dependencies: ["CCPUFeatures"], cSettings: [.unsafeFlags(["-O2"])]),
        // The CPUID/XGETBV check both kernel targets consult before running AVX-512 code.
        .target(name: "CCPUFeatures", cSettings: [.unsafeFlags(["-O2"])]),
        // Fast-scan PQ kernels of the vector index (4-bit codes, byte-shuffle table lookups): portable, AVX2
        // and AVX-512 BW variants, chosen at run time (cpuid, VSEARCH_PQ_KERNELS).
        .target(name: "CPQKernels", dependencies: ["CCPUFeatures"], cSettings: [.unsafeFlags(["-O3"])]),

        // MARK: Libraries
        .target(name: "DurableFiles"),
        // The one fork-join helper (thread counts always passed in by the caller).
        // The one fork-join helper of the package (kernels, the index, ingest).
        .target(name: "Parallelism", swiftSettings: optimisedInDebug),
        .target(name: "Imaging", dependencies: ["CCodecShims", "DurableFiles"], swiftSettings: optimisedInDebug),
        .target(name: "Tensor", dependencies: ["CBLAS", "CTransformerKernels", "CConvKernels", "Parallelism"], swiftSettings: simdKernels),
        // fp16-weight dense layers for MiniLM: AVX2 and AVX-512 variants chosen at run time (cpuid).
        .target(name: "CTransformerKernels", dependencies: ["CCPUFeatures"], cSettings: [.unsafeFlags(["-O3"])]),
        .target(name: "Embedding", dependencies: ["Tensor", "Imaging", "DurableFiles", "Parallelism"], swiftSettings: optimisedInDebug),
        .target(name: "Catalog", dependencies: ["CSQLite"]),
        .target(name: "SearchEngine", dependencies: ["Catalog", "Embedding", "VectorIndex", "VideoFrames", "DurableFiles", "Parallelism",
                                                   .product(name: "Crypto", package: "swift-crypto")],
                swiftSettings: optimisedInDebug),
        .target(name: "VectorIndex", dependencies: ["CBLAS", "DurableFiles", "CPQKernels", "CCPUFeatures", "Parallelism"],
                swiftSettings: vectorIndexSettings),
        .target(name: "VideoFrames", dependencies: ["CFFmpeg", "Imaging"]),
        .target(name: "SearchTesting", dependencies: ["Imaging", "VectorIndex"]),
        .target(name: "SearchHTTP",
                dependencies: ["SearchEngine", "Embedding", "Imaging", "VideoFrames", "Catalog",
                               .product(name: "Crypto", package: "swift-crypto"),
                               .product(name: "Hummingbird", package: "hummingbird"),
                               .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                               .product(name: "Logging", package: "swift-log"),
                               .product(name: "Metrics", package: "swift-metrics"),
                               .product(name: "CoreMetrics", package: "swift-metrics"),
                               .product(name: "Prometheus", package: "swift-prometheus"),
                               .product(name: "MultipartKit", package: "multipart-kit"),
                               .product(name: "HTTPTypes", package: "swift-http-types"),
                               .product(name: "NIOCore", package: "swift-nio")]),
        // Shards, replicas and the router, coordinated through etcd (its v3 JSON gateway).
        .target(name: "Cluster",
                dependencies: ["SearchEngine", "SearchHTTP", "Embedding",
                               .product(name: "AsyncHTTPClient", package: "async-http-client"),
                               .product(name: "NIOHTTP1", package: "swift-nio"),
                               .product(name: "Hummingbird", package: "hummingbird"),
                               .product(name: "Logging", package: "swift-log"),
                               .product(name: "NIOCore", package: "swift-nio"),
                               .product(name: "HTTPTypes", package: "swift-http-types")]),
        .executableTarget(name: "vindex-crash-helper", dependencies: ["VectorIndex"], path: "Tests/VectorIndexCrashHelper"),

        // MARK: Executables
        .executableTarget(
            name: "vsearch",
            dependencies: [
                "Imaging", "Embedding", "VectorIndex", "Catalog", "SearchEngine", "VideoFrames", "SearchHTTP", "Tensor", "Cluster",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // MARK: Benchmarks (drivers run by scripts/bench-*, beside their anchors; not products)
        .executableTarget(name: "imaging-bench", dependencies: ["Imaging"], path: "Benchmarks/ImagingBench"),
        .executableTarget(name: "EmbeddingBenchmark", dependencies: ["Embedding", "Imaging", "Tensor"], path: "Benchmarks/EmbeddingBenchmark"),
        .executableTarget(name: "VideoBenchmark", dependencies: ["VideoFrames", "Embedding", "Imaging"], path: "Benchmarks/VideoBenchmark"),
        .executableTarget(name: "TextBenchmark", dependencies: ["Embedding", "Catalog", "SearchEngine", "Tensor"],
                          path: "Benchmarks/TextBenchmark"),
        .executableTarget(name: "vindex-bench", dependencies: ["VectorIndex"], path: "Benchmarks/VectorIndexBench"),
        .executableTarget(name: "HTTPBenchIndex", dependencies: ["Embedding", "Catalog", "SearchEngine", "VectorIndex"],
                          path: "Benchmarks/HTTPBench"),

        // MARK: Tests (one target per library, Swift Testing)
        .testTarget(name: "DurableFilesTests", dependencies: ["DurableFiles", "SearchTesting"]),
        .testTarget(name: "ImagingTests", dependencies: ["Imaging", "SearchTesting"], resources: [.copy("Fixtures")]),
        .testTarget(name: "TensorTests", dependencies: ["Tensor", "SearchTesting"]),
        .testTarget(name: "EmbeddingTests", dependencies: ["Embedding", "Imaging", "SearchTesting", "Tensor"]),
        .testTarget(name: "VectorIndexTests", dependencies: ["VectorIndex", "CPQKernels", "SearchTesting", "vindex-crash-helper"]),
        .testTarget(name: "CatalogTests", dependencies: ["Catalog", "CSQLite", "SearchTesting"]),
        .testTarget(name: "SearchEngineTests", dependencies: ["SearchEngine", "SearchTesting", "VideoFrames", "Imaging", "vsearch"]),
        .testTarget(name: "CLITests", dependencies: ["SearchTesting", "vsearch"]),
        .testTarget(name: "SearchHTTPTests",
                    dependencies: ["SearchHTTP", "SearchEngine", "SearchTesting", "Imaging", "Catalog", "vsearch",
                                   .product(name: "HummingbirdTesting", package: "hummingbird"),
                                   .product(name: "AsyncHTTPClient", package: "async-http-client"),
                                   .product(name: "NIOCore", package: "swift-nio"),
                                   .product(name: "NIOHTTP1", package: "swift-nio"),
                                   .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                                   .product(name: "Logging", package: "swift-log"),
                                   .product(name: "HTTPTypes", package: "swift-http-types")]),
        .testTarget(name: "ClusterTests", dependencies: ["Cluster", "SearchEngine", "VectorIndex", "Catalog", "Imaging", "SearchTesting", "vsearch",
                                                     .product(name: "AsyncHTTPClient", package: "async-http-client"),
                                                     .product(name: "NIOHTTP1", package: "swift-nio"),
                                                     .product(name: "Hummingbird", package: "hummingbird")]),
        .testTarget(name: "VideoFramesTests", dependencies: ["VideoFrames", "SearchTesting"], resources: [.copy("Fixtures")]),
    ],
    swiftLanguageModes: [.v6]
)
