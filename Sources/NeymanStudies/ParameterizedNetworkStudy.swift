import Foundation
import NeymanCore
import NeymanNN
import NeymanReport
import NeymanStats

/// A network parameterized on the nuisance parameter (guide §4.3, fig. 7; Baldi et al. arXiv:1601.07913).
///
/// `f(y; sigma)` is trained S vs B on signal events generated at a grid of sigma values, background events getting
/// sigma values drawn from the same grid (``ParameterizedTraining``). Shown:
/// 1. `f_sigma(y)` at values never trained on against the exact ratio `WN(y; sqrt 2 sigma)` and a binned estimate;
/// 2. the expected uncertainty on the signal fraction `mu` when the fit uses `f_sigma'` while the data have sigma
///    (the guide's matrix; minimal at `sigma' = sigma`);
/// 3. sigma as a global nuisance parameter fitted jointly with `mu` from the same data, the `d = Y0 - Y1`
///    distribution constraining it (a step the guide describes but does not show):
/// ```
///   ln L(mu, sigma) = sum_i ln(1 + mu (f_sigma(y_i) - 1)) + sum_i ln WN(d_i; sqrt 2 sigma)
/// ```
///    (`y` and `d` are independent given sigma, for signal and background alike), with the profile of `mu` with
///    sigma profiled (the network following the fitted sigma) and with sigma fixed at its true value.
/// The network's ratio is `s/(1-s) W_B/W_A`; the expected uncertainties use a large weighted sample standing in for
/// the Asimov data set (`N / M` times the sum over `M` simulated events).
public struct ParameterizedNetworkStudy: Study {
    public static let kind = "parameterized-network"

    public var trainingSigmas: [Double]
    public var testSigmas: [Double]
    public var matrixSigmas: [Double]
    public var events: Int
    public var muTrue: Double
    public var profileSigma: Double
    public var asimovEvents: Int
    public var network: StudyNetworkSettings

    public init(config root: ConfigTable, scale: StudyScale) throws {
        let model = try root.require("model") { try root.table($0) }
        trainingSigmas = try model.doubles("training_sigmas") ?? [0.02, 0.04, 0.08, 0.16, 0.32]
        testSigmas = try model.doubles("test_sigmas") ?? [0.03, 0.06]
        matrixSigmas = try model.doubles("matrix_sigmas") ?? [0.02, 0.04, 0.08, 0.16]
        for (key, values) in [("training_sigmas", trainingSigmas), ("test_sigmas", testSigmas), ("matrix_sigmas", matrixSigmas)] {
            guard !values.isEmpty, values.allSatisfy({ $0 > 0 && $0 < 1 }) else { throw model.invalid(key, "give values in (0, 1)") }
        }
        guard trainingSigmas.count >= 2 else { throw model.invalid("training_sigmas", "give at least two grid points") }
        events = try model.requirePositive("events", scale)
        muTrue = try model.require("mu") { try model.double($0) }
        guard muTrue > 0, muTrue < 1 else { throw model.invalid("mu", "the true signal fraction must be in (0, 1)") }
        profileSigma = try model.double("profile_sigma") ?? 0.08
        guard profileSigma > 0, profileSigma < 1 else { throw model.invalid("profile_sigma", "must be in (0, 1)") }
        asimovEvents = try model.scaledInt("asimov_events", scale) ?? 200_000
        guard asimovEvents >= 1000 else { throw model.invalid("asimov_events", "must be >= 1000") }
        network = try StudyNetworkSettings(config: root, scale: scale)
        // Sizes against memory (StudySizes): the training set holds events_per_class signal events at each training
        // sigma and as many background events; the Asimov-like sample; the data set of `events`.
        let grid = trainingSigmas.count
        let n = network.eventsPerClass.multipliedReportingOverflow(by: 2 * grid)
        try MemoryBudget.check(bytes: n.overflow ? nil : MemoryBudget.bytes(n.partialValue, StudySizes.trainingEvent), what: "training.events_per_class",
                               description: "training.events_per_class = \(network.eventsPerClass) (signal at each of \(grid) training sigmas "
                                   + "and as many background events)", file: root.file)
        try model.checkMemory("asimov_events", count: asimovEvents, bytesPerUnit: StudySizes.event)
        try model.checkMemory("events", count: events, bytesPerUnit: StudySizes.pseudoExperimentEvent)
    }

    public func run(seed: UInt64, context: StudyContext) throws -> StudyResult {
        let n = network.eventsPerClass
        // Training set: n signal events at each grid sigma, n * grid background events.
        var signal: [(theta: [Float], features: [Float])] = []
        for (k, s) in trainingSigmas.enumerated() {
            let m = try BumpHuntModel(resolution: .global(s))
            signal.append(([Float(s)], m.events(n, signal: true, rng: RandomStream(seed: seed, task: UInt64(10 + k))).map { Float($0.y) }))
        }
        let bModel = try BumpHuntModel(resolution: .global(trainingSigmas[0]))
        let background = bModel.events(n * trainingSigmas.count, signal: false, rng: RandomStream(seed: seed, task: 2)).map { Float($0.y) }
        let data = try ParameterizedTraining.build(signal: signal, background: background, featureCount: 1, seed: RandomStream.mixSeed(seed, 3))
        context.log("training f(y; sigma) on \(data.count) events at sigma = \(trainingSigmas.map(fmt).joined(separator: ", "))")
        let (net, history) = try network.train(data, seed: RandomStream.mixSeed(seed, 4), quiet: context.quiet)
        let lr = try LikelihoodRatio(network: net)
        func raw(_ ys: [Double], sigma: Double) -> [Double] {
            net.score(ys.flatMap { [Float($0), Float(sigma)] }, rows: ys.count).map { lr.ratio(score: Double($0)) }
        }
        // The fit needs f(y; sigma) p_B(y) to be a normalised density at every sigma; with p_B = 1 on the circle the
        // normalisation is the integral of f over y, by the trapezoid rule on 2048 equal steps (exponentially accurate
        // for a smooth periodic integrand). Without it, a 5 % offset biases the fitted fraction by ~ -0.05 at sigma = 0.1.
        let normGrid = (0..<2048).map { -0.5 + Double($0) / 2048 }
        func normalisation(_ sigma: Double) -> Double { raw(normGrid, sigma: sigma).reduce(0, +) / 2048 }
        func f(_ ys: [Double], sigma: Double) -> [Double] {
            let c = 1 / normalisation(sigma)
            return raw(ys, sigma: sigma).map { $0 * c }
        }

        // 1. Interpolation at unseen sigma.
        let grid = (0...400).map { -0.5 + Double($0) / 400 }
        var curve = Plot(title: "Parameterized network f(y; σ) at σ never trained on", xLabel: "y = Y0 + Y1 (mod 1)",
                         yLabel: "r(y) = p_S(y) / p_B(y)")
        curve.xRange = -0.5...0.5
        curve.legend = .topRight
        var curveColumns: [(String, [Double])] = [("y", grid)]
        var deviations: [(String, Double)] = [], rmsDeviations: [(String, Double)] = []
        let bins = 50
        let centres = (0..<bins).map { -0.5 + (Double($0) + 0.5) / Double(bins) }
        for (k, s) in testSigmas.enumerated() {
            let exact = grid.map { BumpHuntModel.ratio(y: $0, sigma: s) }
            let learned = f(grid, sigma: s)
            let color = PlotSeries.palette[k % PlotSeries.palette.count]
            curve.add(.line("exact, σ = \(fmt(s))", x: grid, y: exact, color: color))
            curve.add(.line("f(y; σ = \(fmt(s)))", x: grid, y: learned, color: color, dashed: true))
            // Binned estimate from fresh samples at this sigma.
            let m = try BumpHuntModel(resolution: .global(s))
            var hs = [Double](repeating: 0, count: bins), hb = hs
            let count = 100_000
            for e in m.events(count, signal: true, rng: RandomStream(seed: seed, task: UInt64(30 + k))) { hs[min(bins - 1, Int((e.y + 0.5) * Double(bins)))] += 1 }
            for e in m.events(count, signal: false, rng: RandomStream(seed: seed, task: UInt64(40 + k))) { hb[min(bins - 1, Int((e.y + 0.5) * Double(bins)))] += 1 }
            let binned = (0..<bins).map { hb[$0] > 0 ? hs[$0] / hb[$0] : .nan }
            let binnedErr = (0..<bins).map { hs[$0] > 0 && hb[$0] > 0 ? binned[$0] * (1 / hs[$0] + 1 / hb[$0]).squareRoot() : .nan }
            curve.add(.points("binned, σ = \(fmt(s))", x: centres, y: binned, yError: binnedErr, color: color))
            let bulk = 2 * 2.0.squareRoot() * s
            let dev = grid.indices.filter { abs(grid[$0]) < bulk }.map { abs(learned[$0] / exact[$0] - 1) }.max() ?? .nan
            deviations.append((fmt(s), dev))
            // The signal-density-weighted RMS over the bulk (p_S = r since p_B = 1): the size of the typical error where
            // the signal is, less dominated by the sampling noise of single points than the maximum.
            var sw = 0.0, s2 = 0.0
            for i in grid.indices where abs(grid[i]) < bulk {
                let d = learned[i] / exact[i] - 1
                sw += exact[i]; s2 += exact[i] * d * d
            }
            rmsDeviations.append((fmt(s), sw > 0 ? (s2 / sw).squareRoot() : .nan))
            curveColumns += [("exact_sigma_\(fmt(s))", exact), ("network_sigma_\(fmt(s))", learned)]
        }

        // 2. Expected error on mu with f_sigma' on data at sigma: the statistical half-width (where -2 Delta ln L = 1,
        // from a large sample scaled to N events) and the bias of mu^ (its pseudo-true value minus mu_true); a wrong
        // sigma' can look precise (a sharper template has more curvature) while being biased, so the figure of merit
        // is the total error sqrt(half-width^2 + bias^2).
        let primes = (0...24).map { 0.01 * pow(32, Double($0) / 24) }  // 0.01 ... 0.32, log-spaced
        var statRows: [[Double]] = [], biasRows: [[Double]] = [], totalRows: [[Double]] = []
        var unc = Plot(title: "Error on μ using f(y; σ′) on data with σ (N = \(events))",
                       xLabel: "σ′ used in the fit", yLabel: "total error √(stat² + bias²) on μ")
        unc.logY = true
        unc.legend = .topLeft
        for (k, s) in matrixSigmas.enumerated() {
            let m = try BumpHuntModel(resolution: .global(s))
            let rng = RandomStream(seed: seed, task: UInt64(50 + k))
            let ys = (0..<asimovEvents).map { _ in m.event(signal: rng.uniform() < muTrue, rng: rng).y }
            var stat: [Double] = [], bias: [Double] = []
            for sp in primes {
                let fit = try SignalFractionFit(ratios: f(ys, sigma: sp), bounds: -1...1)
                let iv = try fit.interval(level: Double(asimovEvents) / Double(events))
                stat.append(0.5 * (iv.upper - iv.lower))
                bias.append(iv.best - muTrue)
            }
            statRows.append(stat)
            biasRows.append(bias)
            totalRows.append(zip(stat, bias).map { ($0 * $0 + $1 * $1).squareRoot() })
            let color = PlotSeries.palette[k % PlotSeries.palette.count]
            unc.add(.line("data σ = \(fmt(s))", x: primes, y: totalRows[k], color: color))
            unc.add(.vertical(s))
        }
        // The best sigma' for each data sigma.
        let bestPrime = totalRows.map { row in primes[row.indices.min { row[$0] < row[$1] } ?? 0] }

        // 3. sigma as a global nuisance parameter.
        let pModel = try BumpHuntModel(resolution: .global(profileSigma))
        let prng = RandomStream(seed: seed, task: 60)
        let pData = (0..<events).map { _ in pModel.event(signal: prng.uniform() < muTrue, rng: prng) }
        let ys = pData.map(\.y), ds = pData.map(\.d)
        let sigmaRange = (trainingSigmas.min() ?? 0.02)...(trainingSigmas.max() ?? 0.32)
        func nll(mu: Double, sigma: Double) throws -> Double {
            let r = f(ys, sigma: sigma)
            var s = 0.0
            for x in r { s -= log(max(1 + mu * (x - 1), 1e-300)) }
            let w = 2.0.squareRoot() * sigma
            for d in ds { s -= log(max(WrappedNormal.density(d, width: w), 1e-300)) }
            return s
        }
        // The d distribution alone pins sigma down to ~sigma / sqrt(2N); search the joint minimum within +-15 % of its
        // estimate (widened to the whole training range if the estimate sits at an end).
        let sigmaFromD = try Minimization1D.brent(lo: sigmaRange.lowerBound, hi: sigmaRange.upperBound, gridPoints: 61,
                                                  absoluteTolerance: 1e-7, relativeTolerance: 1e-7) { s in
            let w = 2.0.squareRoot() * s
            return -ds.reduce(0) { $0 + log(max(WrappedNormal.density($1, width: w), 1e-300)) }
        }.x
        let window = max(sigmaRange.lowerBound, 0.85 * sigmaFromD)...min(sigmaRange.upperBound, 1.15 * sigmaFromD)
        func profiled(_ mu: Double) throws -> (nll: Double, sigma: Double) {
            let r = try Minimization1D.brent(lo: window.lowerBound, hi: window.upperBound, gridPoints: 7,
                                             absoluteTolerance: 1e-6, relativeTolerance: 1e-6) { try nll(mu: mu, sigma: $0) }
            return (r.value, r.x)
        }
        context.log("profiling sigma")
        let fixedFit = try SignalFractionFit(ratios: f(ys, sigma: profileSigma)).interval()
        let joint = try Minimization1D.brent(lo: max(-0.2, fixedFit.best - 0.1), hi: min(0.9, fixedFit.best + 0.1), gridPoints: 9,
                                             absoluteTolerance: 1e-6, relativeTolerance: 1e-6) {
            try profiled($0).nll
        }
        let sigmaHat = try profiled(joint.x).sigma
        let halfWidth = 3 * (fixedFit.upper - fixedFit.lower) / 2
        let mus = (0...30).map { fixedFit.best - halfWidth + 2 * halfWidth * Double($0) / 30 }
        let fixedScan = try SignalFractionFit(ratios: f(ys, sigma: profileSigma)).scan(mus)
        let profScan = try mus.map { 2 * (try profiled($0).nll - joint.value) }
        // Interval of the profiled scan: where it crosses 1 (linear interpolation on the scan).
        func crossing(_ scan: [Double]) -> (Double, Double) {
            var lo = Double.nan, hi = Double.nan
            for i in 1..<scan.count {
                if scan[i - 1] > 1 && scan[i] <= 1 { lo = mus[i - 1] + (mus[i] - mus[i - 1]) * (scan[i - 1] - 1) / (scan[i - 1] - scan[i]) }
                if scan[i - 1] <= 1 && scan[i] > 1 { hi = mus[i - 1] + (mus[i] - mus[i - 1]) * (1 - scan[i - 1]) / (scan[i] - scan[i - 1]) }
            }
            return (lo, hi)
        }
        let profInterval = crossing(profScan)
        var prof = Plot(title: "Profile of μ: σ fixed at its true value vs σ profiled (true σ = \(fmt(profileSigma)))",
                        xLabel: "signal fraction μ", yLabel: "−2 Δ ln L(μ)")
        prof.yRange = 0...4
        prof.xRange = mus[0]...mus[mus.count - 1]
        prof.add(.line("σ fixed (f(y; σ_true))", x: mus, y: fixedScan))
        prof.add(.line("σ profiled (f(y; σ^) and the d = Y0 − Y1 constraint)", x: mus, y: profScan, dashed: true))
        prof.add(.horizontal(1))
        prof.add(.vertical(muTrue))

        var report = HTMLReport(title: "")
        report.paragraph("A dense \(network.layers) \(network.activation.rawValue) network f(y; σ) trained S vs B at σ ∈ {"
                         + trainingSigmas.map(fmt).joined(separator: ", ") + "} with \(n) signal events per value and background events "
                         + "assigned σ values from the same grid (\(history.count) epochs). Its ratio s/(1−s)·W_B/W_A is normalised at each σ "
                         + "so that ∫ f(y; σ) dy = 1 (the factor at the test values: "
                         + testSigmas.map { String(format: "σ = %@: %.4f", fmt($0), normalisation($0)) }.joined(separator: ", ")
                         + "); a fit of a fraction is biased by a ratio that is not a normalised density ratio.")
        report.figure(curve, caption: "The parameterized network at σ it never saw (dashed) against the exact ratio and a binned estimate "
                      + "(100,000 events per class): it interpolates between the grid points. Largest relative deviation in the bulk "
                      + "(|y| < 2√2σ): " + deviations.map { "σ = \($0.0): " + String(format: "%.1f%%", 100 * $0.1) }.joined(separator: ", ")
                      + "; signal-weighted RMS deviation in the bulk: "
                      + rmsDeviations.map { "σ = \($0.0): " + String(format: "%.1f%%", 100 * $0.1) }.joined(separator: ", ") + ".")
        report.figure(unc, caption: "The expected total error on μ (statistical half-width and bias of μ^ added in quadrature) when the fit "
                      + "uses f(y; σ′) while the data have σ (dotted: the true σ). Each curve is lowest near σ′ = σ (minima at σ′ = "
                      + bestPrime.map { String(format: "%.3f", $0) }.joined(separator: ", ") + "): a wrong σ′ biases μ^ — a too-narrow "
                      + "template even looks more precise — which is why σ must be known or fitted.")
        report.figure(prof, caption: String(format: "One data set of %d events at σ = %@: with σ profiled, the fit finds σ^ = %.4f from the "
                                            + "d = Y0 − Y1 distribution and μ^ = %.4f; the profiled interval [%.4f, %.4f] is barely wider than "
                                            + "with σ fixed [%.4f, %.4f], because the data constrain σ tightly.",
                                            events, fmt(profileSigma), sigmaHat, joint.x, profInterval.0, profInterval.1, fixedFit.lower, fixedFit.upper))

        let results: [(String, JSONValue)] = [
            ("training_sigmas", .numbers(trainingSigmas)),
            ("interpolation_max_relative_deviation_bulk", .numberObject(deviations)),
            ("interpolation_rms_relative_deviation_bulk", .numberObject(rmsDeviations)),
            ("mu_uncertainty", .object([("sigma_prime", .numbers(primes)), ("data_sigma", .numbers(matrixSigmas)),
                                        ("statistical", .array(statRows.map { .numbers($0) })),
                                        ("bias", .array(biasRows.map { .numbers($0) })),
                                        ("total", .array(totalRows.map { .numbers($0) })),
                                        ("best_sigma_prime", .numbers(bestPrime))])),
            ("profile", .object([("sigma_true", .number(profileSigma)), ("mu_true", .number(muTrue)), ("events", .integer(events)),
                                 ("fixed", .numberObject([("mu_hat", fixedFit.best), ("lower", fixedFit.lower), ("upper", fixedFit.upper)])),
                                 ("profiled", .numberObject([("mu_hat", joint.x), ("sigma_hat", sigmaHat), ("lower", profInterval.0),
                                                             ("upper", profInterval.1)]))])),
            ("sigma_from_d_alone", .number(sigmaFromD)),
            ("normalisation", .numberObject((trainingSigmas + testSigmas).map { (fmt($0), normalisation($0)) })),
            ("training_epochs", .integer(history.count)),
        ]
        let tables: [StudyTable] = [
            StudyTable(name: "interpolation", columns: curveColumns),
            StudyTable(name: "mu_uncertainty", columns: [("sigma_prime", primes)] + matrixSigmas.indices.flatMap { k in
                [("stat_data_sigma_\(fmt(matrixSigmas[k]))", statRows[k]), ("bias_data_sigma_\(fmt(matrixSigmas[k]))", biasRows[k]),
                 ("total_data_sigma_\(fmt(matrixSigmas[k]))", totalRows[k])]
            }),
            StudyTable(name: "profile_scan", columns: [("mu", mus), ("sigma_fixed", fixedScan), ("sigma_profiled", profScan)]),
        ]
        return StudyResult(results: results, tables: tables, report: report)
    }
}
