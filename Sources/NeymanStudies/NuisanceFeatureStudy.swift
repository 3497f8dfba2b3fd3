import Foundation
import NeymanCore
import NeymanNN
import NeymanReport
import NeymanStats

/// Nuisance features (guide §3.3, fig. 5): each event's resolution sigma ~ Uniform(lo, hi) is known; a network that
/// sees `(y, sigma)` measures the signal fraction better than one that sees `y` alone.
///
/// Data: `N` events with signal fraction `mu` (true value `mu_true`), fitted with ``SignalFractionFit`` using each
/// network's ratio `r^ = s/(1-s) W_B/W_A` (trained S vs B). Shown: the profile scans `-2 Delta ln L(mu)` of one data set
/// (with the exact ratios, sigma-aware `WN(y; sqrt 2 sigma_i)` and sigma-blind `E_sigma[WN(y; sqrt 2 sigma)]`, as
/// references) and, over pseudo-experiments, the width and the coverage of each network's 68 % interval.
///
/// Pseudo-experiment `i` draws its events from random stream `(seed, 100 + i)`; the networks evaluate each
/// pseudo-experiment's events on one thread (one call per pseudo-experiment, so its ratios do not depend on which
/// others run beside it), then the fits run in parallel, so results do not depend on the thread count, and the study
/// runs in shards (``ShardableStudy``: every shard trains the same networks; the shown data set's intervals and
/// scans and the epoch counts are the common values, each pseudo-experiment's four intervals the columns).
public struct NuisanceFeatureStudy: ShardableStudy {
    public static let kind = "nuisance-features"

    public var sigmaRange: ClosedRange<Double>
    public var events: Int
    public var muTrue: Double
    public var toys: Int
    public var network: StudyNetworkSettings
    /// Histogram calibration of each network's score (docs/formulas.md §1; Cranmer, Pavez, Louppe): equal-population bins
    /// and independent events per class. `bins = 0` uses the raw `s/(1-s) W_B/W_A`.
    public var calibrationBins: Int
    public var calibrationEvents: Int

    public init(config root: ConfigTable, scale: StudyScale) throws {
        let model = try root.require("model") { try root.table($0) }
        let range = try model.doubles("sigma_range") ?? [0, 0.29]
        guard range.count == 2, range[0] >= 0, range[1] > range[0], range[1] < 1 else {
            throw model.invalid("sigma_range", "must be [lo, hi] with 0 <= lo < hi < 1")
        }
        sigmaRange = range[0]...range[1]
        events = try model.requirePositive("events", scale)
        muTrue = try model.require("mu") { try model.double($0) }
        guard muTrue > 0, muTrue < 1 else { throw model.invalid("mu", "the true signal fraction must be in (0, 1)") }
        let toyTable = try root.require("toys") { try root.table($0) }
        toys = try toyTable.requirePositive("count", scale)
        network = try StudyNetworkSettings(config: root, scale: scale)
        let cal = try root.table("calibration")
        calibrationBins = try cal?.int("bins") ?? 100
        guard calibrationBins >= 0 else { throw root.invalid("calibration.bins", "must be >= 0 (0 = no calibration)") }
        calibrationEvents = try cal?.scaledInt("events_per_class", scale) ?? network.eventsPerClass
        // Sizes against memory (StudySizes), before the product below: all toys' events are generated together (then
        // scored in batches and fitted), so the toys are counted with their events.
        try model.checkMemory("events", count: events, bytesPerUnit: StudySizes.pseudoExperimentEvent)
        try toyTable.checkMemory("count", count: toys, bytesPerUnit: StudySizes.toy)
        let toyEvents = toys.multipliedReportingOverflow(by: events)
        let toyBytes = toyEvents.overflow ? nil : MemoryBudget.bytes(toyEvents.partialValue, StudySizes.pseudoExperimentEvent)
        try MemoryBudget.check(bytes: toyBytes, what: "toys.count",
                               description: "toys.count = \(toys) pseudo-experiments of model.events = \(events) events (generated together)",
                               file: root.file)
        try root.checkMemory("calibration.bins", count: calibrationBins, bytesPerUnit: StudySizes.bin)
        try root.checkMemory("calibration.events_per_class", count: calibrationEvents, bytesPerUnit: 2 * StudySizes.event)
        guard calibrationEvents >= 10 * max(calibrationBins, 1) else {
            throw root.invalid("calibration.events_per_class", "needs at least 10 events per bin")
        }
    }

    /// A data set of `n` events with signal fraction `mu`: each event is signal with probability `mu`.
    static func dataSet(_ model: BumpHuntModel, _ n: Int, mu: Double, rng: RandomStream) -> [BumpHuntModel.Event] {
        (0..<n).map { _ in model.event(signal: rng.uniform() < mu, rng: rng) }
    }

    public var pseudoExperimentCount: Int { toys }

    /// The ratios' names, in the order of the intervals: the four fits of the shown data set, and (the first two
    /// calibrated, then the same uncalibrated) the four fits of each pseudo-experiment.
    static let names = ["network_y_sigma", "network_y", "exact_y_sigma", "exact_y"]
    static let toyNames = ["network_y_sigma", "network_y", "network_y_sigma_uncalibrated", "network_y_uncalibrated"]
    static let bounds = ["mu_hat", "lower", "upper"]

    /// Trains and calibrates the two networks, fits and scans the shown data set (the common values), then fits
    /// pseudo-experiments `indices` (columns `<toy name>_<mu_hat|lower|upper>`).
    public func runPseudoExperiments(_ indices: Range<Int>, seed: UInt64, context: StudyContext) throws -> ShardPayload {
        let model = try BumpHuntModel(resolution: .perEvent(sigmaRange))
        let n = network.eventsPerClass
        let sig = model.events(n, signal: true, rng: RandomStream(seed: seed, task: 1))
        let bkg = model.events(n, signal: false, rng: RandomStream(seed: seed, task: 2))
        context.log("training the sigma-blind network on y (\(n) + \(n) events)")
        let (blind, hBlind) = try network.train(classA: sig.map { [Float($0.y)] }, classB: bkg.map { [Float($0.y)] },
                                                seed: RandomStream.mixSeed(seed, 3), quiet: context.quiet)
        context.log("training the sigma-aware network on (y, sigma)")
        let (aware, hAware) = try network.train(classA: sig.map { [Float($0.y), Float($0.sigma)] },
                                                classB: bkg.map { [Float($0.y), Float($0.sigma)] },
                                                seed: RandomStream.mixSeed(seed, 4), quiet: context.quiet)
        let lrBlind = try LikelihoodRatio(network: blind), lrAware = try LikelihoodRatio(network: aware)
        func scoresBlind(_ ev: [BumpHuntModel.Event]) -> [Double] { blind.score(ev.map { Float($0.y) }, rows: ev.count).map(Double.init) }
        func scoresAware(_ ev: [BumpHuntModel.Event]) -> [Double] {
            aware.score(ev.flatMap { [Float($0.y), Float($0.sigma)] }, rows: ev.count).map(Double.init)
        }
        // Calibration on independent events: the fit needs r^ p_B to be a normalised density; a network that misses
        // the sigma-blind ratio's cusp at y = 0 (E_sigma of a normal whose width goes to 0) would bias mu^.
        var calBlind: RatioCalibration?, calAware: RatioCalibration?
        if calibrationBins > 0 {
            let m = calibrationEvents
            let cs = model.events(m, signal: true, rng: RandomStream(seed: seed, task: 6))
            let cb = model.events(m, signal: false, rng: RandomStream(seed: seed, task: 7))
            let labels = [Double](repeating: 1, count: m) + [Double](repeating: 0, count: m)
            calBlind = try RatioCalibration(scores: scoresBlind(cs) + scoresBlind(cb), labels: labels, bins: calibrationBins)
            calAware = try RatioCalibration(scores: scoresAware(cs) + scoresAware(cb), labels: labels, bins: calibrationBins)
        }
        func ratiosBlind(_ ev: [BumpHuntModel.Event], raw: Bool = false) -> [Double] {
            scoresBlind(ev).map { s in (raw ? nil : calBlind).map { $0.ratio(score: s) } ?? lrBlind.ratio(score: s) }
        }
        func ratiosAware(_ ev: [BumpHuntModel.Event], raw: Bool = false) -> [Double] {
            scoresAware(ev).map { s in (raw ? nil : calAware).map { $0.ratio(score: s) } ?? lrAware.ratio(score: s) }
        }

        // One data set: the profile scans.
        let data = NuisanceFeatureStudy.dataSet(model, events, mu: muTrue, rng: RandomStream(seed: seed, task: 5))
        let exactAware = data.map { BumpHuntModel.ratio(y: $0.y, sigma: $0.sigma) }
        let exactBlind = try data.map { try BumpHuntModel.sigmaBlindRatio(y: $0.y, sigmaRange: sigmaRange) }
        let fits = [try SignalFractionFit(ratios: ratiosAware(data)), try SignalFractionFit(ratios: ratiosBlind(data)),
                    try SignalFractionFit(ratios: exactAware), try SignalFractionFit(ratios: exactBlind)]
        let intervals = try fits.map { try $0.interval() }
        let half = 3 * max(intervals[1].upper - intervals[1].best, intervals[1].best - intervals[1].lower)
        let mus = (0...200).map { muTrue - half + 2 * half * Double($0) / 200 }
        var common: [(String, [Double])] = [("training_epochs", [Double(hAware.count), Double(hBlind.count)]), ("scan_mu", mus)]
        for k in fits.indices {
            common += [("interval_" + Self.names[k], [intervals[k].best, intervals[k].lower, intervals[k].upper]),
                       ("scan_" + Self.names[k], try fits[k].scan(mus))]
        }

        // Pseudo-experiments: events, then network ratios (one call per pseudo-experiment), then fits in parallel.
        context.log("\(indices.count) pseudo-experiments of \(events) events")
        let first = indices.lowerBound
        let toyEvents = try deterministicParallelMap(count: indices.count, threads: context.threads) { j in
            NuisanceFeatureStudy.dataSet(model, events, mu: muTrue, rng: RandomStream(seed: seed, task: UInt64(100 + first + j)))
        }
        let ratios = toyEvents.map { ev in
            (aware: ratiosAware(ev), blind: ratiosBlind(ev),
             rawAware: calibrationBins > 0 ? ratiosAware(ev, raw: true) : nil, rawBlind: calibrationBins > 0 ? ratiosBlind(ev, raw: true) : nil)
        }
        let progress = ProgressDisplay("interval fits", total: indices.count, quiet: context.quiet)
        let toyIntervals = try deterministicParallelMap(count: indices.count, threads: context.threads, progress: progress) { j in
            let r = ratios[j]
            return [try SignalFractionFit(ratios: r.aware).interval(), try SignalFractionFit(ratios: r.blind).interval(),
                    try SignalFractionFit(ratios: r.rawAware ?? r.aware).interval(),
                    try SignalFractionFit(ratios: r.rawBlind ?? r.blind).interval()]
        }
        progress.finish()
        var columns: [(String, [Double])] = []
        for k in Self.toyNames.indices {
            columns += [(Self.toyNames[k] + "_mu_hat", toyIntervals.map { $0[k].best }), (Self.toyNames[k] + "_lower", toyIntervals.map { $0[k].lower }),
                        (Self.toyNames[k] + "_upper", toyIntervals.map { $0[k].upper })]
        }
        return ShardPayload(common: common, columns: columns)
    }

    /// Coverage, widths, plots and tables from the shown data set's fits and all pseudo-experiments' intervals.
    public func finish(_ payload: ShardPayload, seed: UInt64, context: StudyContext) throws -> StudyResult {
        let names = Self.names
        let labels = ["network on (y, σ)", "network on y", "exact ratio, σ known", "exact ratio, σ unknown"]
        let n = network.eventsPerClass
        let epochs = try payload.common("training_epochs", count: 2)
        guard epochs.allSatisfy({ $0.isFinite && $0 >= 0 && $0 < 1e9 && $0 == $0.rounded() }) else {
            throw NeymanError.invalid("the epoch counts \(epochs) are not counts", key: "common.training_epochs")
        }
        let (hAwareCount, hBlindCount) = (Int(epochs[0]), Int(epochs[1]))
        // The pseudo-experiments' intervals and the scan's mu values are finite in a run that gets this far (a fit that
        // fails throws); anything else comes from an altered shard file and would break the histogram of the widths.
        for (name, values) in payload.columns where !values.allSatisfy(\.isFinite) {
            throw NeymanError.invalid("'\(name)' holds a number that is not finite", key: "columns.\(name)")
        }
        let mus = try payload.common("scan_mu", count: 201)
        guard mus.allSatisfy(\.isFinite), mus[0] < mus[200] else {
            throw NeymanError.invalid("the scan's mu values are not finite and increasing", key: "common.scan_mu")
        }
        let intervals = try names.map { name -> (best: Double, lower: Double, upper: Double) in
            let v = try payload.common("interval_" + name, count: 3)
            return (v[0], v[1], v[2])
        }
        var scan = Plot(title: "Profile scan of the signal fraction (N = \(events), μ_true = \(fmt(muTrue)))",
                        xLabel: "signal fraction μ", yLabel: "−2 Δ ln L(μ)")
        scan.yRange = 0...4
        scan.xRange = mus[0]...mus[mus.count - 1]
        scan.legend = .topLeft
        var scanColumns: [(String, [Double])] = [("mu", mus)]
        for k in names.indices {
            let values = try payload.common("scan_" + names[k], count: mus.count)
            scanColumns.append((names[k], values))
            scan.add(.line(labels[k], x: mus, y: values, dashed: k >= 2))
        }
        scan.add(.horizontal(1))
        scan.add(.vertical(muTrue))

        // The pseudo-experiments' intervals, per ratio (toyNames order).
        let toyColumns = try Self.toyNames.map { name in try Self.bounds.map { try payload.column(name + "_" + $0) } }
        let toyCount = toyColumns[0][0].count
        guard toyCount == toys else { throw NeymanError.invalid("\(toyCount) pseudo-experiments where the study has \(toys)", key: "columns") }
        let toyIntervals = (0..<toyCount).map { i in
            toyColumns.map { c in (best: c[0][i], lower: c[1][i], upper: c[2][i]) }
        }
        func summary(_ k: Int) -> (coverage: Double, coverageError: Double, width: Double, bias: Double) {
            let iv = toyIntervals.map { $0[k] }
            let covered = Double(iv.filter { $0.lower <= muTrue && muTrue <= $0.upper }.count) / Double(toys)
            let width = SampleSummary.mean(iv.map { $0.upper - $0.lower }), bias = SampleSummary.mean(iv.map { $0.best - muTrue })
            return (covered, (covered * (1 - covered) / Double(toys)).squareRoot(), width, bias)
        }
        let sAware = summary(0), sBlind = summary(1), sRawAware = summary(2), sRawBlind = summary(3)

        // Width distribution.
        let widths = [toyIntervals.map { $0[0].upper - $0[0].lower }, toyIntervals.map { $0[1].upper - $0[1].lower }]
        let wlo = (widths.flatMap { $0 }.min() ?? 0) * 0.95, whi = (widths.flatMap { $0 }.max() ?? 1) * 1.05
        let wbins = 30
        let wedges = (0...wbins).map { wlo + (whi - wlo) * Double($0) / Double(wbins) }
        var wplot = Plot(title: "Width of the 68% interval over \(toys) pseudo-experiments", xLabel: "interval width in μ",
                         yLabel: "pseudo-experiments per bin")
        wplot.legend = .topLeft
        var hmax = 1.0
        for (k, w) in widths.enumerated() {
            var h = [Double](repeating: 0, count: wbins)
            for x in w { h[min(wbins - 1, max(0, Int((x - wlo) / (whi - wlo) * Double(wbins))))] += 1 }
            hmax = max(hmax, h.max() ?? 1)
            wplot.add(.histogram(labels[k], edges: wedges, contents: h))
        }
        wplot.yRange = 0...(1.3 * hmax)

        var report = HTMLReport(title: "")
        report.paragraph("Per-event resolution σ ~ U(\(fmt(sigmaRange.lowerBound)), \(fmt(sigmaRange.upperBound))), known for each event; "
                         + "data sets of \(events) events with signal fraction μ = \(fmt(muTrue)). Two dense \(network.layers) "
                         + "\(network.activation.rawValue) networks are trained S vs B (\(n) events per class): one on y alone "
                         + "(\(hBlindCount) epochs), one on (y, σ) (\(hAwareCount) epochs). The fit maximises Σ ln(1 + μ(r_i − 1)) "
                         + "with each network's ratio; the interval is where −2Δ ln L = 1.")
        report.figure(scan, caption: "Profile scans of one data set. The σ-aware network's curve is narrower: knowing each event's "
                      + "resolution sharpens the measurement (guide fig. 5). Dashed: the same fit with the exact ratios.")
        report.figure(wplot, caption: "Interval widths over the pseudo-experiments: the σ-aware network's intervals are narrower in "
                      + "every data set, not only in the one shown above.")
        report.table(headers: ["ratio used", "μ^ (data set above)", "68% interval", "mean width (toys)", "coverage (toys)", "mean μ^ − μ_true"],
                     rows: (0..<4).map { k in
                         let iv = intervals[k]
                         let toyCols: [String] = k < 2
                             ? [String(format: "%.4f", (k == 0 ? sAware : sBlind).width),
                                String(format: "%.3f ± %.3f", (k == 0 ? sAware : sBlind).coverage, (k == 0 ? sAware : sBlind).coverageError),
                                String(format: "%+.4f", (k == 0 ? sAware : sBlind).bias)]
                             : ["–", "–", "–"]
                         return [labels[k], String(format: "%.4f", iv.best), String(format: "[%.4f, %.4f]", iv.lower, iv.upper)] + toyCols
                     },
                     caption: "Coverage is the fraction of pseudo-experiments whose interval contains μ_true (nominal 0.683), with its binomial error.")
        if calibrationBins > 0 {
            report.paragraph("The networks' ratios are calibrated with \(calibrationBins) equal-population bins of their score on "
                             + "\(calibrationEvents) independent events per class (docs/formulas.md §1). Without calibration, over the same pseudo-experiments: "
                             + String(format: "σ-aware coverage %.3f, mean μ^ − μ_true %+.4f; σ-blind coverage %.3f, mean μ^ − μ_true %+.4f. ",
                                      sRawAware.coverage, sRawAware.bias, sRawBlind.coverage, sRawBlind.bias)
                             + "The σ-blind ratio has a cusp at y = 0 (events with σ → 0) that a smooth network misses, and a "
                             + "ratio that is not a normalised density ratio biases the fit.")
        }

        func intervalJSON(_ iv: (best: Double, lower: Double, upper: Double)) -> JSONValue {
            .numberObject([("mu_hat", iv.best), ("lower", iv.lower), ("upper", iv.upper)])
        }
        func summaryJSON(_ s: (coverage: Double, coverageError: Double, width: Double, bias: Double)) -> JSONValue {
            .numberObject([("coverage", s.coverage), ("coverage_error", s.coverageError), ("mean_width", s.width), ("mean_bias", s.bias)])
        }
        let results: [(String, JSONValue)] = [
            ("model", .numberObject([("sigma_low", sigmaRange.lowerBound), ("sigma_high", sigmaRange.upperBound), ("mu_true", muTrue)])),
            ("events", .integer(events)), ("toys", .integer(toys)),
            ("intervals", .object(zip(names, intervals).map { ($0, intervalJSON($1)) })),
            ("calibration_bins", .integer(calibrationBins)),
            ("pseudo_experiments", .object([("network_y_sigma", summaryJSON(sAware)), ("network_y", summaryJSON(sBlind))])),
            ("pseudo_experiments_uncalibrated", .object([("network_y_sigma", summaryJSON(sRawAware)), ("network_y", summaryJSON(sRawBlind))])),
            ("training_epochs", .object([("network_y_sigma", .integer(hAwareCount)), ("network_y", .integer(hBlindCount))])),
        ]
        let tables: [StudyTable] = [
            StudyTable(name: "profile_scans", columns: scanColumns),
            StudyTable(name: "toy_intervals", columns: [("mu_hat_y_sigma", toyIntervals.map { $0[0].best }), ("lower_y_sigma", toyIntervals.map { $0[0].lower }),
                                              ("upper_y_sigma", toyIntervals.map { $0[0].upper }), ("mu_hat_y", toyIntervals.map { $0[1].best }),
                                              ("lower_y", toyIntervals.map { $0[1].lower }), ("upper_y", toyIntervals.map { $0[1].upper })]),
        ]
        return StudyResult(results: results, tables: tables, report: report)
    }
}
