// swift-tools-version: 6.0
// cardano-forge-manager: a fenced, single-forger coordinator for Cardano block producers.
import PackageDescription

let package = Package(
    name: "cardano-forge-manager",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "forge-reporter", targets: ["Reporter"]),
        .executable(name: "forge-aggregator", targets: ["Aggregator"]),
        .executable(name: "cardano-node-standin", targets: ["StandInNode"]),
        .executable(name: "forge-sandbox", targets: ["Sandbox"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.1"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    ],
    targets: [
        // libcurl (and OpenSSL's libcrypto for SHA-256) behind typed, non-variadic wrappers.
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev", "libssl-dev"])]
        ),
        // prctl(2) behind non-variadic C functions (PR_SET_DUMPABLE for the reporter and guard,
        // PR_SET_NAME for the libcurl transfer threads).
        .target(name: "CProcessControl"),
        // jemalloc, the aggregator's allocator, with its settings (Sources/CAllocator/allocator.c).
        .target(name: "CAllocator", linkerSettings: [.linkedLibrary("jemalloc")]),
        // libsodium's BLAKE2b (crypto_generichash) for pool ids and KES verification keys.
        .systemLibrary(
            name: "CSodium",
            pkgConfig: "libsodium",
            providers: [.apt(["libsodium-dev"])]
        ),
        // libyaml's event parser for kubeconfig files (KubeClient's YAMLLoader).
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        // Pure decision logic: schemas, lease state machine, aggregation, forge decision. No I/O.
        .target(name: "ForgeCore"),
        // The Kubernetes client over libcurl: config, verbs, watch, informer, leader election.
        .target(
            name: "KubeClient",
            dependencies: [
                "CCurl", "CYAML", "CProcessControl", "ForgeCore",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Everything that touches the cardano-node side of a pod: /proc, signals, key files,
        // the node socket, the fence file.
        .target(
            name: "ForgeNode",
            dependencies: ["CCurl", "CSodium", "ForgeCore", .product(name: "Logging", package: "swift-log")]
        ),
        // The command-line conventions both binaries share: JSON-lines logging, LOG_LEVEL
        // parsing, exit codes, version.
        .target(
            name: "ForgeCLI",
            dependencies: ["ForgeCore", .product(name: "Logging", package: "swift-log")]
        ),
        // Metrics and health endpoints shared by both binaries.
        .target(
            name: "ForgeHTTP",
            dependencies: [
                .product(name: "FlyingSocks", package: "FlyingFox"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "Reporter",
            dependencies: [
                "ForgeCore", "KubeClient", "ForgeNode", "ForgeHTTP", "CProcessControl", "ForgeCLI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "Aggregator",
            dependencies: [
                "ForgeCore", "KubeClient", "ForgeHTTP", "ForgeCLI", "CAllocator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Test fixture: a stand-in for cardano-node that behaves as ARCHITECTURE.md §3 says.
        .executableTarget(name: "StandInNode", dependencies: ["ForgeCore"]),
        // The demo: emulator, real reporters, guards, stand-in nodes and aggregators on one machine.
        .executableTarget(
            name: "Sandbox",
            dependencies: [
                "ForgeCore", "KubeClient", "ForgeNode", "ForgeHTTP", "TestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // Test helpers: start the API emulator, run binaries, poll with deadlines.
        .target(
            name: "TestSupport",
            dependencies: ["KubeClient", "ForgeCore", .product(name: "Yams", package: "Yams")]
        ),
        .testTarget(
            name: "ForgeCoreTests",
            dependencies: ["ForgeCore", .product(name: "PropertyBased", package: "swift-property-based")]
        ),
        .testTarget(name: "ForgeCLITests", dependencies: ["ForgeCLI", "TestSupport"]),
        .testTarget(name: "KubeClientTests", dependencies: ["KubeClient", "TestSupport"]),
        .testTarget(name: "ForgeNodeTests", dependencies: ["ForgeNode", "TestSupport"]),
        .testTarget(name: "ReporterTests", dependencies: ["Reporter", "TestSupport", "KubeClient", "ForgeNode", "ForgeCore"]),
        .testTarget(name: "AggregatorTests", dependencies: ["Aggregator", "TestSupport", "KubeClient", "ForgeCore"]),
    ],
    swiftLanguageModes: [.v6]
)
