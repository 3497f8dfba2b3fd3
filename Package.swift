// swift-tools-version:6.0
// Neyman: statistical inference for particle physics with classifiers as likelihood ratios.
// See ../README.md and docs/ for the design; each module folder has a README saying what it holds.
import PackageDescription

let package = Package(
    name: "Neyman",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "neyman", targets: ["neyman"]),
        .library(name: "NeymanCore", targets: ["NeymanCore"]),
        .library(name: "NeymanStats", targets: ["NeymanStats"]),
        .library(name: "NeymanNN", targets: ["NeymanNN"]),
        .library(name: "NeymanSPlot", targets: ["NeymanSPlot"]),
        .library(name: "NeymanReport", targets: ["NeymanReport"]),
        .library(name: "NeymanHEP", targets: ["NeymanHEP"]),
        .library(name: "NeymanAnalysis", targets: ["NeymanAnalysis"]),
        .library(name: "NeymanStudies", targets: ["NeymanStudies"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        // System-library shims: module maps only. GSL is linked against OpenBLAS's cblas (never -lgslcblas),
        // see Sources/CGSL/module.modulemap.
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS"),
        .systemLibrary(name: "CGSL", path: "Sources/CGSL"),
        .systemLibrary(name: "CCerf", path: "Sources/CCerf", pkgConfig: "libcerf"),
        .systemLibrary(name: "CHDF5", path: "Sources/CHDF5", pkgConfig: "hdf5", providers: [.apt(["libhdf5-dev"])]),
        // zlib for the NPZ reader (CRC-32, inflate); not named CZlib, the module name ZIPFoundation's shim has.
        .systemLibrary(name: "CLibZ", path: "Sources/CLibZ", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // C helpers: the load-time OpenBLAS thread pin (NeymanCore/BLASThreads.swift), renameat2 (StudyOutputDirectory).
        .target(name: "CNeymanSystem", dependencies: ["CBLAS"]),
        .target(name: "CNeymanKernels"),
        .target(
            name: "NeymanCore",
            dependencies: [
                "CGSL", "CBLAS", "CNeymanSystem", "CLibZ",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ],
            exclude: ["README.md"]
        ),
        .target(name: "NeymanStats", dependencies: ["NeymanCore", "CGSL", "CBLAS"], exclude: ["README.md"]),
        .target(name: "NeymanNN", dependencies: ["NeymanCore", "NeymanStats", "CBLAS", "CGSL", "CNeymanKernels"], exclude: ["README.md"]),
        .target(name: "NeymanSPlot", dependencies: ["NeymanCore", "NeymanStats", "CGSL", "CCerf"], exclude: ["README.md"]),
        .target(name: "NeymanReport", dependencies: ["NeymanCore"], exclude: ["README.md"]),
        .target(name: "NeymanHEP", dependencies: ["NeymanCore", "NeymanStats", "CBLAS", "CGSL", "CHDF5"], exclude: ["README.md"]),
        // A user's own analysis from files: the unbinned [model] spec and the model it builds (networks evaluated once).
        .target(name: "NeymanAnalysis", dependencies: ["NeymanCore", "NeymanStats", "NeymanNN"], exclude: ["README.md"]),
        .target(name: "NeymanStudies", dependencies: ["NeymanCore", "NeymanStats", "NeymanNN", "NeymanSPlot", "NeymanReport", "NeymanHEP",
                                                      "NeymanAnalysis"],
                exclude: ["README.md"]),
        .executableTarget(
            name: "neyman",
            dependencies: [
                "CNeymanSystem", "NeymanCore", "NeymanStats", "NeymanNN", "NeymanSPlot", "NeymanReport", "NeymanHEP", "NeymanAnalysis", "NeymanStudies",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "NeymanCoreTests", dependencies: ["NeymanCore", "CBLAS"]),
        .testTarget(name: "NeymanStatsTests", dependencies: ["NeymanStats", "NeymanCore"]),
        .testTarget(name: "NeymanNNTests", dependencies: ["NeymanNN", "NeymanCore"]),
        .testTarget(name: "NeymanSPlotTests", dependencies: ["NeymanSPlot", "NeymanStats", "NeymanCore", "CGSL", "CCerf"]),
        .testTarget(name: "NeymanReportTests", dependencies: ["NeymanReport"]),
        .testTarget(name: "NeymanHEPTests", dependencies: ["NeymanHEP", "NeymanStats", "NeymanCore", "CHDF5"]),
        .testTarget(name: "NeymanStudiesTests", dependencies: ["NeymanStudies", "NeymanStats", "NeymanNN", "NeymanCore"]),
        .testTarget(name: "NeymanAnalysisTests", dependencies: ["NeymanAnalysis", "NeymanStats", "NeymanNN", "NeymanCore"]),
        .testTarget(name: "NeymanCLITests", dependencies: ["neyman", "NeymanCore", "NeymanHEP", "NeymanStats"]),
    ],
    swiftLanguageModes: [.v6]
)
