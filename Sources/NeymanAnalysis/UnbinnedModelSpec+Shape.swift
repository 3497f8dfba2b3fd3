import Foundation
import NeymanCore

extension UnbinnedModelSpec {
    /// A shape systematic as written (``ShapeSystematic``, tabulated on a ``RatioGrid``): either a parameter input
    /// of a parameterized network (`column`, `nominal`, `uncertainty`), or varied signal samples (``variation``),
    /// whose nuisance parameter has nominal 0 and a unit Gaussian constraint.
    public struct ShapeSpec: Sendable, Equatable {
        public var name: String
        /// The network input that carries the parameter (parameterized-network form; the table's name by default).
        public var column: String
        public var nominal: Double
        public var uncertainty: Double
        public var target: String
        public var range: ClosedRange<Double>
        public var points: Int
        /// The varied-sample form, when `up` and `down` are given.
        public var variation: Variation? = nil
    }

    /// A shape systematic given by signal samples simulated at `+1` and `-1` standard deviation of the systematic
    /// (``VariedSampleShape``): the per-event ratios `u(x) = p_up / p_nominal` and `d(x) = p_down / p_nominal` come
    /// from classifier reweighting (``ClassifierReweighting``) of the nominal signal file to each.
    public struct Variation: Sendable, Equatable {
        /// The `+1` and `-1` signal samples (file and optional weight column).
        public var up: Sample
        public var down: Sample
        /// The reweighting classifiers' input columns; `nil` = the ratio network's inputs.
        public var columns: [String]?
        /// The classifiers: hidden widths, epochs, folds, seed, learning rate.
        public var layers: [Int]
        public var epochs: Int
        public var folds: Int
        public var seed: UInt64
        public var learningRate: Double
    }

    /// Reads `[model.shape]` (at most one systematic; see the type's documentation for the keys).
    static func readShape(_ table: ConfigTable?, source: RatioSource, calibration: Calibration?, normalise: Bool, file: String,
                          resolve: (String) -> String) throws -> ShapeSpec? {
        func bad(_ key: String, _ message: String) -> NeymanError { .invalid(message, file: file, key: key) }
        guard let table else { return nil }
        let names = table.keys
        guard names.count <= 1 else {
            throw bad("model.shape", "holds \(names.count) shape systematics (\(names.joined(separator: ", "))); one is supported: its ratios are tabulated on a grid")
        }
        guard let name = names.first else { return nil }
        let t = try table.require(name) { try table.table($0) }
        let key = "model.shape.\(name)"
        let varied = t.contains("up") || t.contains("down")
        var nominal = 0.0, sigma = 1.0
        var variation: Variation? = nil
        if varied {
            for k in ["nominal", "uncertainty", "column"] where t.contains(k) {
                throw bad("\(key).\(k)", "applies to a parameterized network; a systematic from up/down samples has nominal 0 and uncertainty 1")
            }
            func sample(_ k: String) throws -> Sample {
                let s = try t.require(k) { try t.table($0) }
                let path = try s.require("file") { try s.string($0) }
                return Sample(file: resolve(path), weight: try s.string("weight"), normalisation: nil)
            }
            let up = try sample("up"), down = try sample("down")
            let columns = try t.strings("columns")
            if let columns {
                guard !columns.isEmpty, Set(columns).count == columns.count else { throw bad("\(key).columns", "name distinct columns, at least one") }
            } else if case .column = source {
                throw bad("\(key).columns", "name the reweighting classifiers' input columns (the ratio is a column, not a network with inputs)")
            }
            let layers = try t.ints("layers") ?? [64, 64]
            guard !layers.isEmpty, layers.allSatisfy({ $0 > 0 && $0 <= 100_000 }) else { throw bad("\(key).layers", "widths must be in 1 ... 100000") }
            let epochs = try t.int("epochs") ?? 30
            guard (1...100_000).contains(epochs) else { throw bad("\(key).epochs", "must be in 1 ... 100000, got \(epochs)") }
            let folds = try t.int("folds") ?? 2
            guard (2...100).contains(folds) else { throw bad("\(key).folds", "must be in 2 ... 100, got \(folds)") }
            let rate = try t.double("learning_rate") ?? 1e-3
            guard rate > 0, rate.isFinite, rate < 1 else { throw bad("\(key).learning_rate", "must be in (0, 1), got \(rate)") }
            variation = Variation(up: up, down: down, columns: columns, layers: layers, epochs: epochs, folds: folds,
                                  seed: try t.seed("seed") ?? 1, learningRate: rate)
        } else {
            guard case .network = source else { throw bad(key, "needs a parameterized network ([model.ratio] network = ...) or up and down samples") }
            guard calibration == nil else { throw bad(key, "cannot be combined with [model.ratio] calibration (one histogram cannot follow the parameter)") }
            nominal = try t.require("nominal") { try t.double($0) }
            sigma = try t.require("uncertainty") { try t.double($0) }
            guard nominal.isFinite else { throw bad("\(key).nominal", "must be finite") }
            guard sigma > 0, sigma.isFinite else { throw bad("\(key).uncertainty", "must be positive and finite, got \(sigma)") }
        }
        let target = try t.string("target") ?? "signal"
        guard target == "signal" || target == "background" else {
            throw bad("\(key).target", "must be \"signal\" or \"background\", got \"\(target)\"")
        }
        if varied && target != "signal" {
            throw bad("\(key).target", "up/down samples are supported for the signal (the background's density sets the ratio's normalisation)")
        }
        guard target == "signal" || !normalise else {
            throw bad("\(key).target", "\"background\" needs [model.ratio] normalise = false (E_B[r] = 1 fixes the ratio's "
                      + "normalisation only when the parameter changes the signal)")
        }
        var range = (nominal - 4 * sigma)...(nominal + 4 * sigma)
        if let r = try t.doubles("range") {
            guard r.count == 2, r[0].isFinite, r[1].isFinite, r[0] <= nominal, nominal <= r[1], r[0] < r[1] else {
                throw bad("\(key).range", "must be [lo, hi] with lo <= nominal <= hi, got \(r)")
            }
            range = r[0]...r[1]
        }
        let points = try t.int("points") ?? 21
        guard points >= 3, points <= 1001 else { throw bad("\(key).points", "must be in 3 ... 1001, got \(points)") }
        return ShapeSpec(name: name, column: try t.string("column") ?? name, nominal: nominal, uncertainty: sigma,
                         target: target, range: range, points: points, variation: variation)
    }
}
