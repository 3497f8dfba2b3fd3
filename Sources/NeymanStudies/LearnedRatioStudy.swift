import Foundation
import NeymanCore
import NeymanNN
import NeymanReport
import NeymanStats

/// A classifier learns the likelihood ratio (guide §3.2, fig. 3; docs/formulas.md §1).
///
/// Two networks on `y` at one global sigma:
/// ```
///   (S+B) vs B:   lambda^(y) = s/(1-s) * W_B/W_A                       -> p_{S+B}(y) / p_B(y)
///   S vs B:       lambda^(y) = alpha * r^(y) + (1 - alpha),  r^ = s/(1-s) * W_B/W_A   (guide eqs. 3.12-3.14)
/// ```
/// with `alpha` the signal fraction of the S+B sample, against the exact `lambda(y) = alpha WN(y; sqrt 2 sigma) + 1 - alpha`
/// and a binned estimate (the ratio of the normalised y histograms of the two training samples). Reported: the
/// largest relative deviation of each network from the exact ratio in the bulk, `|y| < bulk * sqrt(2) sigma`; and
/// the calibration of each network's output on independent events (guide fig. 3 left: in a bin of `lambda^`, the
/// ratio of the (S+B) and B densities should equal the bin's `lambda^`).
public struct LearnedRatioStudy: Study {
    public static let kind = "learned-ratio"

    public var sigma: Double
    public var signalFraction: Double
    public var bins: Int
    public var bulk: Double
    public var calibrationEvents: Int
    public var network: StudyNetworkSettings

    public init(config root: ConfigTable, scale: StudyScale) throws {
        let model = try root.require("model") { try root.table($0) }
        sigma = try model.requirePositiveDouble("sigma", scale)
        signalFraction = try model.require("signal_fraction") { try model.double($0) }
        guard signalFraction > 0, signalFraction < 1 else { throw model.invalid("signal_fraction", "must be in (0, 1)") }
        let plot = try root.table("plot")
        bins = try plot?.int("bins") ?? 50
        guard bins >= 5 else { throw root.invalid("plot.bins", "must be >= 5") }
        bulk = try plot?.double("bulk") ?? 2
        guard bulk > 0 else { throw root.invalid("plot.bulk", "must be positive (in units of the signal width sqrt(2) sigma)") }
        calibrationEvents = try plot?.scaledInt("calibration_events", scale) ?? 200_000
        guard calibrationEvents >= 1000 else { throw root.invalid("plot.calibration_events", "must be >= 1000") }
        network = try StudyNetworkSettings(config: root, scale: scale)
        // Sizes against memory (StudySizes): the plot's bins and the calibration events of both classes.
        try root.checkMemory("plot.bins", count: bins, bytesPerUnit: StudySizes.bin)
        try root.checkMemory("plot.calibration_events", count: calibrationEvents, bytesPerUnit: 2 * StudySizes.event)
    }

    /// `n` events of the (S+B) mixture with signal fraction `alpha`: `round(alpha n)` signal events, the rest background.
    static func mixture(_ model: BumpHuntModel, _ n: Int, alpha: Double, rng: RandomStream) -> [BumpHuntModel.Event] {
        let ns = Int((alpha * Double(n)).rounded())
        return model.events(ns, signal: true, rng: rng) + model.events(n - ns, signal: false, rng: rng)
    }

    public func run(seed: UInt64, context: StudyContext) throws -> StudyResult {
        let model = try BumpHuntModel(resolution: .global(sigma))
        let alpha = signalFraction
        let n = network.eventsPerClass
        let mixed = LearnedRatioStudy.mixture(model, n, alpha: alpha, rng: RandomStream(seed: seed, task: 1))
        let background = model.events(n, signal: false, rng: RandomStream(seed: seed, task: 2))
        let signal = model.events(n, signal: true, rng: RandomStream(seed: seed, task: 3))

        context.log("training (S+B) vs B on \(n) + \(n) events")
        let (netMix, histMix) = try network.train(classA: mixed.map { [Float($0.y)] }, classB: background.map { [Float($0.y)] },
                                                  seed: RandomStream.mixSeed(seed, 11), quiet: context.quiet)
        context.log("training S vs B on \(n) + \(n) events")
        let (netSB, histSB) = try network.train(classA: signal.map { [Float($0.y)] }, classB: background.map { [Float($0.y)] },
                                                seed: RandomStream.mixSeed(seed, 12), quiet: context.quiet)
        let lrMix = try LikelihoodRatio(network: netMix), lrSB = try LikelihoodRatio(network: netSB)
        func lambdaMix(_ ys: [Double]) -> [Double] {
            netMix.score(ys.map(Float.init), rows: ys.count).map { lrMix.ratio(score: Double($0)) }
        }
        func lambdaSB(_ ys: [Double]) -> [Double] {
            netSB.score(ys.map(Float.init), rows: ys.count).map { LikelihoodRatio.mixture(ratioSB: lrSB.ratio(score: Double($0)), signalFraction: alpha) }
        }

        // Curves on a grid.
        let grid = (0...400).map { -0.5 + Double($0) / 400 }
        let exact = grid.map { BumpHuntModel.mixtureRatio(y: $0, sigma: sigma, signalFraction: alpha) }
        let fromMix = lambdaMix(grid), fromSB = lambdaSB(grid)
        let width = 2.0.squareRoot() * sigma
        let bulkHalf = min(bulk * width, 0.5)
        func worst(_ learned: [Double]) -> (lambda: Double, ratio: Double) {
            var l = 0.0, r = 0.0
            for i in grid.indices where abs(grid[i]) < bulkHalf {
                l = max(l, abs(learned[i] / exact[i] - 1))
                let rl = (learned[i] - (1 - alpha)) / alpha, re = (exact[i] - (1 - alpha)) / alpha
                r = max(r, abs(rl / re - 1))
            }
            return (l, r)
        }
        let devMix = worst(fromMix), devSB = worst(fromSB)

        // Binned estimate from the training samples.
        let edges = (0...bins).map { -0.5 + Double($0) / Double(bins) }
        func histogram(_ ys: [Double]) -> [Double] {
            var h = [Double](repeating: 0, count: bins)
            for y in ys { h[min(bins - 1, max(0, Int((y + 0.5) * Double(bins))))] += 1 }
            return h
        }
        let hA = histogram(mixed.map(\.y)), hB = histogram(background.map(\.y))
        let nA = Double(mixed.count), nB = Double(background.count)
        var binned = [Double](repeating: .nan, count: bins), binnedErr = [Double](repeating: .nan, count: bins)
        for k in 0..<bins where hA[k] > 0 && hB[k] > 0 {
            binned[k] = (hA[k] / nA) / (hB[k] / nB)
            binnedErr[k] = binned[k] * (1 / hA[k] + 1 / hB[k]).squareRoot()
        }
        let centres = (0..<bins).map { 0.5 * (edges[$0] + edges[$0 + 1]) }

        var curve = Plot(title: "Learned likelihood ratio λ(y) = p_{S+B}/p_B at σ = \(fmt(sigma)), α = \(fmt(alpha))",
                         xLabel: "y = Y0 + Y1 (mod 1)", yLabel: "λ(y) = p_{S+B}(y) / p_B(y)")
        curve.xRange = -0.5...0.5
        curve.legend = .topRight
        curve.add(.line("exact: α·WN(y; √2σ) + 1 − α", x: grid, y: exact, color: "#000000"))
        curve.add(.line("network, (S+B) vs B", x: grid, y: fromMix))
        curve.add(.line("network, S vs B + mixture correction", x: grid, y: fromSB, dashed: true))
        curve.add(.points("binned (histogram ratio)", x: centres, y: binned, yError: binnedErr))
        curve.add(.vertical(-bulkHalf))
        curve.add(.vertical(bulkHalf))

        var dev = Plot(title: "Relative deviation from the exact ratio", xLabel: "y = Y0 + Y1 (mod 1)", yLabel: "λ^(y) / λ(y) − 1")
        dev.xRange = -0.5...0.5
        dev.legend = .bottomRight
        dev.add(.horizontal(0))
        dev.add(.line("(S+B) vs B", x: grid, y: zip(fromMix, exact).map { $0 / $1 - 1 }))
        dev.add(.line("S vs B + mixture correction", x: grid, y: zip(fromSB, exact).map { $0 / $1 - 1 }, dashed: true))
        let exactAtCentres: [Double] = centres.map { BumpHuntModel.mixtureRatio(y: $0, sigma: sigma, signalFraction: alpha) }
        let binnedDev: [Double] = centres.indices.map { binned[$0] / exactAtCentres[$0] - 1 }
        let binnedDevErr: [Double] = centres.indices.map { binnedErr[$0] / exactAtCentres[$0] }
        dev.add(.points("binned", x: centres, y: binnedDev, yError: binnedDevErr))
        dev.add(.vertical(-bulkHalf))
        dev.add(.vertical(bulkHalf))

        // Calibration on independent events (guide fig. 3 left).
        let m = calibrationEvents
        let testMixed = LearnedRatioStudy.mixture(model, m, alpha: alpha, rng: RandomStream(seed: seed, task: 4)).map(\.y)
        let testBkg = model.events(m, signal: false, rng: RandomStream(seed: seed, task: 5)).map(\.y)
        let fA = lambdaMix(testMixed), fB = lambdaMix(testBkg)
        let hi = max(fA.max() ?? 1, fB.max() ?? 1)
        let cbins = 30
        let cedges = (0...cbins).map { hi * Double($0) / Double(cbins) }
        func hist(_ v: [Double]) -> [Double] {
            var h = [Double](repeating: 0, count: cbins)
            for x in v { h[min(cbins - 1, max(0, Int(x / hi * Double(cbins))))] += 1 }
            return h
        }
        let cA = hist(fA), cB = hist(fB)
        let ccentres = (0..<cbins).map { 0.5 * (cedges[$0] + cedges[$0 + 1]) }
        var calX: [Double] = [], calY: [Double] = [], calE: [Double] = []
        for k in 0..<cbins where cA[k] >= 20 && cB[k] >= 20 {
            calX.append(ccentres[k])
            let v = cA[k] / cB[k]
            calY.append(v)
            calE.append(v * (1 / cA[k] + 1 / cB[k]).squareRoot())
        }
        var cal = Plot(title: "Calibration: density ratio in bins of the network's λ^", xLabel: "network λ^ = s/(1−s)·W_B/W_A",
                       yLabel: "p_{S+B} / p_B of events in the bin")
        cal.legend = .topLeft
        cal.add(.diagonal)
        cal.add(.points("(S+B)-vs-B network, independent events", x: calX, y: calY, yError: calE))
        var dist = Plot(title: "Distribution of the network's λ^", xLabel: "network λ^", yLabel: "events per bin")
        dist.logY = true
        dist.legend = .topRight
        dist.add(.histogram("S+B sample", edges: cedges, contents: cA))
        dist.add(.histogram("B sample", edges: cedges, contents: cB, dashed: true))

        var report = HTMLReport(title: "")
        report.paragraph("Two dense \(network.layers) \(network.activation.rawValue) networks trained on y alone at σ = \(fmt(sigma)) "
                         + "with \(n) events per class: one separates S+B (signal fraction α = \(fmt(alpha))) from B, one separates S from B "
                         + "and is turned into λ with the mixture correction. The exact ratio uses the signal's true width √2σ = "
                         + "\(fmt(width)). The bulk is |y| < \(fmt(bulk))·√2σ = \(String(format: "%.3f", bulkHalf)) (dotted lines).")
        report.figure(curve, caption: "The learned λ(y) of both networks on the exact curve and the binned estimate from the training "
                      + "histograms (\(bins) bins, Poisson errors): a classifier's output, converted as in docs/formulas.md §1, is the likelihood ratio.")
        report.figure(dev, caption: String(format: "Relative deviation from the exact ratio. Largest in the bulk: %.1f%% ((S+B) vs B) and "
                                           + "%.1f%% (S vs B + mixture); in r = p_S/p_B: %.1f%% and %.1f%%.",
                                           100 * devMix.lambda, 100 * devSB.lambda, 100 * devMix.ratio, 100 * devSB.ratio))
        report.figure(dist, caption: "The network output on \(m) independent events of each sample (guide fig. 3 left).")
        report.figure(cal, caption: "In each bin of the network's λ^, the ratio of the two samples' event counts (independent events; "
                      + "bins with at least 20 of each). On the diagonal, the output is a calibrated likelihood ratio.")

        let results: [(String, JSONValue)] = [
            ("model", .numberObject([("sigma", sigma), ("signal_fraction", alpha)])),
            ("bulk_half_width", .number(bulkHalf)),
            ("max_relative_deviation_bulk", .numberObject([("splusb_vs_b", devMix.lambda), ("s_vs_b_mixture", devSB.lambda)])),
            ("max_relative_deviation_bulk_ratio_sb", .numberObject([("splusb_vs_b", devMix.ratio), ("s_vs_b_mixture", devSB.ratio)])),
            ("training_epochs", .object([("splusb_vs_b", .integer(histMix.count)), ("s_vs_b", .integer(histSB.count))])),
            ("events_per_class", .integer(n)),
        ]
        let tables: [StudyTable] = [
            StudyTable(name: "ratio_curves", columns: [("y", grid), ("lambda_exact", exact), ("lambda_splusb_vs_b", fromMix), ("lambda_s_vs_b_mixture", fromSB)]),
            StudyTable(name: "ratio_binned", columns: [("y_low", Array(edges.dropLast())), ("y_high", Array(edges.dropFirst())),
                                             ("lambda", binned), ("lambda_error", binnedErr)]),
            StudyTable(name: "calibration", columns: [("lambda_hat", calX), ("density_ratio", calY), ("density_ratio_error", calE)]),
        ]
        return StudyResult(results: results, tables: tables, report: report)
    }
}
