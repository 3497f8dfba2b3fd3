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
/// network = "net/model.safetensors"   # a `neyman train` model, signal (label 1) against background (label 0), or an
///                                     #   ensemble (its directory or ensemble.json: the mean ratio, fits also member by member) ...
/// # column = "r"                      # ... or a column of every file that holds r
/// trained_on = "signal_vs_background" # or "mixture_vs_background" (the network saw S+B against B):
/// # signal_fraction = 0.1             #   then r = (lambda - (1 - alpha)) / alpha, alpha = this
/// # calibration = { file = "holdout.csv", label = "label", weight = "weight", bins = 20 }
/// # normalise = true                  # divide r by its weighted mean over the background sample (at every value
///                                     # of a shape parameter): E_B[p_S / p_B] = 1. Default: true for a network,
///                                     # false for a column
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
///
/// [model.normfactor.bkg_scale]        # a free factor on a yield (pyhf normfactor), no constraint
/// background = true                   # signal = true for the signal yield
/// bounds = [0.0, 10.0]                # optional
///
/// [model.shape.sigma]                 # a shape systematic: a parameter input of the network (at most one)
/// nominal = 0.5                       # the value the simulation was made at = the auxiliary measurement
/// uncertainty = 0.05                  # the Gaussian constraint's width
/// target = "signal"                   # the density it changes: "signal" (default) or "background"
/// column = "sigma"                    # optional: the network's input (default: the table's name)
/// range = [0.3, 0.7]                  # optional: the grid, default nominal +- 4 uncertainty (clipped to the
/// points = 21                         #   network's training range is your job), 21 points
///
/// [model.shape.jes]                   # ... or a shape systematic from varied signal samples (``ShapeSpec/Variation``)
/// up = { file = "signal_up.csv", weight = "w" }      # the signal simulated at +1 sigma of the systematic
/// down = { file = "signal_down.csv", weight = "w" }  # ... and at -1 sigma
/// columns = ["x"]                     # the classifier-reweighting inputs (default: the network's inputs)
/// layers = [64, 64]                   # optional: the reweighting classifiers (epochs = 30, folds = 2, seed = 1,
///                                     #   learning_rate = 1e-3); range and points as above, nominal 0, uncertainty 1
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
        /// Whether `r` is divided by its weighted mean over the background sample (per value of a shape parameter).
        public var normalise: Bool

        public init(source: RatioSource, mixtureSignalFraction: Double?, calibration: Calibration?, normalise: Bool = false) {
            self.source = source
            self.mixtureSignalFraction = mixtureSignalFraction
            self.calibration = calibration
            self.normalise = normalise
        }
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

    /// A free normalisation factor as written.
    public struct NormFactorSpec: Sendable, Equatable {
        public var name: String
        public var signal: Bool
        public var background: Bool
        public var bounds: ClosedRange<Double>
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
    public var normfactors: [NormFactorSpec] = []
    public var shape: ShapeSpec?

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
        var normfactors: [NormFactorSpec] = []
        if let n = try model.table("normfactor") {
            for name in n.keys {
                let t = try n.require(name) { try n.table($0) }
                let key = "model.normfactor.\(name)"
                let onSignal = try t.bool("signal") ?? false, onBackground = try t.bool("background") ?? false
                guard onSignal || onBackground else { throw bad(key, "acts on nothing: give signal = true and/or background = true") }
                var bounds = 0.0...10.0
                if let b = try t.doubles("bounds") {
                    guard b.count == 2, b[0].isFinite, b[1].isFinite, b[0] >= 0, b[0] < b[1] else {
                        throw bad("\(key).bounds", "must be [lo, hi] with 0 <= lo < hi, got \(b)")
                    }
                    bounds = b[0]...b[1]
                }
                guard name != poi, !systematics.contains(where: { $0.name == name }) else { throw bad(key, "has the name of another parameter") }
                normfactors.append(NormFactorSpec(name: name, signal: onSignal, background: onBackground, bounds: bounds))
            }
        }
        let normaliseDefault: Bool
        if case .network = source { normaliseDefault = true } else { normaliseDefault = false }
        let normalise = try ratioTable.bool("normalise") ?? normaliseDefault
        let shape = try readShape(try model.table("shape"), source: source, calibration: calibration, normalise: normalise,
                                  file: file, resolve: resolve)
        if let shape, shape.name == poi || systematics.contains(where: { $0.name == shape.name }) || normfactors.contains(where: { $0.name == shape.name }) {
            throw bad("model.shape.\(shape.name)", "has the name of another parameter")
        }
        return UnbinnedModelSpec(file: file, poiName: poi, muBounds: bounds,
                                 ratio: Ratio(source: source, mixtureSignalFraction: alpha, calibration: calibration, normalise: normalise),
                                 data: try sample("data", simulated: false), signal: try sample("signal", simulated: true),
                                 background: try sample("background", simulated: true), normsys: systematics, normfactors: normfactors, shape: shape)
    }
}
