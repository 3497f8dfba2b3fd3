import Foundation
import NeymanCore
import NeymanNN
import NeymanReport
import NeymanStats

/// Classifier reweighting of a nominal simulation to a systematically varied one, checked by closure (guide §4.3;
/// ``ClassifierReweighting``; `neyman reweight --method classifier`).
///
/// The two simulations differ in three variables at once, with a known density ratio:
/// ```
///   x ~ N(m_x, s_x),   y = c x + N(m_y, s_y),   z ~ N(m_z, s_z)       (each sample its own m, s and c)
///   r(x, y, z) = p_varied / p_nominal = N(x) N(y - c' x) N(z) |varied / N(x) N(y - c x) N(z) |nominal
/// ```
/// so that a change of the coupling `c` moves y only through its correlation with x: what histogram reweighting in x
/// alone cannot see. The nominal sample is reweighted by five methods: none, a histogram ratio in x, one in (x, y),
/// the classifier in (x, y, z) and the exact ratio. Closure is judged against an independent varied sample: per
/// variable (x, y, z and y − x), the χ²/ndf of the reweighted nominal histogram against it, and in all dimensions at
/// once, the held-out AUC of a fresh classifier trained to tell the reweighted nominal from it (0.5 = closed).
public struct ClassifierReweightingStudy: Study {
    public static let kind = "classifier-reweighting"

    /// One simulation: means and widths of (x, the noise of y, z) and the coupling of y to x.
    public struct Simulation: Sendable {
        public var mean: [Double]
        public var width: [Double]
        public var coupling: Double

        init(_ t: ConfigTable) throws {
            mean = try t.require("mean") { try t.doubles($0) }
            width = try t.require("width") { try t.doubles($0) }
            coupling = try t.require("coupling") { try t.double($0) }
            guard mean.count == 3, mean.allSatisfy(\.isFinite) else { throw t.invalid("mean", "give three finite numbers: x, y, z") }
            guard width.count == 3, width.allSatisfy({ $0 > 0 && $0.isFinite }) else { throw t.invalid("width", "give three positive widths: x, y, z") }
            guard coupling.isFinite else { throw t.invalid("coupling", "must be finite") }
        }

        /// `n` events as columns (x, y, z).
        func events(_ n: Int, rng: RandomStream) -> [[Double]] {
            var c = [[Double]](repeating: [Double](repeating: 0, count: n), count: 3)
            for i in 0..<n {
                let x = rng.normal(mean: mean[0], sigma: width[0])
                c[0][i] = x
                c[1][i] = coupling * x + rng.normal(mean: mean[1], sigma: width[1])
                c[2][i] = rng.normal(mean: mean[2], sigma: width[2])
            }
            return c
        }

        /// `ln p(x, y, z)` up to the constant both simulations share.
        func logDensity(_ x: Double, _ y: Double, _ z: Double) -> Double {
            func g(_ v: Double, _ m: Double, _ s: Double) -> Double { -0.5 * (v - m) * (v - m) / (s * s) - log(s) }
            return g(x, mean[0], width[0]) + g(y - coupling * x, mean[1], width[1]) + g(z, mean[2], width[2])
        }
    }

    public var nominal: Simulation
    public var varied: Simulation
    public var events: Int
    public var histogramBins: Int
    public var plotBins: Int
    public var classifier: ClassifierReweighting.Settings

    /// The reweighting methods, in report order.
    static let methods = ["none", "histogram_x", "histogram_xy", "classifier", "exact"]
    /// The closure variables.
    static let variables = ["x", "y", "z", "y_minus_x"]

    public init(config root: ConfigTable, scale: StudyScale) throws {
        let model = try root.require("model") { try root.table($0) }
        nominal = try Simulation(try model.require("nominal") { try model.table($0) })
        varied = try Simulation(try model.require("varied") { try model.table($0) })
        events = try model.requirePositive("events", scale)
        guard events >= 2000 else { throw model.invalid("events", "must be at least 2000 per sample (got \(events))") }
        try root.checkMemory("model.events", count: events, bytesPerUnit: 12 * StudySizes.event)
        let h = try root.table("histogram")
        histogramBins = try h?.int("bins") ?? 20
        guard (2...200).contains(histogramBins) else { throw root.invalid("histogram.bins", "must be in 2 ... 200") }
        let p = try root.table("plot")
        plotBins = try p?.int("bins") ?? 40
        guard (5...500).contains(plotBins) else { throw root.invalid("plot.bins", "must be in 5 ... 500") }
        let c = try root.table("classifier")
        var s = ClassifierReweighting.Settings()
        if let c {
            let defaults = s.training
            s.training = try TrainerSettings(config: c, file: root.file)
            if !c.contains("batch_size") { s.training.batchSize = defaults.batchSize }
            if !c.contains("epochs") { s.training.epochs = defaults.epochs }
            s.hidden = try c.ints("layers") ?? s.hidden
            guard !s.hidden.isEmpty, s.hidden.allSatisfy({ $0 > 0 }) else { throw c.invalid("layers", "widths must be positive") }
            s.folds = try c.int("folds") ?? s.folds
            guard s.folds >= 2 else { throw c.invalid("folds", "must be >= 2") }
            s.maxRatio = try c.double("max_ratio")
            if let m = s.maxRatio, !(m > 0 && m.isFinite) { throw c.invalid("max_ratio", "must be positive") }
        }
        classifier = s
    }

    public func run(seed: UInt64, context: StudyContext) throws -> StudyResult {
        let n = events
        let nom = nominal.events(n, rng: RandomStream(seed: seed, task: 1))
        let varTrain = varied.events(n, rng: RandomStream(seed: seed, task: 2))
        let varTest = varied.events(n, rng: RandomStream(seed: seed, task: 3))

        // The weights of each method, normalised to n.
        func normalised(_ w: [Double]) -> [Double] { let c = Double(n) / w.reduce(0, +); return w.map { $0 * c } }
        func histogramWeights(_ columns: [Int]) throws -> [Double] {
            let axes = try columns.map { a -> HistogramAxis in
                let all = nom[a] + varTrain[a]
                return try HistogramAxis(bins: histogramBins, lower: all.min() ?? 0, upper: all.max() ?? 1)
            }
            return normalised(try HistogramReweighting.matching(columns.map { nom[$0] }, target: columns.map { varTrain[$0] }, axes: axes,
                                                                columnNames: columns.map { ["x", "y", "z"][$0] }).weights)
        }
        context.log("classifier reweighting: \(n) nominal vs \(n) varied events, \(classifier.folds) folds")
        // The networks' seed: the study seed mixed with [classifier] seed (default 1).
        var trainingSettings = classifier
        trainingSettings.training.seed = RandomStream.mixSeed(seed, classifier.training.seed)
        let settings = trainingSettings
        let learned = try ClassifierReweighting(source: nom, sourceWeights: nil, target: varTrain, targetWeights: nil, settings: settings) {
            context.log("classifier: \($0)")
        }
        let exact = normalised((0..<n).map { exp(varied.logDensity(nom[0][$0], nom[1][$0], nom[2][$0]) - nominal.logDensity(nom[0][$0], nom[1][$0], nom[2][$0])) })
        let weights: [String: [Double]] = ["none": [Double](repeating: 1, count: n), "histogram_x": try histogramWeights([0]),
                                           "histogram_xy": try histogramWeights([0, 1]), "classifier": learned.weights, "exact": exact]
        let methods = Self.methods

        // Closure in all dimensions: a fresh classifier, reweighted nominal vs the independent varied sample.
        context.log("closure classifiers: \(methods.count) methods")
        let after = try deterministicParallelMap(count: methods.count, threads: context.threads) { (k: Int) throws -> [Double] in
            var s = settings
            s.training.seed = RandomStream.mixSeed(settings.training.seed, UInt64(100 + k))
            s.maxRatio = nil
            return try ClassifierReweighting(source: nom, sourceWeights: weights[methods[k]], target: varTest, targetWeights: nil, settings: s).foldAUC
        }

        // Closure per variable: chi2/ndf of the weighted nominal histogram against the varied test histogram.
        func variable(_ v: Int, _ c: [[Double]]) -> [Double] { v < 3 ? c[v] : zip(c[1], c[0]).map { $0 - $1 } }
        var chi2: [String: [String: Double]] = [:]
        var histograms: [(edges: [Double], target: [Double], targetError: [Double], byMethod: [String: (h: [Double], e: [Double])])] = []
        for (v, _) in Self.variables.enumerated() {
            let t = variable(v, varTest), s = variable(v, nom)
            let m = SampleSummary.mean(t), sd = SampleSummary.standardDeviation(t)
            let edges = (0...plotBins).map { m - 4 * sd + 8 * sd * Double($0) / Double(plotBins) }
            let target = ClosureHistogram(values: t, weights: nil, edges: edges)
            var byMethod: [String: (h: [Double], e: [Double])] = [:]
            for method in methods {
                let h = ClosureHistogram(values: s, weights: weights[method], edges: edges)
                byMethod[method] = (h.contents, h.errors)
                chi2[method, default: [:]][Self.variables[v]] = h.chi2PerBin(against: target)
            }
            histograms.append((edges, target.contents, target.errors, byMethod))
        }

        let corr = ClosureHistogram.correlation(learned.weights, exact)
        let aucAfter = after.map { SampleSummary.mean($0) }
        var results: [(String, JSONValue)] = [
            ("methods", .array(methods.map { .string($0) })),
            ("auc_after", .numberObject(Array(zip(methods, aucAfter)))),
            ("auc_after_folds", .object(zip(methods, after).map { ($0, .numbers($1)) })),
            ("chi2_per_bin", .object(methods.map { m in (m, .numberObject(Self.variables.map { ($0, chi2[m]?[$0] ?? .nan) })) })),
            ("effective_n", .numberObject(methods.map { ($0, SampleWeights.effectiveSize(weights[$0] ?? [])) })),
            ("classifier_fold_auc", .numbers(learned.foldAUC)),
            ("classifier_epochs_run", .array(learned.epochsRun.map { .integer($0) })),
            ("weight_correlation_with_exact", .number(corr)),
            ("events", .integer(n)),
        ]
        results.append(("plot_bins", .integer(plotBins)))
        var tableColumns: [(String, [Double])] = []
        for (v, h) in histograms.enumerated() {
            let name = Self.variables[v]
            let centres = (0..<plotBins).map { 0.5 * (h.edges[$0] + h.edges[$0 + 1]) }
            tableColumns.append(("\(name)_centre", centres))
            tableColumns.append(("\(name)_varied", h.target))
            for m in methods { tableColumns.append(("\(name)_\(m)", h.byMethod[m]?.h ?? [])) }
        }
        let report = ClassifierReweightingReport(study: self, methods: methods, aucAfter: aucAfter, chi2: chi2,
                                                 effectiveN: methods.map { SampleWeights.effectiveSize(weights[$0] ?? []) },
                                                 correlation: corr, foldAUC: learned.foldAUC, histograms: histograms).html()
        return StudyResult(results: results, tables: [StudyTable(name: "closure", columns: tableColumns)], report: report)
    }
}

/// A weighted histogram for closure tests: contents, `sqrt(sum w²)` errors, and the χ² per bin against another.
struct ClosureHistogram {
    var contents: [Double]
    var errors: [Double]

    init(values: [Double], weights: [Double]?, edges: [Double]) {
        let bins = edges.count - 1
        var h = [Double](repeating: 0, count: bins), w2 = h
        let lo = edges[0], width = (edges[bins] - lo) / Double(bins)
        for (i, v) in values.enumerated() {
            let b = Int(((v - lo) / width).rounded(.down))
            guard b >= 0, b < bins else { continue }
            let w = weights?[i] ?? 1
            h[b] += w
            w2[b] += w * w
        }
        contents = h
        errors = w2.map { $0.squareRoot() }
    }

    /// `sum_b (h_b - t_b)² / (e_b² + f_b²) / bins used` over bins where either error is positive.
    func chi2PerBin(against t: ClosureHistogram) -> Double {
        var chi2 = 0.0, used = 0
        for b in contents.indices {
            let v = errors[b] * errors[b] + t.errors[b] * t.errors[b]
            guard v > 0 else { continue }
            chi2 += (contents[b] - t.contents[b]) * (contents[b] - t.contents[b]) / v
            used += 1
        }
        return used > 0 ? chi2 / Double(used) : .nan
    }

    /// Pearson's correlation of two equally long arrays.
    static func correlation(_ a: [Double], _ b: [Double]) -> Double {
        let ma = SampleSummary.mean(a), mb = SampleSummary.mean(b)
        var sab = 0.0, saa = 0.0, sbb = 0.0
        for (x, y) in zip(a, b) { sab += (x - ma) * (y - mb); saa += (x - ma) * (x - ma); sbb += (y - mb) * (y - mb) }
        return sab / (saa * sbb).squareRoot()
    }
}
