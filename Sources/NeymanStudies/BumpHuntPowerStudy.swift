import Foundation
import NeymanCore
import NeymanNN
import NeymanReport
import NeymanStats

/// Cuts vs bins vs unbinned (guide §3.2, fig. 4): the power of six tests of `mu = 1` (S + B) against `mu = 0`
/// (B only) as a function of their type-I error, from pseudo-experiments under each hypothesis.
///
/// Every test is the log-likelihood ratio of the two simple hypotheses with the information it is given:
/// ```
///   inclusive:  T = n                                            (the count alone)
///   cut:        T = n(r > cut)                                   (one bin)
///   two bins:   T = sum_k n_k ln(1 + S_k/B_k),  r-bins [e0, e1), [e1, inf)
///   many bins:  the same with N equal bins on [lo, hi) in r, overflow merged into the last
///   optimal:    T = sum_i ln(1 + (S/B) r(y_i))                   (guide eq. 3.8, exact ratio)
///   network:    the same with the network's ratio r^(y) = s/(1-s) W_B/W_A, trained S vs B on y
/// ```
/// (constants dropped). Bins and cuts are in the exact ratio `r`, as in the guide, with exact bin expectations
/// (``RatioBinning``). Pseudo-experiment `i` under H0 uses random stream `(seed, 2i)`, under H1 `(seed, 2i + 1)`,
/// so results do not depend on the thread count, and the study runs in shards (``ShardableStudy``: every shard trains
/// the same network, then runs its pseudo-experiments; the columns are the six statistics under each hypothesis).
public struct BumpHuntPowerStudy: ShardableStudy {
    public static let kind = "bumphunt-power"

    public var sigma: Double
    public var signal: Double
    public var background: Double
    public var cut: Double
    public var twoBinEdges: [Double]
    public var manyBins: Int
    public var manyBinsRange: (Double, Double)
    public var alpha: Double
    public var toys: Int
    public var network: StudyNetworkSettings

    /// The six tests, in the order of the results.
    public static let testNames = ["inclusive", "cut", "two_bins", "many_bins", "optimal", "network"]
    static let testLabels = ["Inclusive (count)", "Fixed cut r > 0.5", "Two bins", "Many bins", "Optimal (exact r, unbinned)",
                             "Network r^ (unbinned)"]

    public init(config root: ConfigTable, scale: StudyScale) throws {
        let model = try root.require("model") { try root.table($0) }
        sigma = try model.requirePositiveDouble("sigma", scale)
        signal = try model.requirePositiveDouble("signal", scale)
        background = try model.requirePositiveDouble("background", scale)
        let tests = try root.table("tests")
        cut = try tests?.double("cut") ?? 0.5
        twoBinEdges = try tests?.doubles("two_bins") ?? [0.5, 2.0]
        guard twoBinEdges.count == 2 else { throw root.invalid("tests.two_bins", "give the two lower edges, e.g. [0.5, 2.0]") }
        manyBins = try tests?.int("many_bins") ?? 20
        guard manyBins >= 2 else { throw root.invalid("tests.many_bins", "must be >= 2") }
        let range = try tests?.doubles("many_bins_range") ?? [0, 3]
        guard range.count == 2, range[0] >= 0, range[1] > range[0] else {
            throw root.invalid("tests.many_bins_range", "must be [lo, hi] with 0 <= lo < hi")
        }
        manyBinsRange = (range[0], range[1])
        alpha = try tests?.double("alpha") ?? 0.05
        guard alpha > 0, alpha < 1 else { throw root.invalid("tests.alpha", "must be in (0, 1)") }
        let toyTable = try root.require("toys") { try root.table($0) }
        toys = try toyTable.requirePositive("count", scale)
        network = try StudyNetworkSettings(config: root, scale: scale)
        // Sizes against memory (StudySizes): the events of a pseudo-experiment, the toys' results, the bins.
        try model.checkMemory("signal", expected: signal, bytesPerUnit: StudySizes.pseudoExperimentEvent)
        try model.checkMemory("background", expected: background, bytesPerUnit: StudySizes.pseudoExperimentEvent)
        try toyTable.checkMemory("count", count: toys, bytesPerUnit: StudySizes.toy)
        try root.checkMemory("tests.many_bins", count: manyBins, bytesPerUnit: StudySizes.bin)
    }

    /// The binnings of the cut, two-bin and many-bin tests.
    func binnings() throws -> [RatioBinning] {
        let width = (manyBinsRange.1 - manyBinsRange.0) / Double(manyBins)
        return [try RatioBinning(edges: [cut], sigma: sigma),
                try RatioBinning(edges: twoBinEdges, sigma: sigma),
                try RatioBinning(edges: (0..<manyBins).map { manyBinsRange.0 + Double($0) * width }, sigma: sigma)]
    }

    /// The six statistics of one pseudo-experiment, given the exact and the network ratio of each event.
    static func statistics(exact: [Double], network: [Double], signal s: Double, background b: Double,
                           binnings: [RatioBinning]) -> [Double] {
        let k = s / b
        var optimal = 0.0, learned = 0.0
        for r in exact { optimal += log1p(k * r) }
        for r in network { learned += log1p(k * r) }
        return [Double(exact.count)] + binnings.map { $0.statistic(ratios: exact, signal: s, background: b) } + [optimal, learned]
    }

    public var pseudoExperimentCount: Int { toys }

    /// The payload column of test `t` (``testNames``) under H0 (`null_...`) or H1 (`alternative_...`).
    static func column(_ t: Int, alternative: Bool) -> String { (alternative ? "alternative_" : "null_") + testNames[t] }

    /// Trains the network, then runs pseudo-experiments `indices`: the six statistics under H0 and H1 of each.
    public func runPseudoExperiments(_ indices: Range<Int>, seed: UInt64, context: StudyContext) throws -> ShardPayload {
        let model = try BumpHuntModel(resolution: .global(sigma))
        let binnings = try binnings()
        let networkSeed = RandomStream.mixSeed(seed, 0x4E4E)
        let (ratioNet, history) = try network.trainBumpHuntRatio(model: model, dataSeed: networkSeed, trainingSeed: networkSeed &+ 3,
                                                                 context: context)
        let s = signal, b = background
        let progress = ProgressDisplay("pseudo-experiments", total: indices.count, quiet: context.quiet)
        let first = indices.lowerBound
        let pairs = try deterministicParallelMap(count: indices.count, threads: context.threads, progress: progress) { j -> ([Double], [Double]) in
            let i = first + j
            var out: [[Double]] = []
            for (hypothesis, mu) in [(0, 0.0), (1, 1.0)] {
                let events = model.pseudoExperiment(signal: mu * s, background: b,
                                                    rng: RandomStream(seed: seed, task: UInt64(2 * i + hypothesis)))
                let exact = events.map { BumpHuntModel.ratio(y: $0.y, sigma: sigma) }
                let learned = events.map { ratioNet($0.y) }
                out.append(BumpHuntPowerStudy.statistics(exact: exact, network: learned, signal: s, background: b, binnings: binnings))
            }
            return (out[0], out[1])
        }
        progress.finish()
        let names = BumpHuntPowerStudy.testNames.indices
        return ShardPayload(common: [("training_epochs", [Double(history.count)]),
                                     ("training_final_validation_loss", [history.last?.validationLoss ?? .nan])],
                            columns: names.map { t in (Self.column(t, alternative: false), pairs.map { $0.0[t] }) }
                                + names.map { t in (Self.column(t, alternative: true), pairs.map { $0.1[t] }) })
    }

    /// Power curves, plots and tables from the statistics of all pseudo-experiments.
    public func finish(_ payload: ShardPayload, seed: UInt64, context: StudyContext) throws -> StudyResult {
        let s = signal, b = background
        let epochs = try payload.commonCount("training_epochs")
        let finalValidationLoss = try payload.commonNumber("training_final_validation_loss")
        // Power curves.
        let curvesByTest = try BumpHuntPowerStudy.testNames.indices.map { t in
            try PowerCurve(null: payload.column(Self.column(t, alternative: false)),
                           alternative: payload.column(Self.column(t, alternative: true)))
        }
        let alphas = PowerCurve.defaultAlphas
        var curves: [(String, [Double])] = [("alpha", alphas)]
        var atAlpha: [(String, Double)] = [], errAtAlpha: [(String, Double)] = []
        var plot = Plot(title: "Power vs type-I error (S = \(fmt(s)), B = \(fmt(b)), σ = \(fmt(sigma)))",
                        xLabel: "type-I error α (probability to reject B-only when true)",
                        yLabel: "power 1 − β (probability to reject B-only under S + B)")
        plot.xRange = 0...1
        plot.yRange = 0...1
        plot.legend = .bottomRight
        plot.add(.diagonal)
        plot.add(.vertical(alpha))
        for (t, name) in BumpHuntPowerStudy.testNames.enumerated() {
            let pc = curvesByTest[t]
            let (p, e) = pc.curve(alphas)
            curves.append(("power_" + name, p))
            curves.append(("power_error_" + name, e))
            let pa = pc.power(at: alpha)
            atAlpha.append((name, pa))
            errAtAlpha.append((name, pc.powerError(pa)))
            plot.add(.line(BumpHuntPowerStudy.testLabels[t], x: alphas, y: p, dashed: name == "network"))
        }

        // Zoom on small alpha, with error bars.
        var zoom = Plot(title: "Power at small type-I error, with binomial errors", xLabel: "type-I error α", yLabel: "power 1 − β")
        zoom.xRange = 0...0.2
        zoom.legend = .bottomRight
        zoom.add(.vertical(alpha))
        let zoomAlphas = (1...20).map { Double($0) / 100 }
        for (t, name) in BumpHuntPowerStudy.testNames.enumerated() {
            let (p, e) = curvesByTest[t].curve(zoomAlphas)
            zoom.add(.line(BumpHuntPowerStudy.testLabels[t], x: zoomAlphas, y: p, yError: e, dashed: name == "network"))
        }

        var report = HTMLReport(title: "")
        report.paragraph("Six tests of S + B (mu = 1) against B only (mu = 0) in the bump-hunt model at σ = \(fmt(sigma)) with "
                         + "S = \(fmt(s)) and B = \(fmt(b)) expected events, each from \(toys) pseudo-experiments per hypothesis. "
                         + "Cuts and bins are on the exact per-event ratio r = p_S/p_B (the signal density is a wrapped normal of "
                         + "width √2 σ = \(fmt(2.0.squareRoot() * sigma)), not σ as the guide's figure labels it). "
                         + "The network is a dense \(network.layers) \(network.activation.rawValue) classifier trained S vs B on y "
                         + "(\(network.eventsPerClass) events per class, \(epochs) epochs), converted to r^ = s/(1−s)·W_B/W_A.")
        report.figure(plot, caption: "Power against type-I error for each test (dotted: random guessing and α = \(fmt(alpha))). "
                      + "Higher is better: the unbinned tests (optimal and network) lie on top, twenty bins nearly reach them, "
                      + "the inclusive count is the weakest.")
        report.figure(zoom, caption: "The same curves for α ≤ 0.2 with the binomial error of the power at each point.")
        report.table(headers: ["test", "power at α = \(fmt(alpha))", "binomial error"],
                     rows: zip(atAlpha, errAtAlpha).enumerated().map { k, v in
                         [BumpHuntPowerStudy.testLabels[k], String(format: "%.4f", v.0.1), String(format: "%.4f", v.1.1)]
                     },
                     caption: "Power at the conventional size; errors are binomial on the S + B pseudo-experiments.")

        let results: [(String, JSONValue)] = [
            ("model", .numberObject([("sigma", sigma), ("signal", s), ("background", b)])),
            ("toys", .integer(toys)),
            ("alpha", .number(alpha)),
            ("power_at_alpha_0.05", .numberObject(zip(BumpHuntPowerStudy.testNames, curvesByTest).map { ($0, $1.power(at: 0.05)) })),
            ("power_error_at_alpha_0.05", .numberObject(zip(BumpHuntPowerStudy.testNames, curvesByTest).map {
                ($0, $1.powerError($1.power(at: 0.05)))
            })),
            ("power_at_alpha", alpha == 0.05 ? .null : .numberObject(atAlpha)),
            ("training_epochs", .integer(epochs)),
            // No validation loss (NaN here) prints as null, as a NaN loss would.
            ("training_final_validation_loss", finalValidationLoss.isNaN ? .null : .number(finalValidationLoss)),
        ]
        return StudyResult(results: results, tables: [StudyTable(name: "power_curves", columns: curves)], report: report)
    }
}
