import Foundation
import NeymanCore
import NeymanNN
import NeymanStats

/// A shape systematic of the signal given by samples simulated at `+1` and `-1` standard deviation
/// (``UnbinnedModelSpec/Variation``), made continuous in its nuisance parameter `alpha` event by event.
///
/// Classifier reweighting (``ClassifierReweighting``) of the nominal signal file to the up and to the down file
/// gives every event's `u(x) = p_up(x) / p_nom(x)` and `d(x) = p_down(x) / p_nom(x)`; the signal density at `alpha`
/// interpolates them linearly on each side of 0, per event (pyhf's histosys interpolation code 0, applied to a
/// density instead of a bin), clipped at 0 and normalised over the nominal signal sample:
/// ```
///   f(x; alpha) = max(0, 1 + |alpha| (v(x) - 1)),   v = u for alpha >= 0, d for alpha < 0
///   p_S(x; alpha) = p_S(x) f(x; alpha) / E_S[f(alpha)]    =>    r(x; alpha) = r(x) f(x; alpha) / E_S[f(alpha)]
/// ```
/// (`E_S`: the weighted mean over the nominal signal file). The normalisation keeps the systematic a pure shape
/// change; a rate change goes in a `[model.normsys]`. The signal file's own `u` and `d` come from the fold networks
/// that did not train on each event; other files' from the mean of the fold networks. `r(x; alpha)` is tabulated on
/// the shape's grid (``RatioGrid``: monotone cubic between points, exact at the points, so keep 0 a grid point: the
/// interpolation has its kink there).
struct VariedSampleShape {
    let columns: [String]
    let up: ClassifierReweighting
    let down: ClassifierReweighting
    /// The signal file's `u` and `d` (out-of-fold).
    let signalUp: [Double], signalDown: [Double]

    /// Trains the two reweightings of the nominal signal sample (`signal`, read from `signalFile`).
    init(_ variation: UnbinnedModelSpec.Variation, columns: [String], signal: Dataset, signalWeights: [Double]?, signalFile: String,
         shapeKey: String) throws {
        self.columns = columns
        func read(_ ds: Dataset, _ file: String) throws -> [[Double]] {
            do { return try columns.map { try ds.column($0) } } catch let e as NeymanError { throw e.inFile(file) }
        }
        let nominal = try read(signal, signalFile)
        var settings = ClassifierReweighting.Settings()
        settings.hidden = variation.layers
        settings.folds = variation.folds
        settings.training.epochs = variation.epochs
        settings.training.learningRate = Float(variation.learningRate)
        func train(_ s: UnbinnedModelSpec.Sample, _ which: String, _ task: UInt64) throws -> ClassifierReweighting {
            var wanted = columns
            if let w = s.weight, !wanted.contains(w) { wanted.append(w) }
            let ds = try Dataset.load(path: s.file, columns: wanted)
            let w: [Double]?
            do { w = try s.weight.map { try ds.column($0) } } catch let e as NeymanError { throw e.inFile(s.file) }
            var o = settings
            o.training.seed = RandomStream.mixSeed(variation.seed, task)
            do {
                return try ClassifierReweighting(source: nominal, sourceWeights: signalWeights, target: try read(ds, s.file), targetWeights: w,
                                                 settings: o)
            } catch let e as NeymanError {
                switch e.location.parameter {
                case "target": throw e.inFile(s.file)
                case "source": throw e.inFile(signalFile)
                default: throw NeymanError.invalid("reweighting the signal to its \(which) sample: \(e.message)", file: s.file, key: shapeKey)
                }
            }
        }
        up = try train(variation.up, "up", 1)
        down = try train(variation.down, "down", 2)
        signalUp = up.ratios
        signalDown = down.ratios
    }

    /// `u` and `d` of the events of `ds` (read from `file`).
    func factors(_ ds: Dataset, file: String) throws -> (up: [Double], down: [Double]) {
        let x: [[Double]]
        do { x = try columns.map { try ds.column($0) } } catch let e as NeymanError { throw e.inFile(file) }
        do { return (try up.ratios(for: x), try down.ratios(for: x)) } catch let e as NeymanError { throw e.inFile(file) }
    }

    /// `f(alpha)` of one event.
    static func factor(up u: Double, down d: Double, alpha: Double) -> Double {
        max(0, 1 + abs(alpha) * ((alpha >= 0 ? u : d) - 1))
    }

    /// The grid's `alpha` values.
    static func points(_ shape: UnbinnedModelSpec.ShapeSpec) -> [Double] {
        let h = (shape.range.upperBound - shape.range.lowerBound) / Double(shape.points - 1)
        return (0..<shape.points).map { shape.range.lowerBound + Double($0) * h }
    }

    /// `E_S[f(alpha)]` at every grid point, over the signal file with its weights.
    func normalisation(_ shape: UnbinnedModelSpec.ShapeSpec, signalWeights: [Double]?) throws -> [Double] {
        let alphas = VariedSampleShape.points(shape)
        let n = signalUp.count
        let w = signalWeights ?? [Double](repeating: 1, count: n)
        let total = w.reduce(0, +)
        return try alphas.map { a in
            var s = 0.0
            for i in 0..<n { s += w[i] * VariedSampleShape.factor(up: signalUp[i], down: signalDown[i], alpha: a) }
            let m = s / total
            guard m > 0, m.isFinite else {
                throw NeymanError.numericalFailure("the varied signal density at \(a) has mean weight \(m) over the nominal signal sample")
            }
            return m
        }
    }

    /// The grid of `r(x; alpha)` for events with ratios `r` and factors `u`, `d`.
    static func grid(ratios r: [Double], up u: [Double], down d: [Double], shape: UnbinnedModelSpec.ShapeSpec, means: [Double]) throws -> RatioGrid {
        let alphas = points(shape)
        var table = [Double](repeating: 0, count: r.count * alphas.count)
        for i in r.indices {
            for (g, a) in alphas.enumerated() { table[i * alphas.count + g] = r[i] * factor(up: u[i], down: d[i], alpha: a) / means[g] }
        }
        return try RatioGrid(lower: shape.range.lowerBound, upper: shape.range.upperBound, points: shape.points, values: table)
    }
}
