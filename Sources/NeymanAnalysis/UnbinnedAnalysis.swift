import Foundation
import NeymanCore
import NeymanStats

/// A user's unbinned analysis, built from a `[model]` file (``UnbinnedModelSpec``): the statistical model
/// (``UnbinnedAnalysisModel``: yields, rate systematics, simulated pools with per-event ratios) and the observed data.
///
/// The ratio of every event (data, signal pool, background pool) is computed once, when the analysis is loaded
/// (``EventRatioSource``). Yields: ``UnbinnedModelSpec/Normalisation``.
public struct UnbinnedAnalysis: Sendable {
    public let spec: UnbinnedModelSpec
    public let model: UnbinnedAnalysisModel
    public let data: UnbinnedAnalysisData
    /// With `normalise = true`: the ratio's weighted mean over the background sample before it was divided out (at
    /// the nominal value of a shape parameter), and its Monte Carlo error.
    public let normalisation: (mean: Double, error: Double)?
    /// The number of members of the ensemble `[model.ratio] network` names (0 for a single network or a column).
    /// The analysis uses their mean ratio, or one member's when it was built with `member:`.
    public let ensembleSize: Int

    /// Reads the `[model]` file at `path` and everything it names.
    /// - Parameter muBounds: overrides the file's `mu_bounds` (the CLI's `--mu-bounds`).
    public static func load(path: String, muBounds: ClosedRange<Double>? = nil) throws -> UnbinnedAnalysis {
        try UnbinnedAnalysis(spec: try UnbinnedModelSpec.read(path: path), muBounds: muBounds)
    }

    /// The same analysis with the ratio of one member (0-based) of the ensemble instead of the members' mean.
    public func member(_ index: Int, muBounds: ClosedRange<Double>? = nil) throws -> UnbinnedAnalysis {
        try UnbinnedAnalysis(spec: spec, muBounds: muBounds, member: index)
    }

    /// Builds the analysis of `spec`.
    /// - Throws: ``NeymanError`` naming the file (and row, column or key) at fault: unreadable files, missing columns,
    ///   ratios that are not finite and `>= 0`, weights that are not finite, pools whose weights do not sum to a
    ///   positive number.
    /// - Parameter member: with an ensemble network, the member (0-based) whose ratio to use; `nil` = their mean.
    public init(spec: UnbinnedModelSpec, muBounds: ClosedRange<Double>? = nil, member: Int? = nil) throws {
        self.spec = spec
        let ratios = try EventRatioSource(spec.ratio, member: member)
        ensembleSize = ratios.ensembleSize
        let shapeSpec = spec.shape
        let variation = shapeSpec?.variation
        let reweightColumns = variation.map { $0.columns ?? ratios.requiredColumns } ?? []
        if let shapeSpec, variation == nil, case .network(let path) = spec.ratio.source, !ratios.requiredColumns.contains(shapeSpec.column) {
            throw NeymanError.invalid("the network has no input '\(shapeSpec.column)' for the shape systematic \(shapeSpec.name) "
                                      + "(its inputs: \(ratios.requiredColumns.joined(separator: ", ")))", file: path,
                                      key: "model.shape.\(shapeSpec.name).column")
        }
        var datasets: [String: Dataset] = [:]
        func load(_ s: UnbinnedModelSpec.Sample) throws -> (ratios: [Double], weights: [Double]?, grid: RatioGrid?) {
            var columns = variation != nil ? ratios.requiredColumns : ratios.requiredColumns.filter { $0 != shapeSpec?.column }
            for c in reweightColumns + (s.weight.map { [$0] } ?? []) where !columns.contains(c) { columns.append(c) }
            let ds = try Dataset.load(path: s.file, columns: columns)
            let w: [Double]?
            do { w = try s.weight.map { try ds.column($0) } } catch let e as NeymanError { throw e.inFile(s.file) }
            guard let shapeSpec, variation == nil else {
                if variation != nil { datasets[s.file] = ds }
                return (try ratios.ratios(ds, file: s.file), w, nil)
            }
            let grid = try ratios.grid(ds, file: s.file, shape: shapeSpec)
            return (grid.ratios(at: shapeSpec.nominal), w, grid)
        }
        var d = try load(spec.data), sig = try load(spec.signal), bkg = try load(spec.background)
        if let variation, let shapeSpec, let signalDS = datasets[spec.signal.file] {
            // Up/down signal samples: r(x; alpha) = r(x) f(x; alpha) / E_S[f(alpha)] on the grid (VariedSampleShape).
            let varied = try VariedSampleShape(variation, columns: reweightColumns, signal: signalDS, signalWeights: sig.weights,
                                               signalFile: spec.signal.file, shapeKey: "model.shape.\(shapeSpec.name)")
            let means: [Double]
            do { means = try varied.normalisation(shapeSpec, signalWeights: sig.weights) } catch let e as NeymanError { throw e.inFile(spec.signal.file) }
            func tabulate(_ e: inout (ratios: [Double], weights: [Double]?, grid: RatioGrid?), _ s: UnbinnedModelSpec.Sample, own: Bool) throws {
                let f = own ? (up: varied.signalUp, down: varied.signalDown) : try varied.factors(datasets[s.file] ?? signalDS, file: s.file)
                do {
                    e.grid = try VariedSampleShape.grid(ratios: e.ratios, up: f.up, down: f.down, shape: shapeSpec, means: means)
                } catch let x as NeymanError { throw x.inFile(s.file) }
                e.ratios = e.grid?.ratios(at: shapeSpec.nominal) ?? e.ratios
            }
            try tabulate(&sig, spec.signal, own: true)
            try tabulate(&d, spec.data, own: spec.data.file == spec.signal.file)
            try tabulate(&bkg, spec.background, own: spec.background.file == spec.signal.file)
        }
        // E_B[p_S / p_B] = 1 for a density ratio: divide by the background sample's weighted mean (per grid point).
        var applied: (mean: Double, error: Double)? = nil
        if spec.ratio.normalise {
            let w = bkg.weights ?? [Double](repeating: 1, count: bkg.ratios.count)
            let before = UnbinnedEventPool.meanRatio(ratios: bkg.ratios, weights: bkg.weights)
            applied = before
            if let grid = bkg.grid, let shapeSpec {
                let means = grid.means(weights: w)
                func divide(_ e: inout (ratios: [Double], weights: [Double]?, grid: RatioGrid?)) throws {
                    guard let g = e.grid else { return }
                    let scaled = try g.dividing(by: means)
                    e = (scaled.ratios(at: shapeSpec.nominal), e.weights, scaled)
                }
                do { try divide(&d); try divide(&sig); try divide(&bkg) } catch let e as NeymanError { throw e.inFile(spec.background.file) }
            } else {
                let m = before.mean
                guard m > 0, m.isFinite else {
                    throw NeymanError.invalid("the ratio's weighted mean over the background sample is \(m); it cannot be normalised", file: spec.background.file)
                }
                d.ratios = d.ratios.map { $0 / m }
                sig.ratios = sig.ratios.map { $0 / m }
                bkg.ratios = bkg.ratios.map { $0 / m }
            }
        }
        normalisation = applied
        func pool(_ s: UnbinnedModelSpec.Sample, _ e: (ratios: [Double], weights: [Double]?, grid: RatioGrid?), _ name: String) throws -> UnbinnedEventPool {
            do { return try UnbinnedEventPool(ratios: e.ratios, weights: e.weights, grid: e.grid, name: name) } catch let x as NeymanError {
                throw x.inFile(s.file)
            }
        }
        let signalPool = try pool(spec.signal, sig, "signal"), backgroundPool = try pool(spec.background, bkg, "background")
        func yield(_ s: UnbinnedModelSpec.Sample, _ p: UnbinnedEventPool) -> Double {
            switch s.normalisation {
            case .events(let n)?: return n
            case .crossSection(let xs, let lumi, let generated)?: return xs * lumi * p.sumOfWeights / generated
            case .sumOfWeights?, nil: return p.sumOfWeights
            }
        }
        let s = yield(spec.signal, signalPool), b = yield(spec.background, backgroundPool)
        let systematics = try spec.normsys.map { n -> RateSystematic in
            func interpolation(_ p: (lo: Double, hi: Double)?, _ which: String) throws -> NormsysInterpolation? {
                guard let p else { return nil }
                guard let f = NormsysInterpolation(hi: p.hi, lo: p.lo) else {
                    throw NeymanError.invalid("cannot interpolate lo = \(p.lo), hi = \(p.hi)", file: spec.file, key: "model.normsys.\(n.name).\(which)")
                }
                return f
            }
            return RateSystematic(name: n.name, signal: try interpolation(n.signal, "signal"), background: try interpolation(n.background, "background"))
        }
        let systematicsAll = systematics + spec.normfactors.map {
            RateSystematic.normfactor(name: $0.name, signal: $0.signal, background: $0.background, bounds: $0.bounds)
        }
        let bounds = muBounds ?? spec.muBounds ?? 0...max(10, 10 * b.squareRoot() / s)
        let shape = spec.shape.map {
            ShapeSystematic(name: $0.name, nominal: $0.nominal, uncertainty: $0.uncertainty, target: $0.target == "background" ? .background : .signal)
        }
        do {
            model = try UnbinnedAnalysisModel(signal: s, background: b, systematics: systematicsAll, shape: shape, signalPool: signalPool,
                                              backgroundPool: backgroundPool, poiName: spec.poiName, muBounds: bounds)
        } catch let e as NeymanError { throw e.inFile(spec.file) }
        data = UnbinnedAnalysisData(ratios: d.ratios, weights: d.weights,
                                    auxiliary: systematicsAll.map { $0.isConstrained ? 0 : 1 } + (shape.map { [$0.nominal] } ?? []), grid: d.grid)
        _ = try model.likelihood(for: data)   // checks the data once, with the file's name on any fault
    }

    /// The closure test of the ratio on the background pool: `sum w r / sum w` (1 for a density ratio of these
    /// samples) and its Monte Carlo error, and how many errors it lies from 1.
    public var backgroundClosure: (mean: Double, error: Double, pull: Double) {
        let m = model.backgroundPool.meanRatio, e = model.backgroundPool.meanRatioError
        return (m, e, e > 0 ? (m - 1) / e : (m == 1 ? 0 : .infinity))
    }
}
