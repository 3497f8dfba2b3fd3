import Foundation
import NeymanCore

/// The `[model]` file of an unbinned analysis, as written by the user (a declarative spec, kept apart from the math in
/// ``UnbinnedAnalysisModel``; read by ``UnbinnedModelSpec/read(path:)``, turned into a model by ``UnbinnedAnalysis``).
///
/// ```toml
/// [model]
/// poi = "mu"                          # optional: the name of the signal strength
/// mu_bounds = [0.0, 20.0]             # optional: default [0, max(10, 10 sqrt(B) / S)]
///
/// [model.ratio]                       # the per-event density ratio r = p_S(x) / p_B(x)
/// network = "net/model.safetensors"   # a `neyman train` model, signal (label 1) against background (label 0) ...
/// # column = "r"                      # ... or a column of every file that holds r
/// trained_on = "signal_vs_background" # or "mixture_vs_background" (the network saw S+B against B):
/// # signal_fraction = 0.1             #   then r = (lambda - (1 - alpha)) / alpha, alpha = this
/// # calibration = { file = "holdout.csv", label = "label", weight = "weight", bins = 20 }
///
/// [model.data]
/// file = "data.csv"                   # the observed events (CSV, NPY or NPZ); weight = "w" optional
///
/// [model.signal]                      # simulated signal: the pool toys draw from, and the expected yield S
/// file = "signal.csv"
/// weight = "weight"                   # optional per-event weights
/// yield = 40.0                        # expected events at mu = 1; or "sum_of_weights"; or
/// # cross_section = 0.12; luminosity = 139000.0; generated = 500000   (S = xs lumi sum(w) / generated)
///
/// [model.background]
/// file = "background.csv"
/// yield = "sum_of_weights"
///
/// [model.normsys.lumi]                # a rate systematic: relative yields at alpha = -1 and +1 (pyhf normsys)
/// signal = { lo = 0.98, hi = 1.02 }
/// background = { lo = 0.98, hi = 1.02 }
/// ```
/// Relative paths are relative to the `[model]` file's directory. Every key is checked: an unknown or misspelt key
/// is an error naming the file and the key path.
public struct UnbinnedModelSpec: Sendable, Equatable {
    /// How the expected yield of a simulated sample is set.
    public enum Normalisation: Sendable, Equatable {
        /// A given number of events.
        case events(Double)
        /// The sum of the sample's weights (weights already normalised to the luminosity).
        case sumOfWeights
        /// `cross_section * luminosity * sum(w) / generated`.
        case crossSection(crossSection: Double, luminosity: Double, generated: Double)
    }

    /// One file of events.
    public struct Sample: Sendable, Equatable {
        /// The path, resolved against the `[model]` file's directory.
        public var file: String
        /// The weight column, if any.
        public var weight: String?
        /// The expected yield (simulated samples only; `nil` for data).
        public var normalisation: Normalisation?
    }

    /// Where the per-event ratio comes from.
    public enum RatioSource: Sendable, Equatable {
        /// A `neyman train` model (`.safetensors`).
        case network(String)
        /// A column holding `r` in every file.
        case column(String)
    }

    /// A held-out labelled sample on which the network's scores are calibrated into ratios (``RatioCalibration``).
    public struct Calibration: Sendable, Equatable {
        public var file: String
        public var label: String
        public var weight: String?
        public var bins: Int
    }

    /// The ratio: its source, and what the network was trained on.
    public struct Ratio: Sendable, Equatable {
        public var source: RatioSource
        /// `nil`: signal against background. Otherwise the signal fraction `alpha` of the S+B training sample.
        public var mixtureSignalFraction: Double?
        public var calibration: Calibration?
    }

    /// A rate systematic as written: `(lo, hi)` per yield it acts on.
    public struct RateSystematicSpec: Sendable, Equatable {
        public var name: String
        public var signal: (lo: Double, hi: Double)?
        public var background: (lo: Double, hi: Double)?

        public static func == (a: Self, b: Self) -> Bool {
            a.name == b.name && a.signal?.lo == b.signal?.lo && a.signal?.hi == b.signal?.hi
                && a.background?.lo == b.background?.lo && a.background?.hi == b.background?.hi
        }
    }

    /// The file the spec came from.
    public var file: String
    public var poiName: String
    public var muBounds: ClosedRange<Double>?
    public var ratio: Ratio
    public var data: Sample
    public var signal: Sample
    public var background: Sample
    public var normsys: [RateSystematicSpec]

    /// Reads and checks a `[model]` TOML file.
    /// - Throws: ``NeymanError`` naming the file and the key: a missing table or key, a wrong type, a value out of its
    ///   domain (yields and cross-sections positive, `0 < signal_fraction < 1`, `lo, hi > 0`, `bins >= 1`), both or
    ///   neither of `network` and `column`, or an unknown key.
    public static func read(path: String) throws -> UnbinnedModelSpec {
        let root = try ConfigFile.load(path: path)
        let spec = try parse(root)
        try root.rejectUnknownKeys()
        return spec
    }

    /// ``read(path:)`` on an already loaded file.
    public static func parse(_ root: ConfigTable) throws -> UnbinnedModelSpec {
        let file = root.file
        let dir = root.directory
        func bad(_ key: String, _ message: String) -> NeymanError { .invalid(message, file: file, key: key) }
        func resolve(_ p: String) -> String { p.hasPrefix("/") ? p : dir.appendingPathComponent(p).path }
        let model = try root.require("model") { try root.table($0) }
        let poi = try model.string("poi") ?? "mu"
        guard !poi.isEmpty else { throw bad("model.poi", "must not be empty") }
        var bounds: ClosedRange<Double>? = nil
        if let b = try model.doubles("mu_bounds") {
            guard b.count == 2, b[0].isFinite, b[1].isFinite, b[0] < b[1] else {
                throw bad("model.mu_bounds", "must be two finite increasing numbers [lo, hi], got \(b)")
            }
            bounds = b[0]...b[1]
        }

        let ratioTable = try model.require("ratio") { try model.table($0) }
        let network = try ratioTable.string("network"), column = try ratioTable.string("column")
        let source: RatioSource
        switch (network, column) {
        case let (n?, nil): source = .network(resolve(n))
        case let (nil, c?): source = .column(c)
        default: throw bad("model.ratio", "give exactly one of network (a neyman train model) and column (a column holding r)")
        }
        let trainedOn = try ratioTable.string("trained_on") ?? "signal_vs_background"
        var alpha: Double? = nil
        switch trainedOn {
        case "signal_vs_background":
            if ratioTable.contains("signal_fraction") {
                throw bad("model.ratio.signal_fraction", "is only used with trained_on = \"mixture_vs_background\"")
            }
        case "mixture_vs_background":
            guard let a = try ratioTable.double("signal_fraction"), a > 0, a < 1 else {
                throw bad("model.ratio.signal_fraction", "is required with trained_on = \"mixture_vs_background\" and must lie in (0, 1)")
            }
            alpha = a
        default:
            throw bad("model.ratio.trained_on", "must be \"signal_vs_background\" or \"mixture_vs_background\", got \"\(trainedOn)\"")
        }
        var calibration: Calibration? = nil
        if let c = try ratioTable.table("calibration") {
            guard case .network = source else { throw bad("model.ratio.calibration", "calibrates a network's scores; it needs network =") }
            let bins = try c.int("bins") ?? 20
            guard bins >= 1, bins <= 100_000 else { throw bad("model.ratio.calibration.bins", "must be in 1 ... 100000, got \(bins)") }
            calibration = Calibration(file: resolve(try c.require("file") { try c.string($0) }),
                                      label: try c.require("label") { try c.string($0) }, weight: try c.string("weight"), bins: bins)
        }

        func sample(_ key: String, simulated: Bool) throws -> Sample {
            let t = try model.require(key) { try model.table($0) }
            let path = try t.require("file") { try t.string($0) }
            let weight = try t.string("weight")
            guard simulated else { return Sample(file: resolve(path), weight: weight, normalisation: nil) }
            let hasYield = t.contains("yield"), hasXS = t.contains("cross_section")
            let norm: Normalisation
            switch (hasYield, hasXS) {
            case (true, false):
                if (try? t.string("yield")) != nil {
                    let word = try t.string("yield")
                    guard word == "sum_of_weights" else {
                        throw bad("model.\(key).yield", "must be a number of events or \"sum_of_weights\", got \"\(word ?? "")\"")
                    }
                    norm = .sumOfWeights
                } else {
                    guard let y = try t.double("yield"), y > 0, y.isFinite else {
                        throw bad("model.\(key).yield", "must be a positive number of events or \"sum_of_weights\"")
                    }
                    norm = .events(y)
                }
            case (false, true):
                let xs = try t.require("cross_section") { try t.double($0) }
                let lumi = try t.require("luminosity") { try t.double($0) }
                let generated = try t.require("generated") { try t.double($0) }
                for (k, v) in [("cross_section", xs), ("luminosity", lumi), ("generated", generated)] where !(v > 0 && v.isFinite) {
                    throw bad("model.\(key).\(k)", "must be positive and finite, got \(v)")
                }
                norm = .crossSection(crossSection: xs, luminosity: lumi, generated: generated)
            default:
                throw bad("model.\(key)", "give the expected yield: yield = N, yield = \"sum_of_weights\", or cross_section, luminosity and generated")
            }
            return Sample(file: resolve(path), weight: weight, normalisation: norm)
        }

        var systematics: [RateSystematicSpec] = []
        if let n = try model.table("normsys") {
            for name in n.keys {
                let t = try n.require(name) { try n.table($0) }
                func pair(_ which: String) throws -> (lo: Double, hi: Double)? {
                    guard let p = try t.table(which) else { return nil }
                    let lo = try p.require("lo") { try p.double($0) }, hi = try p.require("hi") { try p.double($0) }
                    for (k, v) in [("lo", lo), ("hi", hi)] where !(v > 0 && v.isFinite) {
                        throw bad("model.normsys.\(name).\(which).\(k)", "must be a positive relative yield, got \(v)")
                    }
                    return (lo, hi)
                }
                let s = try pair("signal"), b = try pair("background")
                guard s != nil || b != nil else {
                    throw bad("model.normsys.\(name)", "acts on nothing: give signal = { lo, hi } and/or background = { lo, hi }")
                }
                guard name != poi else { throw bad("model.normsys.\(name)", "has the name of the parameter of interest") }
                systematics.append(RateSystematicSpec(name: name, signal: s, background: b))
            }
        }
        return UnbinnedModelSpec(file: file, poiName: poi, muBounds: bounds,
                                 ratio: Ratio(source: source, mixtureSignalFraction: alpha, calibration: calibration),
                                 data: try sample("data", simulated: false), signal: try sample("signal", simulated: true),
                                 background: try sample("background", simulated: true), normsys: systematics)
    }
}
