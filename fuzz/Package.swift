// swift-tools-version:6.0
// Fuzz targets for Neyman's readers (libFuzzer + AddressSanitizer). Not part of the root package: build it with
// `make fuzz` (see ../README.md), which passes `-sanitize=fuzzer,address` on the command line. Each executable's
// `main` hands its reader to libFuzzer's driver (Sources/CLibFuzzer), so a build without `-sanitize=fuzzer` does
// not link; that is expected.
import PackageDescription

let core = Target.Dependency.product(name: "NeymanCore", package: "Neyman")

let package = Package(
    name: "NeymanFuzz",
    dependencies: [.package(name: "Neyman", path: "..")],
    targets: [
        .target(name: "CLibFuzzer"),
        .target(name: "FuzzSupport", dependencies: ["CLibFuzzer", core]),
        .executableTarget(name: "fuzz-csv", dependencies: ["FuzzSupport", core]),
        .executableTarget(name: "fuzz-npy", dependencies: ["FuzzSupport", core]),
        .executableTarget(name: "fuzz-npz", dependencies: ["FuzzSupport", core]),
        .executableTarget(name: "fuzz-safetensors",
                          dependencies: ["FuzzSupport", core, .product(name: "NeymanNN", package: "Neyman")]),
        .executableTarget(name: "fuzz-toml", dependencies: ["FuzzSupport", core]),
        .executableTarget(name: "fuzz-json",
                          dependencies: ["FuzzSupport", core, .product(name: "NeymanStats", package: "Neyman")]),
    ],
    swiftLanguageModes: [.v5]
)
