import Foundation
import NeymanCore
import NeymanReport
import NeymanSPlot
import NeymanStats

/// sPlot on a Z -> mu mu-like sample (docs/formulas.md §5, §6): does the sWeighted AUC of a classifier score reproduce the
/// AUC computed with the true labels, within its quoted uncertainty, and does the independence check catch a variable
/// it must not be used for?
///
/// Each pseudo-experiment draws ``ZBosonSample`` events (Voigt at `mass` with Breit-Wigner width `width` and Gaussian
/// `resolution`, over `exp(slope m)`, on `range`; the total is fixed at `N_s + N_b` and each event is signal with
/// probability `N_s / (N_s + N_b)`) with a score `Beta(a_s, b_s)` / `Beta(a_b, b_b)` independent of the mass within
/// each species, and a control variable
/// ```
///   c ~ Normal(k (m - mass), 1)   (signal: its mean follows the mass)      c ~ Normal(0, 1)   (background)
/// ```
/// Then: an extended unbinned fit of the mass (``SPlotFit``; Voigt with the width fixed at `width`, exponential), the
/// sWeights (``SWeights``, `alpha = W^-1`), the sWeighted AUC and the true-label AUC of the score on the same events
/// (``ROC``), and the pull
/// ```
///   pull = (AUC_sw - AUC_true) / sigma_diff,
///   sigma_diff = SD over bootstrap replicas of (AUC_sw^(r) - AUC_true^(r))
/// ```
/// where replica `r` resamples the events with replacement (paired: both AUCs from the same resample; every event keeps
/// its sWeights, i.e. the fit is not repeated per replica). NeymanStats has no analytic variance of a weighted AUC,
/// hence the bootstrap. The error of the difference, not of `AUC_sw` alone, is the right denominator because both
/// AUCs share the events' fluctuation; the SD of `AUC_sw` alone is reported too (`auc_sweighted_error_mean`).
/// The independence check (``SPlotIndependence``) runs on (mass, score) and (mass, control); a variable is flagged when
/// the smaller of its two p-values (signal and background sWeights) is below `level`.
///
/// Pseudo-experiment `i` uses random streams `(seed, 100 + 3i)` (events), `(seed, 101 + 3i)` (control) and
/// `(seed, 102 + 3i)` (bootstrap), so results do not depend on the thread count, and the study runs in shards
/// (``ShardableStudy``; the columns are ``ToyResult``'s numbers). Pseudo-experiments whose fit does not converge (or
/// whose sWeight matrix is singular) are counted in `converged_fraction` and left out of the rest.
public struct SPlotStudy: ShardableStudy {
    public static let kind = "splot-zmumu"

    /// Expected signal and background yields per pseudo-experiment; their sum is the fixed number of events.
    public var signalYield: Int
    public var backgroundYield: Int
    /// The Z pole (GeV), the centre of the Voigt.
    public var mass: Double
    /// Breit-Wigner full width Gamma (GeV), generated and held fixed in the fit.
    public var width: Double
    /// Gaussian resolution (GeV) of the Voigt.
    public var resolution: Double
    /// The mass range generated and fitted.
    public var range: FitRange
    /// Background shape `exp(slope m)` (per GeV).
    public var slope: Double
    /// Beta parameters `(a, b)` of the score per species.
    public var signalBeta: (a: Double, b: Double)
    public var backgroundBeta: (a: Double, b: Double)
    /// `k`: the control variable's mean shift per unit of `m - mass` for signal.
    public var controlSlope: Double
    /// Pseudo-experiments.
    public var toys: Int
    /// Paired bootstrap replicas per pseudo-experiment.
    public var bootstrapReplicas: Int
    /// The p-value below which the independence check flags a variable.
    public var level: Double

    /// Events per pseudo-experiment: `N_s + N_b`.
    public var events: Int { signalYield + backgroundYield }

    /// Reads `[sample]` (`signal_yield`, `background_yield` required and scaled; `mass`, `width`, `resolution`, `range`,
    /// `slope`), `[score]` (`signal_beta`, `background_beta`), `[control]` (`signal_slope`) and `[toys]` (`count` required
    /// and scaled; `bootstrap`, `level`). Bad values throw an error naming the key.
    public init(config root: ConfigTable, scale: StudyScale) throws {
        let sample = try root.require("sample") { try root.table($0) }
        signalYield = try sample.requirePositive("signal_yield", scale)
        backgroundYield = try sample.requirePositive("background_yield", scale)
        mass = try sample.double("mass") ?? 91.1876
        width = try sample.double("width") ?? 2.4952
        resolution = try sample.double("resolution") ?? 1.5
        guard width > 0, width.isFinite else { throw sample.invalid("width", "must be positive (got \(width))") }
        guard resolution > 0, resolution.isFinite else { throw sample.invalid("resolution", "must be positive (got \(resolution))") }
        let r = try sample.doubles("range") ?? [70, 110]
        guard r.count == 2, r[0].isFinite, r[1].isFinite, r[0] < r[1] else {
            throw sample.invalid("range", "must be [lo, hi] with lo < hi")
        }
        range = try FitRange(r[0], r[1])
        guard mass > r[0], mass < r[1] else { throw sample.invalid("mass", "must lie inside the range [\(r[0]), \(r[1])]") }
        slope = try sample.double("slope") ?? -0.03
        guard slope.isFinite, abs(slope * range.width) < 40 else {
            throw sample.invalid("slope", "must be finite with |slope| (hi - lo) < 40 (got \(slope))")
        }

        let score = try root.table("score")
        func beta(_ key: String, _ fallback: [Double]) throws -> (a: Double, b: Double) {
            let v = try score?.doubles(key) ?? fallback
            guard v.count == 2, v[0] > 0, v[1] > 0, v[0].isFinite, v[1].isFinite else {
                throw NeymanError.invalid("must be [a, b] with a, b > 0", file: root.file, key: "score.\(key)")
            }
            return (v[0], v[1])
        }
        signalBeta = try beta("signal_beta", [5, 2])
        backgroundBeta = try beta("background_beta", [2, 5])

        let control = try root.table("control")
        controlSlope = try control?.double("signal_slope") ?? 0.3
        guard controlSlope.isFinite else {
            throw NeymanError.invalid("must be finite", file: root.file, key: "control.signal_slope")
        }

        // Each pseudo-experiment generates signal_yield + background_yield events (StudySizes); checked before the sum.
        try sample.checkMemory("signal_yield", count: signalYield, bytesPerUnit: StudySizes.pseudoExperimentEvent)
        try sample.checkMemory("background_yield", count: backgroundYield, bytesPerUnit: StudySizes.pseudoExperimentEvent)
        let toyTable = try root.require("toys") { try root.table($0) }
        toys = try toyTable.requirePositive("count", scale)
        try toyTable.checkMemory("count", count: toys, bytesPerUnit: StudySizes.toy)
        bootstrapReplicas = try toyTable.int("bootstrap") ?? 200
        guard bootstrapReplicas >= 10 else { throw toyTable.invalid("bootstrap", "need at least 10 replicas (got \(bootstrapReplicas))") }
        try toyTable.checkMemory("bootstrap", count: bootstrapReplicas, bytesPerUnit: StudySizes.toy)
        level = try toyTable.double("level") ?? 0.01
        guard level > 0, level < 1 else { throw toyTable.invalid("level", "must be in (0, 1) (got \(level))") }
    }

    /// One pseudo-experiment's events, control variable, fit and sWeights (`nil` sWeights: the fit failed).
    struct DataSet {
        var sample: ZBosonSample
        var control: [Double]
        var fit: SPlotFitResult
        var sweights: SWeightsResult?
    }

    /// What a pseudo-experiment contributes.
    struct ToyResult {
        var converged = false
        var aucTrue = Double.nan, aucSWeighted = Double.nan
        /// Bootstrap SD of `AUC_sw - AUC_true` and of `AUC_sw` alone.
        var errorDifference = Double.nan, errorSWeighted = Double.nan
        /// min(p_signal, p_background) of the independence check, per variable.
        var pScore = Double.nan, pControl = Double.nan
        var pull: Double { (aucSWeighted - aucTrue) / errorDifference }

        /// The shard payload's columns, in this order (`converged` as 0 or 1).
        static let columns = ["converged", "auc_true", "auc_sweighted", "error_difference", "error_sweighted", "p_score", "p_control"]
        var row: [Double] { [converged ? 1 : 0, aucTrue, aucSWeighted, errorDifference, errorSWeighted, pScore, pControl] }
        init(converged: Bool = false) { self.converged = converged }
        init(row v: [Double]) {
            (converged, aucTrue, aucSWeighted, errorDifference, errorSWeighted, pScore, pControl) = (v[0] == 1, v[1], v[2], v[3], v[4], v[5], v[6])
        }
    }

    var model: SPlotModel { SPlotModel(signal: VoigtPDF(), background: ExponentialPDF(range: range), range: range) }

    func dataSet(_ i: Int, seed: UInt64) throws -> DataSet {
        let sample = try ZBosonSample.generate(events: events, signalFraction: Double(signalYield) / Double(events), mass: mass,
                                               width: width, resolution: resolution, range: range, slope: slope,
                                               signalScore: signalBeta, backgroundScore: backgroundBeta,
                                               seed: seed, task: UInt64(100 + 3 * i))
        let rng = RandomStream(seed: seed, task: UInt64(101 + 3 * i))
        let control = zip(sample.mass, sample.isSignal).map { m, s in
            rng.normal(mean: s > 0.5 ? controlSlope * (m - mass) : 0, sigma: 1)
        }
        let fit = try SPlotFit.fit(masses: sample.mass, model: model, fixed: ["signal.width": width])
        let sw = fit.converged ? try? SWeights.compute(fit: fit, masses: sample.mass) : nil
        return DataSet(sample: sample, control: control, fit: fit, sweights: sw)
    }

    /// The paired bootstrap of `(AUC_sw, AUC_sw - AUC_true)`: SDs over `replicas` resamples with replacement.
    /// Events are sorted by score once, so every replica's sort inside ``ROC/auc(scores:signalWeights:backgroundWeights:)``
    /// meets sorted input; a replica's resample is a multiplicity `c_e` per event that multiplies its weights.
    static func pairedBootstrap(scores: [Double], labels: [Double], sweights: SWeightsResult, replicas: Int,
                                rng: RandomStream) throws -> (difference: Double, sweighted: Double) {
        let n = scores.count
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        let s = order.map { scores[$0] }, y = order.map { labels[$0] }
        let ws = order.map { sweights.signal[$0] }, wb = order.map { sweights.background[$0] }
        var diffs: [Double] = [], sws: [Double] = []
        var count = [Double](repeating: 0, count: n)
        for _ in 0..<replicas {
            for k in 0..<n { count[k] = 0 }
            for _ in 0..<n { count[rng.integer(below: n)] += 1 }
            let a = zip(ws, count).map { $0 * $1 }, b = zip(wb, count).map { $0 * $1 }
            let ts = zip(y, count).map { $0 > 0.5 ? $1 : 0 }, tb = zip(y, count).map { $0 > 0.5 ? 0 : $1 }
            guard let sw = try? ROC.auc(scores: s, signalWeights: a, backgroundWeights: b),
                  let truth = try? ROC.auc(scores: s, signalWeights: ts, backgroundWeights: tb) else { continue }
            sws.append(sw)
            diffs.append(sw - truth)
        }
        guard diffs.count >= 2 else { throw NeymanError.numericalFailure("fewer than two bootstrap replicas had both classes") }
        return (SampleSummary.standardDeviation(diffs), SampleSummary.standardDeviation(sws))
    }

    func toy(_ i: Int, seed: UInt64) throws -> ToyResult {
        let data = try dataSet(i, seed: seed)
        guard let sw = data.sweights else { return ToyResult() }
        var r = ToyResult(converged: true)
        let scores = data.sample.score
        r.aucTrue = try ROC.auc(scores: scores, labels: data.sample.isSignal)
        r.aucSWeighted = try SWeightedROC.auc(scores: scores, sweights: sw)
        (r.errorDifference, r.errorSWeighted) = try SPlotStudy.pairedBootstrap(
            scores: scores, labels: data.sample.isSignal, sweights: sw, replicas: bootstrapReplicas,
            rng: RandomStream(seed: seed, task: UInt64(102 + 3 * i)))
        let ts = try SPlotIndependence.test(masses: data.sample.mass, control: scores, fit: data.fit, sweights: sw)
        let tc = try SPlotIndependence.test(masses: data.sample.mass, control: data.control, fit: data.fit, sweights: sw)
        r.pScore = min(ts.signal.pValue, ts.background.pValue)
        r.pControl = min(tc.signal.pValue, tc.background.pValue)
        return r
    }

    public var pseudoExperimentCount: Int { toys }

    /// Pseudo-experiments `indices` (nothing is shared between them: no common values).
    public func runPseudoExperiments(_ indices: Range<Int>, seed: UInt64, context: StudyContext) throws -> ShardPayload {
        context.log("\(indices.count) pseudo-experiments of \(events) events, \(bootstrapReplicas) bootstrap replicas each")
        let progress = ProgressDisplay("sPlot pseudo-experiments", total: indices.count, quiet: context.quiet)
        let first = indices.lowerBound
        let rows = try deterministicParallelMap(count: indices.count, threads: context.threads, progress: progress) {
            try toy(first + $0, seed: seed).row
        }
        progress.finish()
        return ShardPayload(columns: ToyResult.columns.indices.map { k in (ToyResult.columns[k], rows.map { $0[k] }) })
    }

    /// Pulls, the independence check's rates, plots and tables from all pseudo-experiments' numbers.
    public func finish(_ payload: ShardPayload, seed: UInt64, context: StudyContext) throws -> StudyResult {
        let columns = try ToyResult.columns.map { try payload.column($0) }
        let results = (0..<(columns.first?.count ?? 0)).map { i in ToyResult(row: columns.map { $0[i] }) }
        guard results.count == toys else {
            throw NeymanError.invalid("\(results.count) pseudo-experiments where the study has \(toys)", key: "columns")
        }
        // A converged pseudo-experiment's numbers are finite and its p-values in [0, 1]; anything else comes from an
        // altered shard file and would only garble the plots.
        if let bad = results.firstIndex(where: { r in
            r.converged && !(r.row.allSatisfy(\.isFinite) && (0...1).contains(r.pScore) && (0...1).contains(r.pControl))
        }) {
            throw NeymanError.invalid("pseudo-experiment \(bad) converged but holds numbers out of their range", key: "columns")
        }
        let ok = results.filter { $0.converged }
        guard ok.count >= 2 else {
            throw NeymanError.numericalFailure("only \(ok.count) of \(toys) pseudo-experiments had a converged fit")
        }
        let nOK = Double(ok.count)
        let mean = SampleSummary.mean
        let pulls = ok.map { $0.pull }
        let pullMean = mean(pulls), pullWidth = SampleSummary.standardDeviation(pulls)
        let pullMeanError = pullWidth / nOK.squareRoot(), pullWidthError = pullWidth / (2 * (nOK - 1)).squareRoot()
        let unpaired = ok.map { ($0.aucSWeighted - $0.aucTrue) / $0.errorSWeighted }
        let aucTrueMean = mean(ok.map { $0.aucTrue }), aucSWMean = mean(ok.map { $0.aucSWeighted })
        let spreadDifference = SampleSummary.standardDeviation(ok.map { $0.aucSWeighted - $0.aucTrue })
        let errorDifferenceMean = mean(ok.map { $0.errorDifference }), errorSWMean = mean(ok.map { $0.errorSWeighted })
        let spreadSW = SampleSummary.standardDeviation(ok.map { $0.aucSWeighted })
        func flagged(_ p: [Double]) -> (fraction: Double, error: Double) {
            let f = Double(p.filter { $0 < level }.count) / nOK
            return (f, (f * (1 - f) / nOK).squareRoot())
        }
        let flagScore = flagged(ok.map { $0.pScore }), flagControl = flagged(ok.map { $0.pControl })
        let convergedFraction = nOK / Double(toys)

        // The data set shown: pseudo-experiment 0 (or the first that converged).
        let shown = results.firstIndex(where: { $0.converged }) ?? 0
        let data = try dataSet(shown, seed: seed)
        guard let sw = data.sweights else { throw NeymanError.numericalFailure("the fit of the data set shown did not converge") }
        var report = HTMLReport(title: "")
        report.paragraph("Each pseudo-experiment has \(events) events in [\(fmt(range.lo)), \(fmt(range.hi))] GeV: on average "
                         + "\(signalYield) Z → μμ-like signal events (Voigt at \(fmt(mass)) GeV, Γ = \(fmt(width)) GeV, Gaussian "
                         + "resolution \(fmt(resolution)) GeV) and \(backgroundYield) background events (exp(\(fmt(slope)) m)); the total "
                         + "is fixed and each event is signal with probability \(fmt(Double(signalYield) / Double(events))). The "
                         + "classifier score is Beta(\(fmt(signalBeta.a)), \(fmt(signalBeta.b))) for signal and Beta(\(fmt(backgroundBeta.a)), "
                         + "\(fmt(backgroundBeta.b))) for background, independent of the mass within each species. The control variable "
                         + "is Normal(\(fmt(controlSlope)) (m − \(fmt(mass))), 1) for signal and Normal(0, 1) for background: its signal "
                         + "mean follows the mass, so sWeights must not be used for it. Per pseudo-experiment: an extended unbinned "
                         + "fit of the mass (Voigt with Γ fixed at \(fmt(width)) GeV, mean and resolution free; exponential slope free; "
                         + "both yields free), sWeights (α = W⁻¹), the sWeighted AUC of the score and its true-label AUC on the same "
                         + "events. The uncertainty of AUC_sw − AUC_true is the standard deviation over \(bootstrapReplicas) paired "
                         + "bootstrap replicas (events resampled with replacement, both AUCs from the same resample, sWeights held "
                         + "fixed; NeymanStats has no analytic variance of a weighted AUC). \(ok.count) of \(toys) fits converged.")
        report.figure(try massPlot(data), caption: "The mass fit of pseudo-experiment \(shown): data with Poisson errors, the fitted "
                      + String(format: "total, signal (N_s = %.0f ± %.0f) and background (N_b = %.0f ± %.0f).",
                               data.fit.yields.signal, data.fit.yieldErrors.signal, data.fit.yields.background, data.fit.yieldErrors.background))
        report.figure(try scorePlot(data, sw), caption: "The score of each species in the same data set: sWeighted histograms "
                      + "(points, errors √Σw²) against the histograms of the true labels (lines). The sWeights recover both "
                      + "species' distributions without labels, within the errors.")
        let aucSW0 = try SWeightedROC.auc(scores: data.sample.score, sweights: sw)
        let aucTrue0 = try ROC.auc(scores: data.sample.score, labels: data.sample.isSignal)
        report.figure(try rocPlot(data, sw), caption: String(format: "ROC curves of the score in the same data set: sWeighted "
                      + "(AUC = %.4f) and with the true labels (AUC = %.4f); this data set's pull is %+.2f. The sWeights are signed, "
                      + "so the sWeighted rates are not monotonic and may leave [0, 1] (and the AUC may exceed 1): at high scores "
                      + "the background sWeights of signal events under the peak are negative and cancel part of the true "
                      + "background.", aucSW0, aucTrue0, results[shown].pull))
        report.figure(pullPlot(pulls), caption: String(format: "Pulls (AUC_sw − AUC_true)/σ over %d pseudo-experiments with the "
                      + "unit Gaussian: mean %.3f ± %.3f, width %.3f ± %.3f. The paired bootstrap error describes the sWeighted AUC's "
                      + "deviation from the truth.", ok.count, pullMean, pullMeanError, pullWidth, pullWidthError))
        report.table(headers: ["quantity", "value"], rows: [
            ["pull mean", String(format: "%.3f ± %.3f", pullMean, pullMeanError)],
            ["pull width", String(format: "%.3f ± %.3f", pullWidth, pullWidthError)],
            ["mean AUC, true labels", String(format: "%.4f", aucTrueMean)],
            ["mean AUC, sWeighted", String(format: "%.4f", aucSWMean)],
            ["SD of AUC_sw − AUC_true over pseudo-experiments", String(format: "%.5f", spreadDifference)],
            ["mean bootstrap error of AUC_sw − AUC_true", String(format: "%.5f", errorDifferenceMean)],
            ["SD of AUC_sw over pseudo-experiments", String(format: "%.5f", spreadSW)],
            ["mean bootstrap error of AUC_sw alone", String(format: "%.5f", errorSWMean)],
            ["width of (AUC_sw − AUC_true)/σ(AUC_sw) (unpaired error)", String(format: "%.3f", SampleSummary.standardDeviation(unpaired))],
            ["converged fits", String(format: "%d of %d", ok.count, toys)],
        ], caption: "Errors: mean ± width/√n, width ± width/√(2(n−1)). The bootstrap error of AUC_sw alone measures AUC_sw's "
                 + "spread around the population AUC; the part of it that AUC_true shares (the same events) cancels in the "
                 + "difference, so the error of AUC_sw alone is the larger of the two and the pull with it (unpaired row) the narrower.")
        report.figure(pValuePlot(ok), caption: "Independence check (weighted Kendall τ of the mass against the variable, centred, "
                      + "smaller p-value of the signal and the background sWeights) over the pseudo-experiments. Values below "
                      + "10⁻¹² are put in the first bin; the dotted line is the \(fmt(level)) level.")
        report.table(headers: ["variable", "fraction flagged at p < \(fmt(level))", "median p-value"], rows: [
            ["score (independent of the mass)", String(format: "%.3f ± %.3f", flagScore.fraction, flagScore.error),
             String(format: "%.3g", SampleSummary.median(ok.map { $0.pScore }))],
            ["control (signal mean follows the mass)", String(format: "%.3f ± %.3f", flagControl.fraction, flagControl.error),
             String(format: "%.3g", SampleSummary.median(ok.map { $0.pControl }))],
        ], caption: "A variable is flagged when either species' p-value is below the level, so an independent variable is "
                 + "flagged more often than the level (about twice as often if the two p-values were exact and independent; "
                 + "they are approximations, see SPlotIndependence). Binomial errors.")

        let out: [(String, JSONValue)] = [
            ("pull_mean", .number(pullMean)), ("pull_mean_error", .number(pullMeanError)),
            ("pull_width", .number(pullWidth)), ("pull_width_error", .number(pullWidthError)),
            ("auc_true_mean", .number(aucTrueMean)), ("auc_sweighted_mean", .number(aucSWMean)),
            ("auc_difference_spread", .number(spreadDifference)), ("auc_difference_error_mean", .number(errorDifferenceMean)),
            ("auc_sweighted_error_mean", .number(errorSWMean)),
            ("flagged_fraction", .numberObject([("independent_score", flagScore.fraction), ("correlated_control", flagControl.fraction)])),
            ("converged_fraction", .number(convergedFraction)),
            ("pseudo_experiments", .integer(toys)), ("events", .integer(events)),
            ("bootstrap_replicas", .integer(bootstrapReplicas)), ("level", .number(level)),
        ]
        let tables: [StudyTable] = [
            StudyTable(name: "pseudo_experiments", columns: [
                ("converged", results.map { $0.converged ? 1 : 0 }),
                ("auc_true", results.map { $0.aucTrue }), ("auc_sweighted", results.map { $0.aucSWeighted }),
                ("error_difference", results.map { $0.errorDifference }), ("error_sweighted", results.map { $0.errorSWeighted }),
                ("pull", results.map { $0.pull }), ("p_score", results.map { $0.pScore }), ("p_control", results.map { $0.pControl }),
            ]),
        ]
        return StudyResult(results: out, tables: tables, report: report)
    }
}
