import Foundation
import NeymanCore
import NeymanNN
import NeymanReport
import NeymanStats

/// CLs upper limits on the signal strength in the bump-hunt model (docs/formulas.md §3; CCGV arXiv:1007.1727; guide §3):
/// the unbinned test with the network's per-event ratio against a 20-bin histogram of the same ratio, each with
/// toy-based and asymptotic CLs and the expected ±1σ, ±2σ bands.
///
/// ```
///   unbinned:  ln L(mu) = -(mu S + B) + sum_i ln(B + mu S r^(y_i))             (guide eq. 3.7/3.8)
///   binned:    ln L(mu) = sum_k [n_k ln(mu S_k + B_k) - mu S_k - B_k],  bins of r^ on [lo, hi) (overflow in the last)
/// ```
/// `S_k`, `B_k` are templates: `S` and `B` times the fractions of large simulated samples in each bin. The test
/// statistic is `q~_mu` (pyhf's `qtilde`). The "observed" data set is one pseudo-experiment at `[observed] mu`
/// from the study seed. Toys for each calculator come from the study seed too, so the limits are reproducible and
/// independent of the thread count.
public struct BumpHuntLimitsStudy: Study {
    public static let kind = "bumphunt-limits"

    public var sigma: Double
    public var signal: Double
    public var background: Double
    public var muMax: Double
    public var observedMu: Double
    public var cl: Double
    public var toys: Int
    public var bins: Int
    public var binRange: (Double, Double)
    public var templateEvents: Int
    public var scanPoints: Int
    public var network: StudyNetworkSettings

    public init(config root: ConfigTable, scale: StudyScale) throws {
        let model = try root.require("model") { try root.table($0) }
        sigma = try model.requirePositiveDouble("sigma", scale)
        signal = try model.requirePositiveDouble("signal", scale)
        background = try model.requirePositiveDouble("background", scale)
        muMax = try model.double("mu_max") ?? 5
        guard muMax > 0 else { throw model.invalid("mu_max", "must be positive") }
        let observed = try root.table("observed")
        observedMu = try observed?.double("mu") ?? 0
        guard observedMu >= 0, observedMu <= muMax else { throw root.invalid("observed.mu", "must be in [0, mu_max]") }
        let limits = try root.require("limits") { try root.table($0) }
        cl = try limits.double("cl") ?? 0.95
        guard cl > 0, cl < 1 else { throw limits.invalid("cl", "must be in (0, 1)") }
        toys = try limits.requirePositive("toys", scale)
        bins = try limits.int("bins") ?? 20
        guard bins >= 2 else { throw limits.invalid("bins", "must be >= 2") }
        let range = try limits.doubles("bin_range") ?? [0, 3]
        guard range.count == 2, range[0] >= 0, range[1] > range[0] else { throw limits.invalid("bin_range", "must be [lo, hi] with 0 <= lo < hi") }
        binRange = (range[0], range[1])
        templateEvents = try limits.scaledInt("template_events", scale) ?? 1_000_000
        guard templateEvents >= 1000 else { throw limits.invalid("template_events", "must be >= 1000") }
        scanPoints = try limits.int("scan_points") ?? 6
        guard scanPoints >= 2 else { throw limits.invalid("scan_points", "must be >= 2") }
        network = try StudyNetworkSettings(config: root, scale: scale)
        // Sizes against memory (StudySizes): observed and toy events, toys, bins, templates, and the toy scan (every
        // grid point keeps its toys' test statistics under both hypotheses, 16 bytes per toy).
        try model.checkMemory("signal", expected: signal * muMax, bytesPerUnit: StudySizes.pseudoExperimentEvent)
        try model.checkMemory("background", expected: background, bytesPerUnit: StudySizes.pseudoExperimentEvent)
        try limits.checkMemory("toys", count: toys, bytesPerUnit: StudySizes.toy)
        try limits.checkMemory("bins", count: bins, bytesPerUnit: StudySizes.bin)
        try limits.checkMemory("template_events", count: templateEvents, bytesPerUnit: 2 * StudySizes.event)
        try limits.checkMemory("scan_points", count: scanPoints, bytesPerUnit: StudySizes.gridPoint + 16 * toys)
    }

    /// The bin of `r` among `bins` equal bins on `[lo, hi)`, overflow in the last; `nil` below `lo`.
    func bin(_ r: Double) -> Int? {
        guard r >= binRange.0 else { return nil }
        return min(bins - 1, Int((r - binRange.0) / (binRange.1 - binRange.0) * Double(bins)))
    }

    func counts(_ ratios: [Double]) -> [Double] {
        var c = [Double](repeating: 0, count: bins)
        for r in ratios { if let k = bin(r) { c[k] += 1 } }
        return c
    }

    public func run(seed: UInt64, context: StudyContext) throws -> StudyResult {
        let model = try BumpHuntModel(resolution: .global(sigma))
        // The network and its tabulated ratio.
        let (rawRatio, history) = try network.trainBumpHuntRatio(model: model, dataSeed: seed, trainingSeed: RandomStream.mixSeed(seed, 3),
                                                                 context: context)
        // The signal density r^ p_B must integrate to one: normalise r^ by its mean over a large simulated background
        // sample (the same sample that gives the binned test its templates). A 0.5 % excess in E_B[r^] would
        // otherwise bias mu^ upwards and weaken the unbinned test by several per cent.
        let m = templateEvents
        let bY = model.events(m, signal: false, rng: RandomStream(seed: seed, task: 6)).map(\.y)
        let backgroundMean = bY.reduce(0) { $0 + rawRatio($1) } / Double(m)
        let ratio = rawRatio.scaled(by: 1 / backgroundMean)

        // The observed data set.
        let observedEvents = model.pseudoExperiment(signal: observedMu * signal, background: background,
                                                    rng: RandomStream(seed: seed, task: 4))
        let observedRatios = observedEvents.map { ratio($0.y) }

        // Unbinned model: ratios of events drawn from the model.
        let unbinned = UnbinnedRatioModel(signal: signal, background: background, muBounds: 0...muMax,
                                          signalSampler: { rng in ratio(model.event(signal: true, rng: rng).y) },
                                          backgroundSampler: { rng in ratio(model.event(signal: false, rng: rng).y) })
        let unbinnedData = UnbinnedData(ratios: observedRatios)

        // Binned model: templates of the network ratio.
        let sTemplate = counts(model.events(m, signal: true, rng: RandomStream(seed: seed, task: 5)).map { ratio($0.y) })
        let bTemplate = counts(bY.map { ratio($0) })
        // Diagnostics of the network: its ratio against the exact one in the bulk (|y| < 2 sqrt(2) sigma).
        let bulk = 2 * 2.0.squareRoot() * sigma
        let grid = ratio.grid
        let deviation = zip(grid, ratio.values).filter { abs($0.0) < bulk }
            .map { abs($0.1 / BumpHuntModel.ratio(y: $0.0, sigma: sigma) - 1) }.max() ?? .nan
        context.log(String(format: "network: E_B[r^] = %.4f before normalisation, largest relative deviation in the bulk %.3f", backgroundMean, deviation))
        let used = (0..<bins).filter { bTemplate[$0] > 0 }
        let sBins = used.map { signal * sTemplate[$0] / Double(m) }, bBins = used.map { background * bTemplate[$0] / Double(m) }
        var binned = try BinnedModel.uncorrelatedBackground(signal: sBins, background: bBins, uncertainty: nil)
        binned = binned.withPOIBounds(lower: 0, upper: muMax)
        let observedCounts = counts(observedRatios)
        let binnedData = try binned.data(observed: used.map { observedCounts[$0] })

        // Limits with both calculators.
        let finder = try UpperLimitFinder(cl: cl)
        func limit(_ name: String, _ test: (Double) throws -> HypothesisTestResult) throws -> UpperLimitResult {
            context.log("upper limit: \(name)")
            return try finder.find(upperBound: muMax, initialGuess: 1, test: test)
        }
        let uAsym = try AsymptoticCalculator(model: unbinned, data: unbinnedData)
        let bAsym = try AsymptoticCalculator(model: binned, data: binnedData)
        let uToys = try ToyCalculator(model: unbinned, data: unbinnedData, toys: toys, seed: RandomStream.mixSeed(seed, 7),
                                      threads: context.threads, quiet: context.quiet)
        let bToys = try ToyCalculator(model: binned, data: binnedData, toys: toys, seed: RandomStream.mixSeed(seed, 8),
                                      threads: context.threads, quiet: context.quiet)
        // Reference: the unbinned test with the exact ratio (the optimum the network approximates).
        let sigmaExact = sigma
        let exactModel = UnbinnedRatioModel(signal: signal, background: background, muBounds: 0...muMax,
                                            signalSampler: { rng in BumpHuntModel.ratio(y: model.event(signal: true, rng: rng).y, sigma: sigmaExact) },
                                            backgroundSampler: { rng in BumpHuntModel.ratio(y: model.event(signal: false, rng: rng).y, sigma: sigmaExact) })
        let eAsym = try AsymptoticCalculator(model: exactModel,
                                             data: UnbinnedData(ratios: observedEvents.map { BumpHuntModel.ratio(y: $0.y, sigma: sigma) }))
        let names = ["unbinned_network_toys", "unbinned_network_asymptotic", "binned_\(bins)_toys", "binned_\(bins)_asymptotic",
                     "unbinned_exact_asymptotic"]
        let labels = ["Unbinned, network r^, toys", "Unbinned, network r^, asymptotic", "\(bins) bins in r^, toys", "\(bins) bins in r^, asymptotic",
                      "Unbinned, exact r, asymptotic (reference)"]
        let limits = [try limit(names[0]) { try uToys.test(mu: $0) }, try limit(names[1]) { try uAsym.test(mu: $0) },
                      try limit(names[2]) { try bToys.test(mu: $0) }, try limit(names[3]) { try bAsym.test(mu: $0) },
                      try limit(names[4]) { try eAsym.test(mu: $0) }]
        let medianUnbinned = limits[1].expected[2], medianBinned = limits[3].expected[2], medianExact = limits[4].expected[2]

        // CLs scans for the band plots: asymptotic on a fine grid, toys on a coarse one.
        let upper = min(muMax, 1.6 * max(limits.map { $0.expected[4] }.max() ?? 1, limits.map(\.observed).max() ?? 1))
        let fine = (1...60).map { upper * Double($0) / 60 }
        let coarse = (1...scanPoints).map { upper * Double($0) / Double(scanPoints) }
        context.log("CLs scans")
        let scans = [(try fine.map { try uAsym.test(mu: $0) }, try coarse.map { try uToys.test(mu: $0) }),
                     (try fine.map { try bAsym.test(mu: $0) }, try coarse.map { try bToys.test(mu: $0) })]
        var report = HTMLReport(title: "")
        report.paragraph("S = \(fmt(signal)), B = \(fmt(background)) expected events at σ = \(fmt(sigma)); the observed data set is one "
                         + "pseudo-experiment at μ = \(fmt(observedMu)) (\(observedEvents.count) events). Both tests use the same S-vs-B "
                         + "network (\(network.layers) \(network.activation.rawValue), \(history.count) epochs); the binned test histograms its "
                         + "ratio in \(bins) bins on [\(fmt(binRange.0)), \(fmt(binRange.1))) with templates from \(m) simulated events "
                         + "per class. Test statistic q~_μ, \(toys) toys per hypothesis and μ, CL = \(fmt(cl)).")
        var scanColumns: [(String, [Double])] = [("mu", fine)]
        for (k, title) in ["Unbinned test with the network's ratio", "\(bins)-bin test in the network's ratio"].enumerated() {
            let (asym, toy) = scans[k]
            var p = Plot(title: "CLs vs μ: \(title)", xLabel: "signal strength μ", yLabel: "CLs")
            p.logY = true
            p.yRange = 1e-3...1
            p.xRange = 0...upper
            p.legend = .topRight
            let e = (0..<5).map { j in asym.map { $0.clsExpected[j] } }
            p.add(.band("expected ±2σ", x: fine, low: e[0], high: e[4], color: "#F5D800", opacity: 0.9))
            p.add(.band("expected ±1σ", x: fine, low: e[1], high: e[3], color: "#00CC00", opacity: 0.9))
            p.add(.line("expected median (asymptotic)", x: fine, y: e[2], color: "#000000", dashed: true))
            p.add(.line("observed (asymptotic)", x: fine, y: asym.map(\.cls), color: "#000000"))
            p.add(.points("observed (toys)", x: coarse, y: toy.map(\.cls), yError: toy.map { $0.clsError ?? 0 }, color: "#D55E00"))
            p.add(.horizontal(1 - cl))
            report.figure(p, caption: "CLs against μ with the expected bands (asymptotic) and toy-based observed CLs; the "
                          + "\(fmt(100 * cl))% CL upper limit is where CLs crosses \(fmt(1 - cl)) (dotted). Narrower bands at lower μ mean a stronger test.")
            let prefix = k == 0 ? "unbinned" : "binned"
            scanColumns += [("\(prefix)_cls_observed", asym.map(\.cls))] + (0..<5).map { ("\(prefix)_cls_expected_\(["m2", "m1", "median", "p1", "p2"][$0])", e[$0]) }
        }
        report.table(headers: ["test", "observed", "−2σ", "−1σ", "median", "+1σ", "+2σ"],
                     rows: zip(labels, limits).map { l, r in [l, String(format: "%.3f", r.observed)] + r.expected.map { String(format: "%.3f", $0) } },
                     caption: "\(fmt(100 * cl))% CL upper limits on μ. "
                         + String(format: "Median expected (asymptotic): unbinned with the network %.3f, %d bins of the network's ratio %.3f, "
                                  + "unbinned with the exact ratio %.3f. ", medianUnbinned, bins, medianBinned, medianExact)
                         + (medianUnbinned <= medianBinned
                            ? "The unbinned test with the network's ratio is the stronger here."
                            : "Here the binned test is the stronger: binning with simulated templates calibrates the network's ratio, "
                              + "while the unbinned likelihood uses it as it is, so the network's imperfections cost the unbinned test "
                              + "more than the binning loses (compare the exact-ratio row)."))

        func limitJSON(_ r: UpperLimitResult) -> JSONValue {
            .object([("observed", .number(r.observed)), ("expected", .numbers(r.expected))])
        }
        let results: [(String, JSONValue)] = [
            ("model", .numberObject([("sigma", sigma), ("signal", signal), ("background", background)])),
            ("observed_mu", .number(observedMu)), ("observed_events", .integer(observedEvents.count)),
            ("cl", .number(cl)), ("toys", .integer(toys)), ("bins", .integer(bins)), ("bins_used", .integer(used.count)),
            ("upper_limits", .object(zip(names, limits).map { ($0, limitJSON($1)) })),
            ("training_epochs", .integer(history.count)),
            ("network_background_mean_ratio_before_normalisation", .number(backgroundMean)),
            ("network_max_relative_deviation_bulk", .number(deviation)),
        ]
        let tables: [StudyTable] = [
            StudyTable(name: "cls_scan_asymptotic", columns: scanColumns),
            StudyTable(name: "cls_scan_toys", columns: [("mu", coarse), ("unbinned_cls", scans[0].1.map(\.cls)), ("unbinned_cls_error", scans[0].1.map { $0.clsError ?? .nan }),
                                              ("binned_cls", scans[1].1.map(\.cls)), ("binned_cls_error", scans[1].1.map { $0.clsError ?? .nan })]),
        ]
        return StudyResult(results: results, tables: tables, report: report)
    }
}
