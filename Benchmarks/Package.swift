// swift-tools-version:6.0
// In-process timings of Neyman's hot paths, for bench/run.sh. Kept out of the main package so that `make test`
// never builds it.
import PackageDescription

let package = Package(
    name: "NeymanBenchmarks",
    dependencies: [.package(name: "Neyman", path: "..")],
    targets: [
        .executableTarget(
            name: "neyman-bench",
            dependencies: [.product(name: "NeymanStats", package: "Neyman"), .product(name: "NeymanCore", package: "Neyman"),
                           .product(name: "NeymanNN", package: "Neyman"),
                           .product(name: "NeymanSPlot", package: "Neyman"), .product(name: "NeymanHEP", package: "Neyman")]
        ),
    ],
    swiftLanguageModes: [.v5]
)
